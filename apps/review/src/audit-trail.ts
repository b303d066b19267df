import type { Principal } from './auth/authenticator';

/** Where a request came from, as the audit log records it. */
export interface RequestOrigin {
  ip: string;
  userAgent?: string;
}

export interface AuditRecord {
  /** null for a failed login (the attempted name goes in details). */
  actor: Principal | null;
  action: 'login' | 'login_failed' | 'login_locked' | 'logout' | 'claim' | 'release' | 'approve' | 'override' | 'request_info' | 'escalate' | 'automation_stop' | 'automation_lift';
  target?: string;
  from: RequestOrigin;
  details?: Record<string, unknown>;
}

/** Every login and reviewer action goes here (the hash-chained audit log). */
export interface AuditTrail {
  record(entry: AuditRecord): Promise<void>;
}

export const AUDIT_TRAIL = Symbol('AUDIT_TRAIL');
