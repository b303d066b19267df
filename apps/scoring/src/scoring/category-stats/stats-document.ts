import { mergeStats, type RunningStats } from '../factors/running-stats';
import { mergeSeen, type SeenDelta, type StoredSeenValues } from './seen-values';

/**
 * One category's shared statistics: one document, updated by compare-and-set on `version`
 * (FerretDB has no multi-document transactions; a single-document write is atomic). Fields are
 * stored in arrays, not as keys, because field paths contain dots.
 */
export interface StoredCategoryStats {
  _id: string;
  version: number;
  numeric: ({ field: string } & RunningStats)[];
  categorical: ({ field: string } & StoredSeenValues)[];
  updatedAt: Date;
}

/** What one replica observed in one category since its last flush. */
export interface StatsDelta {
  numeric: Map<string, RunningStats>;
  categorical: Map<string, SeenDelta>;
}

export function isEmptyDelta(delta: StatsDelta): boolean {
  return delta.numeric.size === 0 && delta.categorical.size === 0;
}

/** The next version of the document: the delta merged in (Chan's formula, bounded unions). */
export function applyDelta(category: string, stored: StoredCategoryStats | undefined, delta: StatsDelta, now: Date): StoredCategoryStats {
  const numeric = new Map((stored?.numeric ?? []).map(({ field, n, mean, m2 }) => [field, { n, mean, m2 }]));
  for (const [field, d] of delta.numeric) numeric.set(field, mergeStats(numeric.get(field) ?? { n: 0, mean: 0, m2: 0 }, d));
  const categorical = new Map((stored?.categorical ?? []).map(({ field, n, values, saturated }) => [field, { n, values, saturated }]));
  for (const [field, d] of delta.categorical) categorical.set(field, mergeSeen(categorical.get(field), d));
  return {
    _id: category,
    version: (stored?.version ?? 0) + 1,
    numeric: [...numeric].map(([field, s]) => ({ field, ...s })),
    categorical: [...categorical].map(([field, s]) => ({ field, ...s })),
    updatedAt: now,
  };
}
