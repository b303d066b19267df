import type { Tier } from '@hitl/contracts';
import { Subject } from 'rxjs';
import { activeClaim, type QueueItem } from './queue-item';

export interface QueueQuery {
  roles: string[];
  userId: string;
  tier?: Tier;
  category?: string;
  minPriority?: number;
  dueBefore?: string;
  escalated?: boolean;
  limit: number;
  offset: number;
}

/** What a page needs to know of a change (server-sent to reviewers whose roles may see it). */
export type QueueChange = Pick<QueueItem, '_id' | 'status' | 'eligibleRoles' | 'claim' | 'version' | 'priority' | 'escalated'>;

/**
 * This replica's view of the cases not yet finalized, in memory. FerretDB filters and sorts by
 * decoding every document of the collection (about 0.5 ms each on this machine), so the queue
 * and its count are answered here instead, in microseconds; the database stays the authority
 * for every decision (compare-and-set by _id, which it looks up directly).
 *
 * The view learns of every write this replica makes, and reloads from the database every
 * REVIEW_VIEW_REFRESH_MS for what other replicas wrote (with one replica it is always current).
 */
export class QueueView {
  private readonly items = new Map<string, QueueItem>();
  /** dueAt as a number, parsed once per version: the queue sorts by it on every request. */
  private readonly due = new Map<string, number>();
  /** Every case in queue order, sorted again only after a change (reads far outnumber changes). */
  private ordered: QueueItem[] | null = null;
  readonly changes = new Subject<QueueChange>();

  /** Cases an action of this replica is working on right now, and by whom. */
  private readonly busy = new Map<string, string>();

  /**
   * Marks the case as being acted on by `userName` in this replica, unless it already is: the
   * second of two simultaneous attempts is refused at once instead of queueing for the database.
   */
  begin(id: string, userName: string): string | undefined {
    const holder = this.busy.get(id);
    if (holder !== undefined) return holder;
    this.busy.set(id, userName);
    return undefined;
  }

  end(id: string): void {
    this.busy.delete(id);
  }

  get(id: string): QueueItem | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get size(): number {
    return this.items.size;
  }

  /** A stored version of a case; older versions than the one held are ignored. */
  upsert(item: QueueItem): void {
    const held = this.items.get(item._id);
    if (held && held.version > item.version) return;
    if (held && held.version === item.version) return;
    if (item.status === 'finalized') this.remove(item._id);
    else {
      this.items.set(item._id, item);
      this.due.set(item._id, Date.parse(item.dueAt));
      this.ordered = null;
    }
    this.changes.next(item);
  }

  remove(id: string): void {
    this.items.delete(id);
    this.due.delete(id);
    this.ordered = null;
  }

  /** Replaces the view with what the database holds; reports the cases that changed. */
  reload(stored: QueueItem[]): void {
    const present = new Set(stored.map((item) => item._id));
    for (const id of [...this.items.keys()]) if (!present.has(id)) this.remove(id);
    for (const item of stored) this.upsert(item);
  }

  /**
   * Every case the view holds, counted by status, tier, whether a claim holds it now and whether
   * it was escalated; and the age of the oldest open case (the metrics read this at a scrape).
   */
  census(now: number): { counts: Map<string, { status: string; tier: string; claimed: boolean; escalated: boolean; n: number }>; oldestOpenMs: number } {
    const counts = new Map<string, { status: string; tier: string; claimed: boolean; escalated: boolean; n: number }>();
    let oldest = now;
    for (const item of this.items.values()) {
      const claimed = !!item.claim && Date.parse(item.claim.until) > now;
      const key = `${item.status}|${item.tier}|${claimed}|${item.escalated}`;
      const entry = counts.get(key) ?? { status: item.status, tier: item.tier, claimed, escalated: item.escalated, n: 0 };
      entry.n++;
      counts.set(key, entry);
      if (item.status === 'open') oldest = Math.min(oldest, Date.parse(item.requestedAt));
    }
    return { counts, oldestOpenMs: now - oldest };
  }

  /** Every case in queue order: priority first, then the earliest due, then the id. */
  private inOrder(): QueueItem[] {
    this.ordered ??= [...this.items.values()].sort(
      (a, b) => b.priority - a.priority || this.due.get(a._id)! - this.due.get(b._id)! || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
    );
    return this.ordered;
  }

  /**
   * The cases to hand a reviewer who asks for their next one, in queue order: open, one of their
   * roles may act, not voted on by them, claimed by nobody, not being acted on in this replica,
   * and in their skills (categories; none given: all). At most `limit`.
   */
  assignable(reviewer: { id: string; roles: readonly string[]; skills?: readonly string[] }, now: Date, limit: number): QueueItem[] {
    const out: QueueItem[] = [];
    for (const item of this.inOrder()) {
      if (out.length >= limit) break;
      if (!waitsFor(item, reviewer.roles, reviewer.id) || this.busy.has(item._id) || activeClaim(item, now)) continue;
      if (reviewer.skills && !reviewer.skills.includes(item.category)) continue;
      out.push(item);
    }
    return out;
  }

  /** How many open cases the reviewer holds through a live claim. */
  heldBy(userId: string, now: Date): number {
    let held = 0;
    for (const item of this.items.values()) if (item.status === 'open' && activeClaim(item, now)?.by === userId) held++;
    return held;
  }

  /** The caller's queue: open cases one of their roles may act on and they have not voted on. */
  query(q: QueueQuery): { items: QueueItem[]; total: number } {
    const due = q.dueBefore ? Date.parse(q.dueBefore) : undefined;
    const matching = this.inOrder().filter(
      (item) =>
        waitsFor(item, q.roles, q.userId) &&
        (q.tier === undefined || item.tier === q.tier) &&
        (q.category === undefined || item.category === q.category) &&
        (q.minPriority === undefined || item.priority >= q.minPriority) &&
        (due === undefined || this.due.get(item._id)! <= due) &&
        (q.escalated === undefined || item.escalated === q.escalated),
    );
    return { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
  }
}

/** An open case one of the reviewer's roles may act on, and that they have not voted on: their queue and their next case both start here. */
function waitsFor(item: QueueItem, roles: readonly string[], userId: string): boolean {
  return item.status === 'open' && item.eligibleRoles.some((role) => roles.includes(role)) && !item.voters.includes(userId);
}
