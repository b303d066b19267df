import { isDuplicateKey } from '@hitl/messaging';
import type { mongo } from 'mongoose';
import { ChainVerifier, sealEntry, type AuditEntry, type AuditInput, type VerifyResult } from './audit-entry';

export const AUDIT_COLLECTION = 'audit_log';
/** Bookkeeping next to the log: the newest claimed entries, for appenders (see AuditLog). */
export const AUDIT_TIP_COLLECTION = 'audit_log_tip';

/** `_id` is the seq: inserting it is how an appender claims that seq. */
interface TipDocument {
  _id: number;
  entry: AuditEntry;
}

/** Tip documents kept behind the newest; appenders only ever read the newest one. */
const TIP_KEEP = 100;

export interface AuditLogOptions {
  /** Claims one append may lose to other replicas before it fails (default 50). */
  maxAttempts?: number;
  now?: () => Date;
}

export class AuditAppendError extends Error {
  override readonly name = 'AuditAppendError';
}

/**
 * The review app's append-only, hash-chained audit log in the service's database. It offers no
 * update or delete.
 *
 * How appends stay one chain across replicas without multi-document transactions (FerretDB v1
 * has none), and cheaply on FerretDB v1, which answers every query on a large collection by
 * reading all of it (no index use, so finding the log's last entry costs ~1 s per 20,000
 * entries) and whose conditional updates are not atomic under concurrency (two replicas could
 * both "win" a compare-and-set):
 *
 * 1. The only atomic step is an insert into `audit_log_tip` with `_id` = the next seq. That
 *    insert claims the seq; the loser of a race gets a duplicate key, re-reads the tip (a small
 *    collection, so the read is cheap everywhere) and chains onto the winner's entry.
 * 2. The claimed entry is then inserted into `audit_log` (unique index on seq). An appender that
 *    reads a tip it did not write inserts that entry too (a duplicate key there means "already
 *    stored"), so a replica that stopped between claim and insert leaves no gap: every claimed
 *    entry but the newest is in the log before anyone can claim the next seq.
 *
 * Within one process appends go through a promise queue, so they never race each other.
 * verify() reads only audit_log: the tip is bookkeeping, not evidence.
 */
export class AuditLog {
  private readonly entries: mongo.Collection<AuditEntry>;
  private readonly tips: mongo.Collection<TipDocument>;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest entry this process claimed; undefined until read. Only a first guess: a lost claim re-reads. */
  private tip: AuditEntry | null | undefined;
  private indexes: Promise<void> | undefined;

  constructor(db: mongo.Db, options: AuditLogOptions = {}) {
    this.entries = db.collection<AuditEntry>(AUDIT_COLLECTION);
    this.tips = db.collection<TipDocument>(AUDIT_TIP_COLLECTION);
    this.maxAttempts = options.maxAttempts ?? 50;
    this.now = options.now ?? (() => new Date());
  }

  /** Creates the unique index on seq (once; append calls it). Call at startup to fail early. */
  ensureIndexes(): Promise<void> {
    this.indexes ??= this.entries.createIndex({ seq: 1 }, { unique: true, name: 'seq_unique' }).then(
      () => undefined,
      (error: unknown) => {
        this.indexes = undefined; // let the next call try again
        throw error;
      },
    );
    return this.indexes;
  }

  /**
   * Appends one entry and returns it as stored. If it rejects after claiming its seq, the entry
   * still reaches the log with the next append (by any replica).
   */
  append(input: AuditInput): Promise<AuditEntry> {
    const appended = this.queue.then(() => this.appendNow(input));
    this.queue = appended.catch(() => undefined);
    return appended;
  }

  private async appendNow(input: AuditInput): Promise<AuditEntry> {
    try {
      await this.ensureIndexes();
      let tip = this.tip === undefined ? await this.readTip() : this.tip;
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        const entry = sealEntry(input, tip, this.now());
        if (await this.claim(entry)) {
          await this.store(entry, true);
          this.tip = entry;
          // Housekeeping only: a failure here must not fail an append that is recorded; the next
          // round (every TIP_KEEP entries) deletes whatever this one left.
          if (entry.seq % TIP_KEEP === 0) await this.tips.deleteMany({ _id: { $lte: entry.seq - TIP_KEEP } }).catch(() => undefined);
          return entry;
        }
        tip = await this.readTip();
      }
      throw new AuditAppendError(`audit log: lost the race for the next entry ${this.maxAttempts} times in a row (other replicas kept appending); "${input.action}" was not recorded`);
    } catch (error) {
      this.tip = undefined; // whatever happened, start from the database next time
      throw error;
    }
  }

  /** The newest claimed entry (stored into the log here if its appender stopped first); null: none yet. */
  private async readTip(): Promise<AuditEntry | null> {
    const newest = await this.tips.find().sort({ _id: -1 }).limit(1).next();
    if (newest) {
      await this.store(newest.entry, false);
      return newest.entry;
    }
    // No tip: the first append ever, or the tip collection was removed. One read of the log's end.
    return this.entries.find({}, { projection: { _id: 0 } }).sort({ seq: -1 }).limit(1).next();
  }

  private async claim(entry: AuditEntry): Promise<boolean> {
    try {
      await this.tips.insertOne({ _id: entry.seq, entry });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async store(entry: AuditEntry, own: boolean): Promise<void> {
    try {
      await this.entries.insertOne({ ...entry }); // a copy: the driver adds _id to what it inserts
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (!own) return; // helping a replica that has stored it already: the usual case
      // Another appender stored our claimed entry first, which is fine if it is the same entry.
      // Anything else means audit_log_tip was behind the log (removed or edited by hand).
      const stored = await this.entries.findOne({ seq: entry.seq }, { projection: { hash: 1 } });
      if (stored?.hash !== entry.hash) {
        throw new AuditAppendError(`audit log: entry #${entry.seq} already holds another entry; ${AUDIT_TIP_COLLECTION} is behind ${AUDIT_COLLECTION} (changed by hand?)`);
      }
    }
  }

  /**
   * Checks the whole chain in seq order, streaming it in batches (the server sorts; this
   * process holds one batch at a time), and stops at the first broken entry. Like any hash
   * chain it cannot see the newest entries removed, or the whole chain rewritten: that needs
   * the newest hash kept somewhere else.
   */
  async verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    const cursor = this.entries.find({}, { projection: { _id: 0 }, batchSize: 1_000 }).sort({ seq: 1 });
    for await (const entry of cursor) if (!verifier.push(entry)) break; // breaking out closes the cursor
    return verifier.result();
  }

  /** A page for the admin view: newest first, up to `limit` (1..500) entries before `beforeSeq`. */
  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
    const filter = options.beforeSeq === undefined ? {} : { seq: { $lt: options.beforeSeq } };
    return this.entries.find(filter, { projection: { _id: 0 } }).sort({ seq: -1 }).limit(limit).toArray();
  }

  /** The newest n entries, oldest first. */
  async tail(n = 20): Promise<AuditEntry[]> {
    return (await this.list({ limit: n })).reverse();
  }
}
