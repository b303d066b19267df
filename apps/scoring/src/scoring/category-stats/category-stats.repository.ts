import { isDuplicateKey, RetriableError } from '@hitl/messaging';
import type { mongo } from 'mongoose';
import { applyDelta, type StatsDelta, type StoredCategoryStats } from './stats-document';

/** A labelled case as stored: one document per feedback id, so a redelivery cannot add it twice. */
export interface StoredLabelledCase {
  _id: string;
  category: string;
  recommendation: string;
  features: string | null;
  /**
   * The human decided as the AI recommended (not an override). Absent from cases stored before
   * it was recorded: those count as not agreeing, so they cannot raise coverage unproven.
   */
  agrees?: boolean;
  /** The writer's clock; replicas pull what others stored since their last look. */
  storedAt: Date;
}

/** Concurrent flushes of one category by several replicas: each retry re-reads and re-merges. */
const MAX_CAS_ATTEMPTS = 10;

/**
 * The scoring service's own collections: per-category statistics (compare-and-set on a version,
 * single-document writes only) and the labelled cases fed by feedback.captured.
 */
export class CategoryStatsRepository {
  private readonly stats: mongo.Collection<StoredCategoryStats>;
  private readonly labelled: mongo.Collection<StoredLabelledCase>;

  constructor(db: mongo.Db) {
    this.stats = db.collection<StoredCategoryStats>('scoring_category_stats');
    this.labelled = db.collection<StoredLabelledCase>('scoring_labelled_cases');
  }

  async ensureIndexes(): Promise<void> {
    await this.labelled.createIndex({ storedAt: 1 });
  }

  async loadStats(): Promise<StoredCategoryStats[]> {
    return this.stats.find({}).toArray();
  }

  /**
   * Merges a delta into the category's document and returns the stored result. `known` is the
   * caller's latest copy, tried first; on a conflict the document is read again and re-merged.
   */
  async saveDelta(category: string, delta: StatsDelta, known: StoredCategoryStats | undefined, now: Date): Promise<StoredCategoryStats> {
    let current = known;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const next = applyDelta(category, current, delta, now);
      if (current === undefined) {
        const inserted = await this.stats.insertOne(next).then(
          () => true,
          (error: unknown) => {
            if (isDuplicateKey(error)) return false;
            throw error;
          },
        );
        if (inserted) return next;
      } else {
        const { _id: _ignored, ...fields } = next;
        const result = await this.stats.updateOne({ _id: category, version: current.version }, { $set: fields });
        if (result.matchedCount === 1) return next;
      }
      current = (await this.stats.findOne({ _id: category })) ?? undefined;
    }
    throw new RetriableError(`category ${category}: statistics changed under us ${MAX_CAS_ATTEMPTS} times in a row`);
  }

  /** Stores labelled cases; one already stored (a redelivered feedback) is left as it is. */
  async insertLabelled(cases: StoredLabelledCase[]): Promise<void> {
    if (cases.length === 0) return;
    await this.labelled.bulkWrite(
      cases.map(({ _id, ...fields }) => ({ updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } })),
      { ordered: false },
    );
  }

  async labelledSince(since: Date): Promise<StoredLabelledCase[]> {
    return this.labelled.find({ storedAt: { $gte: since } }).sort({ storedAt: 1 }).toArray();
  }

  /** The newest `limit` labelled cases, oldest first (the order they are replayed into memory). */
  async recentLabelled(limit: number): Promise<StoredLabelledCase[]> {
    const newest = await this.labelled.find({}).sort({ storedAt: -1 }).limit(limit).toArray();
    return newest.reverse();
  }
}
