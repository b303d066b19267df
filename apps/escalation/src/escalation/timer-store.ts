import { insertNew, VersionedWrites } from '@hitl/platform';
import type { Collection, Db } from 'mongodb';
import { liveDeadlines, type CaseState, type TimerEntry } from './ladder';

/** A bucket's head: how many chunks hold its deadlines (`c:<start>:0` .. `c:<start>:<chunks-1>`). */
interface BucketHead {
  _id: string;
  version: number;
  chunks: number;
}

/** Up to CHUNK_SIZE deadlines of one bucket: small, so appending never rewrites a large document. */
interface Chunk {
  _id: string;
  version: number;
  deadlines: TimerEntry[];
}

/** Deadlines per chunk. Rewriting a document costs FerretDB its whole size (~220 bytes a deadline). */
export const CHUNK_SIZE = 100;

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
 * by its start, its deadlines in chunks of at most CHUNK_SIZE so an append rewrites a small
 * document): a tick reads only the buckets between the shared cursor and now, by _id. Each
 * deadline fires through a claim (`firings`, one document per deadline, written with
 * VersionedWrites so exactly one replica holds it; a claim whose lease ran out is taken over).
 */
export class TimerStore {
  private readonly heads: Collection<BucketHead>;
  private readonly chunks: Collection<Chunk>;
  private readonly firings: Collection<Firing>;
  private readonly cursors: Collection<Cursor>;
  private readonly cases: Collection<CaseState>;
  private readonly fired: Collection<FiredMarker>;
  private readonly headWrites: VersionedWrites<BucketHead>;
  private readonly chunkWrites: VersionedWrites<Chunk>;
  private readonly firingWrites: VersionedWrites<Firing>;
  private readonly cursorWrites: VersionedWrites<Cursor>;
  private readonly caseWrites: VersionedWrites<CaseState>;

  constructor(
    db: Db,
    readonly bucketMs: number,
  ) {
    this.heads = db.collection('deadline_buckets');
    this.chunks = db.collection('deadline_chunks');
    this.firings = db.collection('firings');
    this.cursors = db.collection('cursor');
    this.cases = db.collection('cases');
    this.fired = db.collection('fired');
    // One claims collection per collection: version claims are `<id>#<version>`, and ids of
    // different collections (a case id, a deadline id) must never block each other.
    const claimsOf = (name: string) => db.collection<never>(`${name}_claims`) as never;
    this.headWrites = new VersionedWrites(this.heads, claimsOf('deadline_buckets'));
    this.chunkWrites = new VersionedWrites(this.chunks, claimsOf('deadline_chunks'));
    this.firingWrites = new VersionedWrites(this.firings, claimsOf('firings'));
    this.cursorWrites = new VersionedWrites(this.cursors, claimsOf('cursor'));
    this.caseWrites = new VersionedWrites(this.cases, claimsOf('cases'));
  }

  bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs) * this.bucketMs;
  }

  /**
   * Adds deadlines to their buckets; one already due lands in the next bucket (fires at once).
   * `now` may be old by the time the writes land (a slow batch, a request redelivered after a
   * crash), and the ticker may have finished a bucket meanwhile: so the cursor is read after the
   * writes, and what went into a bucket before it moves on (see `place`).
   */
  async add(deadlines: TimerEntry[], now: Date): Promise<void> {
    const byBucket = new Map<number, TimerEntry[]>();
    const earliest = this.bucketOf(now.getTime()) + this.bucketMs;
    for (const d of deadlines) {
      const due = Date.parse(d.dueAt);
      const bucket = due <= now.getTime() ? earliest : this.bucketOf(due);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), d]);
    }
    for (const [bucket, items] of byBucket) await this.append(bucket, items);
    await this.place([...byBucket], undefined);
  }

  /**
   * Makes sure entries just written to `buckets` are read by a pass: the ones written to a bucket
   * the cursor has passed are written again at the cursor (or after `after`, a bucket just
   * finished), and so on until they land in a bucket not yet done. Safe against the ticker because
   * it moves the cursor before it removes a bucket's chunks: a write that landed before the removal
   * is carried on by `advance` (it was not seen), one after it sees the moved cursor here. Firing
   * twice is not a risk: a deadline fires once whatever bucket it is read from (claims).
   */
  private async place(buckets: [number, TimerEntry[]][], after: number | undefined): Promise<void> {
    let behind = buckets;
    let floor = after === undefined ? -Infinity : after + this.bucketMs;
    for (;;) {
      const cursor = (await this.cursors.findOne({ _id: 'cursor' }))?.bucket ?? -Infinity;
      const target = Math.max(cursor, floor);
      behind = behind.filter(([bucket]) => bucket < target);
      if (behind.length === 0) return;
      const items = behind.flatMap(([, entries]) => entries);
      await this.append(target, items);
      behind = [[target, items]];
      floor = target;
    }
  }

  /**
   * Appends to a bucket: a new bucket is inserted (head + chunks) in one go; otherwise the last
   * chunk takes what fits and new chunks, numbered through the head, take the rest. A writer that
   * dies between numbering a chunk and inserting it leaves a hole the reader skips.
   */
  private async append(bucket: number, items: TimerEntry[]): Promise<void> {
    // Insert first: a bucket not there yet is common, and then the insert is the only round trip.
    const pieces = chunked(items);
    if (await this.headWrites.write({ _id: `b:${bucket}`, version: 1, chunks: pieces.length })) {
      await this.insertChunks(bucket, 0, pieces);
      return;
    }
    let rest = items;
    const head = await this.heads.findOne({ _id: `b:${bucket}` });
    if (head && head.chunks > 0) {
      const last = `c:${bucket}:${head.chunks - 1}`;
      await this.chunkWrites.change(last, (current) => {
        const known = new Set(current?.deadlines.map((d) => d._id));
        const fresh = items.filter((d) => !known.has(d._id)); // from `items` each time: a retry reduces again
        const room = CHUNK_SIZE - (current?.deadlines.length ?? 0);
        const taken = fresh.slice(0, Math.max(0, room));
        rest = fresh.slice(taken.length);
        return taken.length === 0 ? undefined : { _id: last, version: 0, deadlines: [...(current?.deadlines ?? []), ...taken] };
      });
    }
    if (rest.length === 0) return;
    const more = chunked(rest);
    const numbered = await this.headWrites.change(`b:${bucket}`, (current) => ({ _id: `b:${bucket}`, version: 0, chunks: (current?.chunks ?? 0) + more.length }));
    await this.insertChunks(bucket, numbered!.chunks - more.length, more);
  }

  /**
   * Puts chunks this writer numbered. Another writer that read the head first may already have
   * created one (appending to what it saw as the last chunk): then ours merges into it.
   */
  private async insertChunks(bucket: number, first: number, pieces: TimerEntry[][]): Promise<void> {
    await Promise.all(
      pieces.map(async (deadlines, i) => {
        const id = `c:${bucket}:${first + i}`;
        if (await this.chunkWrites.write({ _id: id, version: 1, deadlines })) return;
        await this.chunkWrites.change(id, (current) => {
          const known = new Set(current?.deadlines.map((d) => d._id));
          const fresh = deadlines.filter((d) => !known.has(d._id));
          return fresh.length === 0 ? undefined : { _id: id, version: 0, deadlines: [...(current?.deadlines ?? []), ...fresh] };
        });
      }),
    );
  }

  /** Every entry of a bucket: its head, then its chunks in parallel lookups by _id. */
  async bucket(start: number): Promise<TimerEntry[]> {
    return (await this.readBucket(start)).flat();
  }

  /**
   * A bucket chunk by chunk. With `known` (an earlier read), only its last chunk and the ones
   * added since are read again: appends go there (a merge into an older chunk, rare, is seen by
   * the next full read).
   */
  async readBucket(start: number, known: TimerEntry[][] = []): Promise<TimerEntry[][]> {
    const head = await this.heads.findOne({ _id: `b:${start}` });
    if (!head) return [];
    const from = Math.max(0, Math.min(known.length, head.chunks) - 1);
    const pieces = known.slice(0, from);
    const ids = Array.from({ length: head.chunks - from }, (_, i) => `c:${start}:${from + i}`);
    for (let i = 0; i < ids.length; i += 32) {
      const found = await Promise.all(ids.slice(i, i + 32).map((id) => this.chunks.findOne({ _id: id })));
      pieces.push(...found.map((chunk) => chunk?.deadlines ?? []));
    }
    return pieces;
  }

  /** The first bucket not yet done; the first call starts at the bucket of `now`. */
  async cursor(now: Date): Promise<number> {
    const current = await this.cursors.findOne({ _id: 'cursor' });
    if (current) return current.bucket;
    await this.cursorWrites.write({ _id: 'cursor', version: 1, bucket: this.bucketOf(now.getTime()) });
    return (await this.cursors.findOne({ _id: 'cursor' }))!.bucket;
  }

  /**
   * Moves the cursor past `bucket` (if nobody has yet) and drops the bucket: it is done. `seen`:
   * the ids the pass read from it. Whatever else the removed chunks held was written after that
   * read (a late writer): it moves on to the cursor's bucket, it is not dropped.
   */
  async advance(bucket: number, seen: ReadonlySet<string>): Promise<void> {
    await this.cursorWrites.change('cursor', (current) => (current && current.bucket === bucket ? { ...current, bucket: bucket + this.bucketMs } : undefined));
    const head = await this.heads.findOne({ _id: `b:${bucket}` });
    if (!head) return;
    const unseen: TimerEntry[] = [];
    for (let i = 0; i < head.chunks; i += 32) {
      await Promise.all(
        Array.from({ length: Math.min(32, head.chunks - i) }, async (_, k) => {
          const id = `c:${bucket}:${i + k}`;
          const chunk = await this.chunks.findOneAndDelete({ _id: id });
          if (!chunk) return;
          unseen.push(...chunk.deadlines.filter((d) => !seen.has(d._id)));
          await this.chunkWrites.forget(id, chunk.version);
        }),
      );
    }
    if (unseen.length > 0) await this.place([[bucket, unseen]], bucket);
    await this.heads.deleteOne({ _id: `b:${bucket}` });
    await this.headWrites.forget(`b:${bucket}`, head.version);
  }

  /**
   * How many deadlines wait to fire (cancelled ones not counted), from `cursor` on: every bucket
   * head (a small collection, one document per bucket), then each bucket's chunks by _id. Costs
   * one lookup per 100 deadlines, so it runs on its own schedule, not per scrape.
   */
  async census(cursor: number): Promise<{ pending: number; buckets: number }> {
    const heads = await this.heads.find({}).toArray();
    let pending = 0;
    let buckets = 0;
    for (const head of heads) {
      const start = Number(head._id.slice(2));
      if (!(start >= cursor)) continue;
      buckets++;
      pending += liveDeadlines(await this.bucket(start)).length;
    }
    return { pending, buckets };
  }

  /** Takes the claim to fire `id`: new, or taken over after its lease ran out. False if someone holds it. */
  async claim(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    // Insert first: the usual case is a first claim, and then the insert is the only round trip.
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
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const lost = await insertNew(this.firings, ids.map((id) => ({ _id: id, version: 1, owner, leaseUntil })));
    return new Set(ids.filter((id) => !lost.has(id)));
  }

  /** Marks firings as published: insert-only markers, one request for many. */
  async markFired(ids: string[], now: Date): Promise<void> {
    await insertNew(this.fired, ids.map((id) => ({ _id: id, at: now.toISOString() }))); // already marked: fine
  }

  async isFired(id: string): Promise<boolean> {
    return (await this.fired.findOne({ _id: id })) !== null;
  }

  /** Loads whole buckets at once (the timer benchmark; buckets must be new). */
  async loadBuckets(buckets: Map<number, TimerEntry[]>): Promise<void> {
    for (const [start, deadlines] of buckets) {
      const pieces = chunked(deadlines);
      await this.heads.insertOne({ _id: `b:${start}`, version: 1, chunks: pieces.length });
      const docs = pieces.map((items, i) => ({ _id: `c:${start}:${i}`, version: 1, deadlines: items }));
      for (let i = 0; i < docs.length; i += 50) await this.chunks.insertMany(docs.slice(i, i + 50));
    }
  }

  async loadCases(states: CaseState[]): Promise<void> {
    for (let i = 0; i < states.length; i += 1_000) await this.cases.insertMany(states.slice(i, i + 1_000));
  }

  caseState(caseId: string): Promise<CaseState | null> {
    return this.cases.findOne({ _id: caseId });
  }

  changeCase(caseId: string, reduce: (current: CaseState | undefined) => CaseState | undefined): Promise<CaseState | undefined> {
    // Usually a new case (a first request): insert first, no lookup before it.
    return this.caseWrites.changeLikelyNew(caseId, reduce);
  }
}

function chunked(items: TimerEntry[]): TimerEntry[][] {
  const pieces: TimerEntry[][] = [];
  for (let i = 0; i < items.length; i += CHUNK_SIZE) pieces.push(items.slice(i, i + CHUNK_SIZE));
  return pieces;
}
