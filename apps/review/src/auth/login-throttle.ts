/**
 * Failed logins, counted per account name and per client address over a sliding window; at the
 * limit, further attempts are refused without checking the password (argon2 costs CPU, and a
 * guesser learns nothing) until the oldest failure leaves the window. A success clears the
 * account's failures. Any name counts, known or not, so a refusal tells nothing about who exists.
 *
 * In memory, per replica: with N replicas behind a load balancer a guesser gets at most N times
 * the limit. Bounded: at most `maxKeys` names and addresses are remembered (the oldest go first).
 */
export interface ThrottleLimits {
  /** Failures of one account name within the window before it is locked. */
  maxFailuresPerAccount: number;
  /** Failures from one client address within the window before it is refused. */
  maxFailuresPerAddress: number;
  windowMs: number;
  maxKeys?: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; by: 'account' | 'address'; retryAfterSeconds: number };

export class LoginThrottle {
  private readonly accounts = new Map<string, number[]>();
  private readonly addresses = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits) {}

  check(account: string, address: string, now: number): ThrottleVerdict {
    const byAccount = this.lockedFor(this.accounts, key(account), this.limits.maxFailuresPerAccount, now);
    if (byAccount > 0) return { allowed: false, by: 'account', retryAfterSeconds: Math.ceil(byAccount / 1000) };
    const byAddress = this.lockedFor(this.addresses, address, this.limits.maxFailuresPerAddress, now);
    if (byAddress > 0) return { allowed: false, by: 'address', retryAfterSeconds: Math.ceil(byAddress / 1000) };
    return { allowed: true };
  }

  failed(account: string, address: string, now: number): void {
    this.remember(this.accounts, key(account), now);
    this.remember(this.addresses, address, now);
  }

  succeeded(account: string): void {
    this.accounts.delete(key(account));
  }

  /** Milliseconds until `id` may try again (0: now). */
  private lockedFor(map: Map<string, number[]>, id: string, max: number, now: number): number {
    const recent = this.recent(map, id, now);
    if (recent.length < max) return 0;
    return recent[recent.length - max] + this.limits.windowMs - now;
  }

  private recent(map: Map<string, number[]>, id: string, now: number): number[] {
    const all = map.get(id);
    if (!all) return [];
    const recent = all.filter((t) => t > now - this.limits.windowMs);
    if (recent.length === 0) map.delete(id);
    else if (recent.length !== all.length) map.set(id, recent);
    return recent;
  }

  private remember(map: Map<string, number[]>, id: string, now: number): void {
    const recent = this.recent(map, id, now);
    map.delete(id); // re-inserted last: the map's order is least recently failed first
    map.set(id, [...recent, now].slice(-Math.max(this.limits.maxFailuresPerAccount, this.limits.maxFailuresPerAddress)));
    const maxKeys = this.limits.maxKeys ?? 100_000;
    while (map.size > maxKeys) map.delete(map.keys().next().value!);
  }
}

/** Names are compared as a person would type them. */
const key = (account: string) => account.trim().toLowerCase().slice(0, 128);
