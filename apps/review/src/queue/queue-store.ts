import { backoff, documentCodec, VersionedWrites, type EncodedDocument } from '@hitl/platform';
import type { Collection } from 'mongodb';
import { pastCaseOf, type PastCase } from '../cases/similar';
import { poolEntryOf, poolIdOf, POOL_PER_CATEGORY, type ExercisePool, type PoolEntry } from './exercises';
import type { QueueItem } from './queue-item';
import { QueueView } from './queue-view';

const MAX_ATTEMPTS = 50;
/** Past cases kept per category for the "similar past cases" panel. */
const PAST_PER_CATEGORY = 50;

export class ConcurrentChangeError extends Error {}

interface PastCases {
  _id: string;
  cases: PastCase[];
  version: number;
}

/**
 * Queue items, past cases and exercise pools are stored as one JSON string each (documentCodec):
 * FerretDB pays per field, and a queue item has about sixty. Kept outside: what a filter names
 * (`status`, in the delete of a finalized case) and `updatedAt` (a Date).
 */
export const itemCodec = documentCodec<QueueItem>(['status', 'updatedAt']);
const pastCodec = documentCodec<PastCases>();
const poolCodec = documentCodec<ExercisePool>();

/** What the collections hold: encoded documents (or, written before the encoding, plain ones). */
export type StoredDocument = EncodedDocument | QueueItem | PastCases | ExercisePool;

/**
 * The review app's read model. `queue` holds the cases not yet finalized, one document each,
 * changed only by read → pure reducer → write-if-unchanged (a version compare-and-set), so Kafka
 * handlers, reviewer actions and other replicas never overwrite each other. A finalized case
 * moves to `closed`, and joins its category's last few in `past_cases`: every hot lookup is by
 * _id, the one lookup FerretDB answers without decoding the whole collection. Single-document
 * writes only (FerretDB has no multi-document transactions), each new version claimed first
 * (VersionedWrites: FerretDB's version-guarded replaceOne is not atomic); each step is idempotent.
 */
export class QueueStore {
  private readonly openWrites: VersionedWrites<QueueItem>;
  private readonly pastWrites: VersionedWrites<PastCases>;
  private readonly poolWrites: VersionedWrites<ExercisePool>;
  private readonly open: Collection<QueueItem>;
  private readonly closed: Collection<QueueItem>;
  private readonly past: Collection<PastCases>;

  constructor(
    open: Collection<StoredDocument>,
    closed: Collection<StoredDocument>,
    past: Collection<StoredDocument>,
    claims: Collection<never>,
    readonly view = new QueueView(),
  ) {
    this.open = open as unknown as Collection<QueueItem>;
    this.closed = closed as unknown as Collection<QueueItem>;
    this.past = past as unknown as Collection<PastCases>;
    // One claims collection for both: claim ids are `<document id>#<version>`, categories and
    // case ids do not collide because past-case documents are keyed `past:<category>`.
    this.openWrites = new VersionedWrites(this.open, claims as never, { codec: itemCodec });
    // A category's past cases and exercise pool change with every case it closes: remembered.
    this.pastWrites = new VersionedWrites(this.past, claims as never, { codec: pastCodec, remember: 256 });
    // Exercise pools live beside the past cases (`pool:<category>`).
    this.poolWrites = new VersionedWrites(this.past as unknown as Collection<ExercisePool>, claims as never, { codec: poolCodec, remember: 256 });
  }

  async get(id: string): Promise<QueueItem | null> {
    return (await this.openWrites.read(id)) ?? (await this.closedCase(id));
  }

  /**
   * Applies `reduce` to the current document (undefined when there is none) and stores the
   * result unless someone changed the document meanwhile, in which case it reads and reduces
   * again. `reduce` returning undefined means "nothing to change". A finalized result is moved
   * out of the queue.
   */
  /**
   * One change at a time per replica. FerretDB keeps each database in one SQLite file with one
   * writer at a time; concurrent writers wait on its lock by polling, and 20 approvals of
   * different cases at once took 6–8 s each, against 60–100 ms one after the other. Other
   * replicas may still write concurrently: VersionedWrites keeps that correct.
   */
  change(id: string, reduce: (item: QueueItem | undefined) => QueueItem | undefined, now = () => new Date()): Promise<QueueItem | undefined> {
    const run = this.tail.then(() => this.changeNow(id, reduce, now));
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private tail: Promise<void> = Promise.resolve();

  private async changeNow(id: string, reduce: (item: QueueItem | undefined) => QueueItem | undefined, now: () => Date): Promise<QueueItem | undefined> {
    // A case this replica has not seen is most likely new: insert it straight away (one round
    // trip, not a lookup and then an insert); the unique _id index finds a duplicate. If it
    // existed after all, the insert fails: read it.
    if (!this.view.has(id)) {
      const fresh = reduce(undefined);
      const stored: QueueItem | undefined = fresh && { ...fresh, _id: id, version: 1, updatedAt: now() };
      if (stored && (await this.openWrites.write(stored))) {
        this.view.upsert(stored);
        return stored;
      }
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // First from the view: it holds the version this replica last wrote or read, so a change
      // costs no lookup. A copy another replica has since moved past fails the version claim and
      // the next attempt reads.
      const { current, next } = await this.openWrites.reduceLatest(id, reduce, attempt === 0 ? this.view.get(id) : undefined);
      if (!next) {
        if (current?.status === 'finalized') await this.close(current); // a move cut short by a crash
        return undefined;
      }
      const stored: QueueItem = { ...next, _id: id, version: (current?.version ?? 0) + 1, updatedAt: now() };
      if (!(await this.openWrites.write(stored))) {
        await backoff(attempt); // another writer got this version: read and reduce again
        continue;
      }
      this.view.upsert(stored);
      if (stored.status === 'finalized') await this.close(stored);
      return stored;
    }
    throw new ConcurrentChangeError(`case ${id} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  /** Finalized: into `closed` and its category's past cases (and exercise pool), then out of the queue. */
  private async close(item: QueueItem): Promise<void> {
    await this.closed.replaceOne({ _id: item._id }, itemCodec.encode(item) as never, { upsert: true });
    // An exercise replays a past case: it is not another one (nor has it a decision of its own).
    const past = item.reason === 'exercise' ? undefined : pastCaseOf(item);
    if (past) await this.rememberPast(item.category, past);
    const entry = poolEntryOf(item);
    if (entry) {
      await this.poolWrites.change(poolIdOf(item.category), (doc) =>
        doc?.cases.some((c) => c.caseId === entry.caseId) ? undefined : { _id: poolIdOf(item.category), version: 0, cases: [...(doc?.cases ?? []), entry].slice(-POOL_PER_CATEGORY) },
      );
    }
    await this.open.deleteOne({ _id: item._id, status: 'finalized' });
    await this.openWrites.forget(item._id, item.version);
    this.view.remove(item._id);
  }

  private async rememberPast(category: string, past: PastCase): Promise<void> {
    await this.pastWrites.change(`past:${category}`, (doc) =>
      doc?.cases.some((c) => c.caseId === past.caseId) ? undefined : { _id: `past:${category}`, version: 0, cases: [...(doc?.cases ?? []), past].slice(-PAST_PER_CATEGORY) },
    );
  }

  /** Past cases of the category where people decided against the AI: calibration exercises come from these. */
  async exercisePool(category: string): Promise<PoolEntry[]> {
    return (await this.poolWrites.read(poolIdOf(category)))?.cases ?? [];
  }

  /** A case as it was when it closed. */
  async closedCase(id: string): Promise<QueueItem | null> {
    const stored = await this.closed.findOne({ _id: id });
    return stored && itemCodec.decode(stored);
  }

  async pastCases(category: string): Promise<PastCase[]> {
    return (await this.pastWrites.read(`past:${category}`))?.cases ?? [];
  }

  /** Every case not yet finalized (at start-up, and to learn what other replicas wrote). */
  async reloadView(): Promise<void> {
    this.view.reload((await this.open.find({}).toArray()).map((stored) => itemCodec.decode(stored)));
  }
}

