/**
 * Signals about the quality of human review: the median, the "rubber stamp" flag (a reviewer
 * who approves the AI's recommendation almost always and almost at once), and the share of
 * escalations that did not change the outcome. Pure and dependency-free.
 */

/** One reviewer's figures over some period. */
export interface ReviewerStats {
  /** Decisions taken. */
  decisions: number;
  /** Of those, how many matched the AI's recommendation. */
  agreesWithAi: number;
  /** Median time from opening the case to deciding, in milliseconds. */
  medianReviewMs: number;
}

/** When a reviewer counts as rubber-stamping. */
export interface RubberStampRule {
  /** Below this many decisions nothing is concluded. */
  minDecisions: number;
  /** The median review time must be strictly below this. */
  maxMedianReviewMs: number;
  /** The agreement rate with the AI must be at or above this (0–1). */
  minAgreementRate: number;
}

export interface RubberStampVerdict {
  flagged: boolean;
  /** Why: the figures that triggered the flag, or why no conclusion was drawn. */
  reasons: string[];
}

/** An escalation as it ended: what the AI recommended and what was finally decided. */
export interface EscalationOutcome {
  finalOutcome: string;
  aiRecommendation: string;
}

export const DEFAULT_RUBBER_STAMP_RULE: Readonly<RubberStampRule> = Object.freeze({ minDecisions: 50, maxMedianReviewMs: 30_000, minAgreementRate: 0.98 });

/**
 * The median: the middle value once sorted, or the mean of the two middle values for an even
 * count. Does not modify its input. No values → NaN; a NaN among the values is a RangeError
 * (it has no place in an order).
 */
export function median(values: readonly number[]): number {
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('median: NaN among the values');
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A rate as a percentage with at most two decimals: 0.98 → "98%", 0.9851 → "98.51%". */
const percent = (rate: number) => `${Number((rate * 100).toFixed(2))}%`;

/**
 * Flags a reviewer who looks like a rubber stamp: at least `minDecisions` decisions, AND a
 * median review time strictly below `maxMedianReviewMs`, AND an agreement rate with the AI
 * (agreesWithAi / decisions) at or above `minAgreementRate`. All three must hold.
 *
 * - Flagged: `reasons` gives the two triggering figures with their numbers.
 * - Too few decisions: not flagged, reason `too few decisions (n < min)`.
 * - Otherwise not flagged and `reasons` is empty.
 *
 * `rule` may override any part of {@link DEFAULT_RUBBER_STAMP_RULE} (50 decisions, 30 s, 98%).
 * Counts that are not non-negative integers, more agreements than decisions, or a negative or
 * NaN median time are a RangeError.
 */
export function rubberStampFlag(stats: ReviewerStats, rule: Partial<RubberStampRule> = DEFAULT_RUBBER_STAMP_RULE): RubberStampVerdict {
  const { decisions, agreesWithAi, medianReviewMs } = stats;
  if (!Number.isInteger(decisions) || decisions < 0) throw new RangeError(`rubberStampFlag: decisions must be a non-negative integer, got ${decisions}`);
  if (!Number.isInteger(agreesWithAi) || agreesWithAi < 0 || agreesWithAi > decisions) throw new RangeError(`rubberStampFlag: agreesWithAi must be an integer in [0, ${decisions}], got ${agreesWithAi}`);
  if (!(medianReviewMs >= 0)) throw new RangeError(`rubberStampFlag: medianReviewMs must be >= 0, got ${medianReviewMs}`);
  const minDecisions = rule.minDecisions ?? DEFAULT_RUBBER_STAMP_RULE.minDecisions;
  const maxMedianReviewMs = rule.maxMedianReviewMs ?? DEFAULT_RUBBER_STAMP_RULE.maxMedianReviewMs;
  const minAgreementRate = rule.minAgreementRate ?? DEFAULT_RUBBER_STAMP_RULE.minAgreementRate;

  if (decisions < minDecisions) return { flagged: false, reasons: [`too few decisions (${decisions} < ${minDecisions})`] };
  // With no decisions at all (only possible when minDecisions is 0) there is no rate to judge.
  const agreementRate = decisions === 0 ? NaN : agreesWithAi / decisions;
  const fast = medianReviewMs < maxMedianReviewMs;
  const agreeable = agreementRate >= minAgreementRate;
  if (!(fast && agreeable)) return { flagged: false, reasons: [] };
  return {
    flagged: true,
    reasons: [
      `median review time ${medianReviewMs} ms is below ${maxMedianReviewMs} ms`,
      `agreement with the AI ${percent(agreementRate)} (${agreesWithAi} of ${decisions}) is at or above ${percent(minAgreementRate)}`,
    ],
  };
}

/**
 * The share of escalations whose final outcome equalled the AI's recommendation — escalations
 * that, in hindsight, changed nothing. Outcomes are compared as exact strings. No escalations
 * → NaN.
 */
export function unnecessaryEscalationRate(escalations: readonly EscalationOutcome[]): number {
  if (escalations.length === 0) return NaN;
  return escalations.filter((e) => e.finalOutcome === e.aiRecommendation).length / escalations.length;
}
