import type { Tier } from '@hitl/contracts';
import { bandOf, detectTriggers, overallConfidence, rulesFor, type ConfidenceFactors, type Policy } from '@hitl/policy';
import type { PredictionScored } from '../routing/case/review-case';
import { routeScored } from '../routing/route/route-scored';
import type { RecordedCase } from './recorded-case';

/** What one policy does with one recorded case: only what the backtest counts. */
export interface ReplayedCase {
  caseId: string;
  recommendation: string;
  /** The known right decision, if people gave one (see RecordedCase.outcome). */
  outcome?: string;
  /**
   * How many cases the outcome stands for: 1 for a case people decided (every such case has one),
   * 1/π for an audit of an auto-approval sampled with probability π.
   */
  outcomeWeight?: number;
  decision: { kind: 'auto'; auditSampled: boolean } | { kind: 'review'; tier: Tier; requiredApprovals: number };
  /** Escalations the escalation service fires at once when the request arrives. */
  immediateEscalations: number;
}

/**
 * The scored event as `policy` would have produced it: the triggers detected again on the
 * recorded prediction, `overall` recomputed from the recorded factor values with the category's
 * weights, the band from the category's bands. The factor values themselves stay as measured
 * live (they depend on the category's statistics at the time, which a recording does not hold).
 */
export function rescore(scored: PredictionScored, policy: Policy): PredictionScored {
  const rules = rulesFor(policy, scored.prediction.category);
  // The recorded factors carry a value and its source; the formula wants the values alone.
  const f = scored.score.factors;
  const values: ConfidenceFactors = { modelConfidence: f.modelConfidence.value, trainingDataCoverage: f.trainingDataCoverage.value, inputQuality: f.inputQuality.value, edgeCaseIndicators: f.edgeCaseIndicators.value };
  const overall = overallConfidence(values, rules.weights);
  return {
    ...scored,
    score: { ...scored.score, overall, weights: rules.weights, band: bandOf(overall, rules.bands) },
    triggers: detectTriggers(scored.prediction, policy),
    policyVersion: policy.version,
  };
}

/**
 * An audit verdict stands for 1/π auto-approvals, π its recorded sampling probability (for a
 * recording made before π was recorded: the category's auditSampleRate of the policy replayed).
 */
function outcomeWeight(recorded: RecordedCase, policy: Policy): number {
  if (recorded.outcome?.source !== 'audit') return 1;
  const p = recorded.live.auditProbability ?? rulesFor(policy, recorded.scored.prediction.category).auditSampleRate;
  return p > 0 ? 1 / p : 1;
}

/**
 * Routes a recorded case with routing's own rule (routeScored), so the backtest cannot drift
 * from what the service does. Immediate escalations: the escalation service fires one per trigger
 * whose rule it finds among the critical flags and context triggers; detectTriggers only reports
 * triggers named there, so that is one per trigger of a case sent to people.
 */
export function replay(recorded: RecordedCase, policy: Policy): ReplayedCase {
  const scored = rescore(recorded.scored, policy);
  const route = routeScored(scored, policy);
  return {
    caseId: recorded.caseId,
    recommendation: scored.prediction.recommendation,
    ...(recorded.outcome ? { outcome: recorded.outcome.value, outcomeWeight: outcomeWeight(recorded, policy) } : {}),
    decision:
      route.kind === 'auto'
        ? { kind: 'auto', auditSampled: route.auditSampled }
        : { kind: 'review', tier: route.request.tier, requiredApprovals: route.request.requiredApprovals },
    immediateEscalations: route.kind === 'review' ? scored.triggers.length : 0,
  };
}
