import { exampleOf, Topics, type Band, type Trigger } from '@hitl/contracts';
import type { PredictionScored, ReviewDecided } from './case/review-case';

/** A scored prediction with the given confidence, band and context (for the routing tests). */
export function scored(
  id: string,
  overrides: { overall?: number; band?: Band; category?: string; riskLevel?: 'low' | 'medium' | 'high' | 'critical'; value?: number; triggers?: Trigger[]; round?: number; recommendation?: string } = {},
): PredictionScored {
  const base = exampleOf(Topics.PredictionScored);
  // Without value and risk level unless a test sets them: the category alone then picks the tier.
  const { value: _value, riskLevel: _risk, ...prediction } = base.prediction;
  return {
    ...base,
    prediction: {
      ...prediction,
      predictionId: id,
      category: overrides.category ?? 'property_damage',
      recommendation: overrides.recommendation ?? 'approve',
      round: overrides.round ?? 1,
      tags: [],
      submittedAt: '2026-01-01T00:00:00.000Z',
      ...(overrides.value !== undefined ? { value: overrides.value } : {}),
      ...(overrides.riskLevel ? { riskLevel: overrides.riskLevel } : {}),
    },
    score: { ...base.score, overall: overrides.overall ?? 0.78, band: overrides.band ?? 'human_review' },
    triggers: overrides.triggers ?? [],
  };
}

let decisions = 0;

export function decision(caseId: string, reviewerId: string, role: string, action: ReviewDecided['action'], extra: Partial<ReviewDecided> = {}): ReviewDecided {
  const agrees = action === 'approve';
  return {
    caseId,
    decisionId: `d-${++decisions}`,
    reviewerId,
    role,
    action,
    ...(action === 'approve' || action === 'override' ? { outcome: action === 'approve' ? 'approve' : 'deny' } : {}),
    ...(action !== 'approve' ? { reason: `${action} because the photos do not match` } : {}),
    agreesWithAi: agrees,
    round: 1,
    startedAt: '2026-01-01T00:05:00.000Z',
    decidedAt: '2026-01-01T00:06:00.000Z',
    ...extra,
  };
}
