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
 * One document per case; every change is a single-document write of the version after the one
 * it read (VersionedWrites: atomic on FerretDB too, where a version-guarded replaceOne is not),
 * so two replicas (or two topics) changing one case never lose an update, without the
 * multi-document transactions FerretDB lacks.
 */
export class CaseStore {
  private readonly writes: VersionedWrites<CaseDocument>;

  constructor(
    private readonly collection: mongo.Collection<CaseDocument>,
    claims: mongo.Collection<never>,
  ) {
    this.writes = new VersionedWrites(collection, claims as never);
  }

  get(caseId: string): Promise<CaseDocument | null> {
    return this.collection.findOne({ _id: caseId });
  }

  /** False when another writer got there first (re-read and re-apply). */
  async insert(doc: CaseDocument): Promise<boolean> {
    try {
      await this.collection.insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Inserts many new cases in one request; returns the ids that already existed (they were not
   * written). Cheaper than a lookup per case: FerretDB answers a lookup of a missing _id by
   * scanning the collection, while an insert finds the duplicate through the unique index.
   */
  insertNew(docs: CaseDocument[]): Promise<Set<string>> {
    return insertNew(this.collection, docs);
  }

  /** False when the stored version is no longer `expectedVersion`. */
  async replace(doc: CaseDocument, expectedVersion: number): Promise<boolean> {
    return this.writes.write({ ...doc, version: expectedVersion + 1 });
  }
}
