import type { FactorValue, PredictionScoredV1, PredictionSubmittedV1 } from '@hitl/contracts';
import type { TrustUpdatedV1 } from '@hitl/contracts';
import { detectTriggers, overallConfidence, type CategoryRules, type Policy } from '@hitl/policy';
import { gate } from './trust/trust-gate';
import { caseSignature } from './factors/case-signature';
import type { CategorySnapshot } from './factors/category-snapshot';
import { coverageFrom } from './factors/coverage';
import { edgeCases } from './factors/edge-cases';
import { inputQuality } from './factors/input-quality';
import { explain } from './explanation';

export interface ScoringContext {
  policy: Policy;
  /** The category's rules, with its calibrated bands if it has any. */
  rules: CategoryRules;
  /** The category's statistics from before this case. */
  stats: CategorySnapshot;
  policyVersion: string;
  now: Date;
  /** The latest trust update of the prediction's category and model, if any. */
  trust?: TrustUpdatedV1;
}

/**
 * Scores one prediction: the four factors (a producer's signal wins over the computed value),
 * the weighted overall confidence, its band, the triggers and a one-line explanation.
 */
export function scorePrediction(prediction: PredictionSubmittedV1, ctx: ScoringContext): PredictionScoredV1 {
  const { policy, rules, stats } = ctx;
  const signals = prediction.signals ?? {};
  const triggers = detectTriggers(prediction, policy);
  const flags = triggers.filter((t) => t.kind === 'critical_flag').map((t) => t.name);
  const quality = inputQuality(prediction.input, rules);
  const edges = edgeCases(prediction.input, flags, rules, stats);
  // The similar labelled cases and how many agreed with the AI: coverage is earned by agreement.
  const labelled = stats.labelledMatches(caseSignature(prediction.recommendation, prediction.input, rules));

  const factors = {
    // The model's own probability is what it claims; a producer may send a calibrated one instead.
    modelConfidence: factor(signals.modelConfidence, prediction.probability),
    trainingDataCoverage: factor(signals.trainingDataCoverage, coverageFrom(labelled, rules.coverageScale)),
    inputQuality: factor(signals.inputQuality, quality.value),
    edgeCaseIndicators: factor(signals.edgeCaseIndicators, edges.value),
  };
  const overall = overallConfidence(
    {
      modelConfidence: factors.modelConfidence.value,
      trainingDataCoverage: factors.trainingDataCoverage.value,
      inputQuality: factors.inputQuality.value,
      edgeCaseIndicators: factors.edgeCaseIndicators.value,
    },
    rules.weights,
  );
  const { band, trust } = gate(factors.modelConfidence.value, overall, rules, ctx.trust);
  return {
    prediction,
    score: { overall, factors, weights: rules.weights, band, trust },
    triggers,
    explanation: explain({ overall, band, bands: rules.bands, factors, labelled, missing: quality.missing, findings: edges.findings, triggers }),
    policyVersion: ctx.policyVersion,
    scoredAt: ctx.now.toISOString(),
  };
}

/**
 * Factor values are rounded to 6 decimals before the overall score is computed from them, so
 * anyone can recompute `overall` from the event alone and get the same number.
 */
function factor(producer: number | undefined, computed: number): FactorValue {
  const value = producer ?? computed;
  return { value: Math.min(1, Math.max(0, Math.round(value * 1e6) / 1e6)), source: producer === undefined ? 'computed' : 'producer' };
}
