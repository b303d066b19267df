import { VersionedWrites } from '@hitl/platform';
import type { Collection, Db } from 'mongodb';
import type { CaseState, Deadline } from './ladder';

interface Bucket {
  _id: string;
  version: number;
  deadlines: Deadline[];
}

export interface Firing {
  _id: string;
  version: number;
  owner: string;
  leaseUntil: string;
}

interface FiredMarker {
  _id: string;
  at: string;
}

interface Cursor {
  _id: string;
  version: number;
  /** Start (ms) of the first bucket not yet done. */
  bucket: number;
}


/**
 * Durable timers without a due-time index. FerretDB answers every query that is not a lookup by
 * _id by decoding the whole collection, so "find the deadlines due now" cannot be a query over
 * a million rows. Deadlines live in time buckets (a document per `bucketMs` of due time, keyed
 * by its start): a tick reads only the buckets between the shared cursor and now, by _id. Each
 * deadline fires through a claim (`firings`, one document per deadline, written with
 * VersionedWrites so exactly one replica holds it; a claim whose lease ran out is taken over).
 */
export class TimerStore {
  private readonly buckets: Collection<Bucket>;
  private readonly firings: Collection<Firing>;
  private readonly cursors: Collection<Cursor>;
  private readonly cases: Collection<CaseState>;
  private readonly fired: Collection<FiredMarker>;
  private readonly bucketWrites: VersionedWrites<Bucket>;
  private readonly firingWrites: VersionedWrites<Firing>;
  private readonly cursorWrites: VersionedWrites<Cursor>;
  private readonly caseWrites: VersionedWrites<CaseState>;

  constructor(
    db: Db,
    readonly bucketMs: number,
  ) {
    this.buckets = db.collection('deadline_buckets');
    this.firings = db.collection('firings');
    this.cursors = db.collection('cursor');
    this.cases = db.collection('cases');
    this.fired = db.collection('fired');
    const claims = db.collection<never>('escalation_claims');
    this.bucketWrites = new VersionedWrites(this.buckets, claims as never);
    this.firingWrites = new VersionedWrites(this.firings, claims as never);
    this.cursorWrites = new VersionedWrites(this.cursors, claims as never);
    this.caseWrites = new VersionedWrites(this.cases, claims as never);
  }

  bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs) * this.bucketMs;
  }

  /** Adds deadlines to their buckets; one already due lands in the next bucket (fires at once). */
  async add(deadlines: Deadline[], now: Date): Promise<void> {
    const byBucket = new Map<number, Deadline[]>();
    const earliest = this.bucketOf(now.getTime()) + this.bucketMs;
    for (const d of deadlines) {
      const due = Date.parse(d.dueAt);
      const bucket = due <= now.getTime() ? earliest : this.bucketOf(due);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), d]);
    }
    for (const [bucket, items] of byBucket) {
      // Insert first: a bucket not there yet is common, and a lookup of a missing _id costs
      // FerretDB a scan of every bucket (large documents).
      if (await this.bucketWrites.write({ _id: `b:${bucket}`, version: 1, deadlines: items })) continue;
      await this.bucketWrites.change(`b:${bucket}`, (current) => {
        const known = new Set(current?.deadlines.map((d) => d._id));
        const fresh = items.filter((d) => !known.has(d._id));
        return fresh.length === 0 ? undefined : { _id: `b:${bucket}`, version: 0, deadlines: [...(current?.deadlines ?? []), ...fresh] };
      });
    }
  }

  async bucket(start: number): Promise<Deadline[]> {
    return (await this.buckets.findOne({ _id: `b:${start}` }))?.deadlines ?? [];
  }

  /** The first bucket not yet done; the first call starts at the bucket of `now`. */
  async cursor(now: Date): Promise<number> {
    const current = await this.cursors.findOne({ _id: 'cursor' });
    if (current) return current.bucket;
    await this.cursorWrites.write({ _id: 'cursor', version: 1, bucket: this.bucketOf(now.getTime()) });
    return (await this.cursors.findOne({ _id: 'cursor' }))!.bucket;
  }

  /** Moves the cursor past `bucket` (if nobody has yet) and drops the bucket: it is done. */
  async advance(bucket: number): Promise<void> {
    await this.cursorWrites.change('cursor', (current) => (current && current.bucket === bucket ? { ...current, bucket: bucket + this.bucketMs } : undefined));
    const done = await this.buckets.findOne({ _id: `b:${bucket}` });
    if (done) {
      await this.buckets.deleteOne({ _id: `b:${bucket}` });
      await this.bucketWrites.forget(`b:${bucket}`, done.version);
    }
  }

  /** Takes the claim to fire `id`: new, or taken over after its lease ran out. False if someone holds it. */
  async claim(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    // Insert first: the usual case is a first claim, and a lookup of a missing _id costs FerretDB a scan.
    if (await this.firingWrites.write({ _id: id, version: 1, owner, leaseUntil })) return true;
    if (await this.isFired(id)) return false;
    const current = await this.firings.findOne({ _id: id });
    if (!current || Date.parse(current.leaseUntil) > now.getTime()) return false;
    return this.firingWrites.write({ _id: id, version: current.version + 1, owner, leaseUntil });
  }

  /**
   * Claims many first firings in one request (the usual case: nobody has claimed them). Returns
   * the ids this replica won; the others are left to the one-by-one path (takeovers).
   */
  async claimMany(ids: string[], owner: string, now: Date, leaseMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const lost = new Set<string>();
    try {
      await this.firings.insertMany(ids.map((id) => ({ _id: id, version: 1, owner, leaseUntil })), { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
      if (!writeErrors || writeErrors.some((w) => w.code !== 11000)) throw error;
      for (const w of writeErrors) lost.add(ids[w.index]);
    }
    return new Set(ids.filter((id) => !lost.has(id)));
  }

  /** Marks firings as published: insert-only markers, one request for many. */
  async markFired(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.fired.insertMany(ids.map((id) => ({ _id: id, at: now.toISOString() })), { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      if (!writeErrors || writeErrors.some((w) => w.code !== 11000)) throw error; // already marked: fine
    }
  }

  async isFired(id: string): Promise<boolean> {
    return (await this.fired.findOne({ _id: id })) !== null;
  }

  /** Case states by id, looked up in parallel (lookups by _id are the cheap ones). */
  async caseStates(ids: string[]): Promise<Map<string, CaseState>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, CaseState>();
    for (let i = 0; i < unique.length; i += 64) {
      const chunk = await Promise.all(unique.slice(i, i + 64).map((id) => this.cases.findOne({ _id: id })));
      for (const state of chunk) if (state) found.set(state._id, state);
    }
    return found;
  }

  /** Loads whole buckets at once (the timer benchmark; buckets must be new). */
  async loadBuckets(buckets: Map<number, Deadline[]>): Promise<void> {
    const docs = [...buckets].map(([start, deadlines]) => ({ _id: `b:${start}`, version: 1, deadlines }));
    for (let i = 0; i < docs.length; i += 20) await this.buckets.insertMany(docs.slice(i, i + 20));
  }

  async loadCases(states: CaseState[]): Promise<void> {
    for (let i = 0; i < states.length; i += 1_000) await this.cases.insertMany(states.slice(i, i + 1_000));
  }

  caseState(caseId: string): Promise<CaseState | null> {
    return this.cases.findOne({ _id: caseId });
  }

  changeCase(caseId: string, reduce: (current: CaseState | undefined) => CaseState | undefined): Promise<CaseState | undefined> {
    return this.caseWrites.change(caseId, reduce);
  }

}
