import type { FactorWeights } from '@hitl/contracts';

/** The guide's four factors, each in [0, 1]. edgeCaseIndicators: 1 = surely an edge case. */
export interface ConfidenceFactors {
  modelConfidence: number;
  trainingDataCoverage: number;
  inputQuality: number;
  edgeCaseIndicators: number;
}

/**
 * Scores are rounded to 6 decimals. Binary floating point turns 0.3·0.95 + … into
 * 0.9500000000000001, which would move a score that is exactly on a band edge in decimal
 * arithmetic (what an operator computes by hand) across the edge. 1e-6 is far below any
 * meaningful difference in confidence, and rounding keeps the score monotone.
 */
const DECIMALS = 1e6;

/**
 * The guide's weighted score: w₁·model + w₂·coverage + w₃·quality + w₄·(1 − edge cases),
 * clamped to [0, 1] (factors outside [0, 1] are clamped first, so one bad factor cannot
 * push the others' contribution out of range).
 */
export function overallConfidence(factors: ConfidenceFactors, weights: FactorWeights): number {
  const weighted =
    weights.modelConfidence * clamp01(factors.modelConfidence) +
    weights.trainingDataCoverage * clamp01(factors.trainingDataCoverage) +
    weights.inputQuality * clamp01(factors.inputQuality) +
    weights.edgeCaseIndicators * (1 - clamp01(factors.edgeCaseIndicators));
  return clamp01(Math.round(weighted * DECIMALS) / DECIMALS);
}

export function clamp01(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}
