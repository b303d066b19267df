import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { Principal } from './authenticator';

export const SESSION_COOKIE = 'hitl_session';

/** Where ended sessions are kept until their token would have expired anyway (shared by every replica). */
export interface EndedSessions {
  findOne(filter: { _id: string }, options: { projection: { _id: 1 } }): Promise<unknown>;
  updateOne(filter: { _id: string }, update: { $set: { expiresAt: Date } }, options: { upsert: true }): Promise<unknown>;
  deleteMany(filter: { expiresAt: { $lt: Date } }): Promise<unknown>;
}

/**
 * Sessions: an HS256 token (sub, name, roles, jti) in an HttpOnly SameSite=Strict cookie, or as
 * `Authorization: Bearer` for API clients. Every replica verifies it with the shared secret and
 * asks the database whether it was ended: logging out ends the session on the server, so a copied
 * cookie or token stops working at once on every replica, not when it expires. The ended ones are
 * kept only until their expiry (a prune on each logout: FerretDB has no TTL index).
 */
export class Sessions {
  private readonly jwt: JwtService;

  constructor(
    secret: string,
    readonly ttlMinutes: number,
    private readonly ended: EndedSessions,
  ) {
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn: ttlMinutes * 60, issuer: 'hitl-review' }, verifyOptions: { algorithms: ['HS256'], issuer: 'hitl-review' } });
  }

  issue(principal: Principal): string {
    return this.jwt.sign({ sub: principal.id, name: principal.name, roles: principal.roles }, { jwtid: randomUUID() });
  }

  /** The principal of a valid, unexpired token whose session has not ended; null otherwise. */
  async verify(token: string | undefined): Promise<Principal | null> {
    const claims = this.claimsOf(token);
    if (!claims?.jti) return null;
    if (await this.ended.findOne({ _id: claims.jti }, { projection: { _id: 1 } })) return null;
    return { id: claims.sub, name: claims.name, roles: claims.roles };
  }

  /** Ends the token's session (logout): refused from now on by every replica. */
  async end(token: string | undefined): Promise<void> {
    const claims = this.claimsOf(token);
    if (!claims?.jti) return;
    const now = new Date();
    await this.ended.updateOne({ _id: claims.jti }, { $set: { expiresAt: new Date(claims.exp * 1000) } }, { upsert: true });
    await this.ended.deleteMany({ expiresAt: { $lt: now } });
  }

  private claimsOf(token: string | undefined): { sub: string; name: string; roles: string[]; jti?: string; exp: number } | null {
    if (!token) return null;
    try {
      return this.jwt.verify<{ sub: string; name: string; roles: string[]; jti?: string; exp: number }>(token);
    } catch {
      return null;
    }
  }
}
