import { JwtService } from '@nestjs/jwt';
import type { Principal } from './authenticator';

export const SESSION_COOKIE = 'hitl_session';

/**
 * Stateless sessions: an HS256 token (sub, name, roles) in an HttpOnly SameSite=Strict cookie,
 * or as `Authorization: Bearer` for API clients. Every replica verifies with the shared secret.
 */
export class Sessions {
  private readonly jwt: JwtService;

  constructor(
    secret: string,
    readonly ttlMinutes: number,
  ) {
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: ttlMinutes * 60, issuer: 'hitl-review' }, verifyOptions: { algorithms: ['HS256'], issuer: 'hitl-review' } });
  }

  issue(principal: Principal): string {
    return this.jwt.sign({ sub: principal.id, name: principal.name, roles: principal.roles });
  }

  /** The principal of a valid, unexpired token; null otherwise. */
  verify(token: string | undefined): Principal | null {
    if (!token) return null;
    try {
      const claims = this.jwt.verify<{ sub: string; name: string; roles: string[] }>(token);
      return { id: claims.sub, name: claims.name, roles: claims.roles };
    } catch {
      return null;
    }
  }
}
