import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { Principal } from './authenticator';

export const SESSION_COOKIE = 'hitl_session';

/** Where ended sessions are kept until their token would have expired anyway (shared by every replica). */
export interface EndedSessions {
  find(filter: Record<string, never>): { toArray(): Promise<{ _id: string; expiresAt: Date }[]> };
  updateOne(filter: { _id: string }, update: { $set: { expiresAt: Date } }, options: { upsert: true }): Promise<unknown>;
  deleteMany(filter: { expiresAt: { $lt: Date } }): Promise<unknown>;
}

/**
 * Sessions: an HS256 token (sub, name, roles, jti) in an HttpOnly SameSite=Strict cookie, or as
 * `Authorization: Bearer` for API clients. Every replica verifies it with the shared secret and
 * refuses the ones that were ended: logging out ends the session on the server, so a copied cookie
 * or token stops working at once on the replica that logged it out, and within `syncMs` on the
 * others, not when it expires. Each replica keeps the ended ids in memory and reloads them from
 * the database at most every `syncMs`, in the background: a lookup per request halved the queue
 * reads bench:review measured. The ended ones are kept only until their expiry (pruned on each
 * logout: FerretDB has no TTL index).
 */
export class Sessions {
  private readonly jwt: JwtService;
  /** Ended session ids → when their token expires anyway (ms). */
  private readonly endedIds = new Map<string, number>();
  private syncedAt = 0;
  private syncing?: Promise<void>;

  constructor(
    secret: string,
    readonly ttlMinutes: number,
    private readonly ended: EndedSessions,
    private readonly syncMs = 1_000,
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
    // The first check of a process waits for the list; later ones refresh it in the background.
    if (this.syncedAt === 0) await this.sync();
    else if (Date.now() - this.syncedAt > this.syncMs) void this.sync();
    if (this.endedIds.has(claims.jti)) return null;
    return { id: claims.sub, name: claims.name, roles: claims.roles };
  }

  /** Adds the ended ids of every replica (never drops one before its expiry: a logout here may not be stored yet). */
  private sync(): Promise<void> {
    this.syncing ??= this.ended
      .find({})
      .toArray()
      .then((docs) => {
        const now = Date.now();
        for (const d of docs) this.endedIds.set(d._id, new Date(d.expiresAt).getTime());
        for (const [id, expires] of this.endedIds) if (expires < now) this.endedIds.delete(id);
        this.syncedAt = now;
      })
      .catch(() => undefined) // the database is away: the ids known so far still count; tried again next request
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Ends the token's session (logout): refused from now on by every replica. */
  async end(token: string | undefined): Promise<void> {
    const claims = this.claimsOf(token);
    if (!claims?.jti) return;
    const now = new Date();
    this.endedIds.set(claims.jti, claims.exp * 1000);
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
