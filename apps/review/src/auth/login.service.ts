import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_TRAIL, type AuditTrail, type RequestOrigin } from '../audit-trail';
import { AUTHENTICATOR, type Authenticator, type Principal } from './authenticator';
import { Sessions } from './session';

/** Logging in, for the JSON API and the login form alike: both are audited the same way. */
@Injectable()
export class LoginService {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly sessions: Sessions,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
  ) {}

  async login(username: string, password: string, from: RequestOrigin): Promise<{ user: Principal; token: string } | null> {
    const user = await this.authenticator.authenticate(username, password);
    if (!user) {
      await this.audit.record({ actor: null, action: 'login_failed', from, details: { username: username.slice(0, 64) } });
      return null;
    }
    await this.audit.record({ actor: user, action: 'login', from });
    return { user, token: this.sessions.issue(user) };
  }

  async logout(user: Principal, from: RequestOrigin): Promise<void> {
    await this.audit.record({ actor: user, action: 'logout', from });
  }
}
