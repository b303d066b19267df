import { isDuplicateKey } from '@hitl/messaging';
import type { Collection } from 'mongodb';
import type { DocumentCodec } from './encoded';

export interface Versioned {
  _id: string;
  version: number;
}

interface Claim<T> {
  _id: string;
  doc: T;
  at: Date;
}

export interface VersionedWritesOptions<T = never> {
  /** A claim older than this whose document never reached it was left by a crashed writer. */
  staleClaimMs?: number;
  now?: () => Date;
  /** How documents are stored (e.g. `documentCodec`: one JSON string); read back through it too. */
  codec?: DocumentCodec<T>;
  /**
   * Remember the last version read or written of this many documents, and start `change` from
   * it instead of reading: one lookup less per change of a hot document. Safe with other
   * writers: a change from a stale copy claims a version the document has passed, finds that
   * out when it checks the document after claiming, and reads again. 0 (the default): off.
   */
  remember?: number;
}

/**
 * Compare-and-set of whole documents that is atomic on FerretDB too. FerretDB v1.24 (SQLite)
 * evaluates an update's filter and writes in separate steps, so `replaceOne({_id, version: v})`
 * lets several concurrent writers all "win" and all but one lose their change (measured: 19 of
 * 20 rounds with 8 writers had several winners). An insert on `_id` is atomic there (and on
 * MongoDB), so each new version is first claimed by inserting `<id>#<version>` into a claims
 * collection: exactly one writer gets a version, and only it writes the document.
 *
 * Version 1 is the document's own insert (atomic on `_id`). A writer that crashes between its
 * claim and its write leaves the claim with the full document in it; once the claim is older
 * than `staleClaimMs`, the next writer to run into it finishes the write for it. Each write then
 * removes the claim of the version before, so the claims collection holds about one entry per
 * live document; a writer whose read is that old finds, after claiming, that the document has
 * moved past the version it read, and gives way.
 *
 * Give each document collection its own claims collection (or ids that cannot collide): a claim
 * `<id>#<version>` of one collection would otherwise block, or be "finished" into, a document
 * of another collection with the same id.
 */
export class VersionedWrites<T extends Versioned> {
  private readonly staleClaimMs: number;
  private readonly now: () => Date;
  private readonly encode: (doc: T) => unknown;
  private readonly decode: (stored: unknown) => T;
  private readonly remembered = new Map<string, T>();
  private readonly rememberMax: number;

  constructor(
    private readonly docs: Collection<T>,
    private readonly claims: Collection<Claim<T>>,
    options: VersionedWritesOptions<T> = {},
  ) {
    this.staleClaimMs = options.staleClaimMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    const codec = options.codec;
    this.encode = codec ? (doc) => codec.encode(doc) : (doc) => doc;
    this.decode = codec ? (stored) => codec.decode(stored as T) : (stored) => stored as T;
    this.rememberMax = options.remember ?? 0;
  }

  /** The document as stored now, decoded (undefined when there is none). */
  async read(id: string): Promise<T | undefined> {
    const stored = await this.docs.findOne({ _id: id } as never);
    const doc = stored ? this.decode(stored) : undefined;
    if (doc) this.remember(doc);
    else this.remembered.delete(id);
    return doc;
  }

  private remember(doc: T): void {
    if (this.rememberMax <= 0) return;
    this.remembered.delete(doc._id);
    this.remembered.set(doc._id, doc);
    if (this.remembered.size > this.rememberMax) this.remembered.delete(this.remembered.keys().next().value!);
  }

  /**
   * Stores `next` (whose `version` is the version read + 1) unless another writer got that
   * version first; false then, and the caller reads again and retries.
   */
  async write(next: T): Promise<boolean> {
    const written = next.version === 1 ? await this.insertFirst(next) : await this.claimAndWrite(next);
    if (written) this.remember(next);
    else this.remembered.delete(next._id);
    return written;
  }

  private async claimAndWrite(next: T): Promise<boolean> {
    const claimId = `${next._id}#${next.version}`;
    try {
      await this.claims.insertOne({ _id: claimId, doc: this.encode(next) as T, at: this.now() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.finishAbandoned(claimId, next.version);
      return false;
    }
    // The claim of an old version can be taken again once its writer removed it (below): a
    // writer that read long ago must find the document moved on, and give way.
    const current = await this.docs.findOne({ _id: next._id } as never);
    if ((current as Versioned | null)?.version !== next.version - 1) {
      await this.claims.deleteOne({ _id: claimId });
      return false;
    }
    await this.docs.replaceOne({ _id: next._id } as never, this.encode(next) as never);
    await this.claims.deleteOne({ _id: `${next._id}#${next.version - 1}` });
    return true;
  }

  /**
   * Read, reduce, write the next version; read and reduce again when another writer got that
   * version first (with a short, growing, jittered pause so it can finish). `reduce` returning
   * undefined means "nothing to change".
   */
  async change(id: string, reduce: (current: T | undefined) => T | undefined, attempts = 50): Promise<T | undefined> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { current, next } = await this.reduceLatest(id, reduce, attempt === 0 ? this.remembered.get(id) : undefined);
      if (!next) return undefined;
      const stored = { ...next, _id: id, version: (current?.version ?? 0) + 1 };
      if (await this.write(stored)) return stored;
      await backoff(attempt);
    }
    throw new Error(`${id} kept changing under ${attempts} attempts`);
  }

  /**
   * `reduce` applied to `known`, a copy the caller holds (it may be stale: a write from it fails
   * the version claim), or without one to what is stored. "Nothing to change" is decided on what
   * is stored, never on a copy that may be stale: from a known copy it is checked again.
   */
  async reduceLatest(id: string, reduce: (current: T | undefined) => T | undefined, known?: T): Promise<{ current: T | undefined; next: T | undefined }> {
    let current = known ?? (await this.read(id));
    let next = reduce(current);
    if (!next && known) {
      current = await this.read(id);
      next = reduce(current);
    }
    return { current, next };
  }

  /**
   * `change` for a document that is usually new: what `reduce` makes of nothing is inserted
   * first (one round trip where a lookup would be followed by an insert); the document is read
   * only when it already exists (or `reduce` wants nothing from nothing).
   */
  async changeLikelyNew(id: string, reduce: (current: T | undefined) => T | undefined, attempts = 50): Promise<T | undefined> {
    const first = reduce(undefined);
    if (first) {
      const stored = { ...first, _id: id, version: 1 };
      if (await this.write(stored)) return stored;
    }
    return this.change(id, reduce, attempts);
  }

  /** Inserts version 1, or says someone else already created the document. */
  private async insertFirst(next: T): Promise<boolean> {
    try {
      await this.docs.insertOne(this.encode(next) as never);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Forgets a document's last claim (when the document itself is removed). */
  async forget(id: string, version: number): Promise<void> {
    this.remembered.delete(id);
    await this.claims.deleteOne({ _id: `${id}#${version}` });
  }

  private async finishAbandoned(claimId: string, version: number): Promise<void> {
    const claim = await this.claims.findOne({ _id: claimId });
    if (!claim || this.now().getTime() - claim.at.getTime() < this.staleClaimMs) return;
    // Its writer died between claim and write. Guarded by the version before: the guard is not
    // atomic on FerretDB, but nobody can claim a later version until this one is written.
    await this.docs.replaceOne({ _id: claim.doc._id, version: version - 1 } as never, claim.doc as never);
  }
}

/** A few milliseconds, growing, with jitter: room for the writer that won to finish. */
export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * (attempt + 1))));
}
