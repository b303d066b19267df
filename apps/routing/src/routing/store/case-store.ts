import type { mongo } from 'mongoose';
import { isDuplicateKey } from '@hitl/messaging';
import { insertNew, VersionedWrites } from '@hitl/platform';
import type { CaseOutput } from '../case/outputs';
import type { ReviewCase } from '../case/review-case';

/** What each applied input event produced, kept so a redelivery re-emits the same outputs. */
export interface OutboxEntry {
  eventKey: string;
  position?: { partition: number; offset: string };
  outputs: CaseOutput[];
}

export interface CaseDocument {
  _id: string;
  /** Optimistic concurrency: every write names the version it read. */
  version: number;
  case: ReviewCase;
  outbox: OutboxEntry[];
  updatedAt: Date;
}

/** How many input events' outputs a case keeps (redeliveries come soon after the original). */
export const OUTBOX_KEEP = 50;

/**
 * How a case is stored: the case and its outbox as one JSON string, beside the fields a store
 * or an operator selects on. Routing only ever reads a case by `_id`, so nothing is lost for
 * queries, and the database stores and returns a string instead of ~100 nested fields. On
 * FerretDB (SQLite) that is what a decision costs: 20,000 inserts of a case of the auto path
 * took 0.40 ms of FerretDB CPU each as nested fields and 0.067 ms as a string (`npm run
 * bench:auto`, issue 9). Temporal and Zeebe keep workflow state as encoded blobs for the same
 * reason. A document in the old nested form (written before) is still read.
 */
export interface StoredCase {
  _id: string;
  version: number;
  /** Promoted from the case, for operators: `db.cases.find({state: "awaiting_review"})`. */
  state: ReviewCase['state'];
  /** JSON of `{ case, outbox }`. */
  body: string;
  updatedAt: Date;
}

export function encodeCase(doc: CaseDocument): StoredCase {
  return { _id: doc._id, version: doc.version, state: doc.case.state, body: JSON.stringify({ case: doc.case, outbox: doc.outbox }), updatedAt: doc.updatedAt };
}

export function decodeCase(stored: StoredCase | CaseDocument): CaseDocument {
  if (!('body' in stored)) return stored;
  const { case: reviewCase, outbox } = JSON.parse(stored.body) as Pick<CaseDocument, 'case' | 'outbox'>;
  return { _id: stored._id, version: stored.version, case: reviewCase, outbox, updatedAt: stored.updatedAt };
}

/**
 * One document per case; every change is a single-document write of the version after the one
 * it read (VersionedWrites: atomic on FerretDB too, where a version-guarded replaceOne is not),
 * so two replicas (or two topics) changing one case never lose an update, without the
 * multi-document transactions FerretDB lacks.
 */
export class CaseStore {
  private readonly writes: VersionedWrites<StoredCase>;

  constructor(
    private readonly collection: mongo.Collection<StoredCase>,
    claims: mongo.Collection<never>,
  ) {
    this.writes = new VersionedWrites(collection, claims as never);
  }

  async get(caseId: string): Promise<CaseDocument | null> {
    const stored = await this.collection.findOne({ _id: caseId });
    return stored && decodeCase(stored);
  }

  /** False when another writer got there first (re-read and re-apply). */
  async insert(doc: CaseDocument): Promise<boolean> {
    try {
      await this.collection.insertOne(encodeCase(doc));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Inserts many new cases in one request; returns the ids that already existed (they were not
   * written). Cheaper than a lookup per case first: one request for the lot, and the unique
   * _id index finds a duplicate.
   */
  insertNew(docs: CaseDocument[]): Promise<Set<string>> {
    return insertNew(this.collection, docs.map(encodeCase));
  }

  /** False when the stored version is no longer `expectedVersion`. */
  async replace(doc: CaseDocument, expectedVersion: number): Promise<boolean> {
    return this.writes.write(encodeCase({ ...doc, version: expectedVersion + 1 }));
  }
}
