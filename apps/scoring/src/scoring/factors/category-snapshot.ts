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

/** Human-labelled cases that resemble a case, and how many of them the human agreed with the AI on. */
export interface LabelledMatches {
  similar: number;
  /** Of `similar`, the cases where the human decided as the AI recommended (no override). */
  agreeing: number;
}

/**
 * The per-category state the factors read, as it was before the case being scored: running
 * statistics of numeric fields, the values seen of categorical fields, and labelled cases.
 */
export interface CategorySnapshot {
  numeric(field: string): RunningStats | undefined;
  categorical(field: string): SeenValues | undefined;
  /**
   * Human-labelled cases of this category that resemble a case with this signature, and how
   * many of them agreed with the AI: coverage is earned by agreement, not by the count of labels.
   */
  labelledMatches(signature: CaseSignature): LabelledMatches;
}

/** A category nothing is known about yet. */
export const EMPTY_SNAPSHOT: CategorySnapshot = {
  numeric: () => undefined,
  categorical: () => undefined,
  labelledMatches: () => ({ similar: 0, agreeing: 0 }),
};
