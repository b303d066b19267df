import type { CaseSignature } from './case-signature';
import type { RunningStats } from './running-stats';

/** What one category has seen so far of a categorical field. */
export interface SeenValues {
  /** Observations of the field (a case with the field counts once). */
  n: number;
  has(value: string): boolean;
  /** More distinct values than we keep: "never seen" means nothing for such a field. */
  saturated: boolean;
}

/**
 * The per-category state the factors read, as it was before the case being scored: running
 * statistics of numeric fields, the values seen of categorical fields, and labelled cases.
 */
export interface CategorySnapshot {
  numeric(field: string): RunningStats | undefined;
  categorical(field: string): SeenValues | undefined;
  /** Human-labelled cases of this category that resemble a case with this signature. */
  labelledMatches(signature: CaseSignature): number;
}

/** A category nothing is known about yet. */
export const EMPTY_SNAPSHOT: CategorySnapshot = {
  numeric: () => undefined,
  categorical: () => undefined,
  labelledMatches: () => 0,
};
