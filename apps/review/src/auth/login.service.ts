import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AUDIT_TRAIL, type AuditTrail, type RequestOrigin } from '../audit-trail';
import { REVIEW_SETTINGS, type ReviewSettings } from '../review-settings';
import { AUTHENTICATOR, type Authenticator, type Principal } from './authenticator';
import { LoginThrottle } from './login-throttle';
import { Sessions } from './session';

/** 429 with Retry-After: too many failed logins for the account or from the address. */
export class LoginThrottledException extends HttpException {
  constructor(
    readonly by: 'account' | 'address',
    readonly retryAfterSeconds: number,
  ) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: `too many failed logins ${by === 'account' ? 'for this account' : 'from this address'}; try again in ${retryAfterSeconds} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** Logging in, for the JSON API and the login form alike: both are audited and throttled the same way. */
@Injectable()
export class LoginService {
  private readonly throttle: LoginThrottle;

  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly sessions: Sessions,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(REVIEW_SETTINGS) settings: ReviewSettings,
  ) {
    this.throttle = new LoginThrottle({
      maxFailuresPerAccount: settings.REVIEW_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: settings.REVIEW_LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: settings.REVIEW_LOGIN_WINDOW_SECONDS * 1000,
    });
  }

  /** The session, or null for a wrong name or password; throws LoginThrottledException at the limit. */
  async login(username: string, password: string, from: RequestOrigin): Promise<{ user: Principal; token: string } | null> {
    // Refused attempts are not audited one by one (a flood would flood the chained log): the
    // failure that locks the account or address is.
    const verdict = this.throttle.check(username, from.ip, Date.now());
    if (!verdict.allowed) throw new LoginThrottledException(verdict.by, verdict.retryAfterSeconds);
    const user = await this.authenticator.authenticate(username, password);
    if (!user) {
      this.throttle.failed(username, from.ip, Date.now());
      await this.audit.record({ actor: null, action: 'login_failed', from, details: { username: username.slice(0, 64) } });
      const now = this.throttle.check(username, from.ip, Date.now());
      if (!now.allowed) await this.audit.record({ actor: null, action: 'login_locked', from, details: { username: username.slice(0, 64), by: now.by, seconds: now.retryAfterSeconds } });
      return null;
    }
    this.throttle.succeeded(username);
    await this.audit.record({ actor: user, action: 'login', from });
    return { user, token: this.sessions.issue(user) };
  }

  async logout(user: Principal, from: RequestOrigin): Promise<void> {
    await this.audit.record({ actor: user, action: 'logout', from });
  }
}
