import type { EventOf, Topics } from '@hitl/contracts';

type Submitted = EventOf<typeof Topics.PredictionSubmitted>;

/** A valid prediction.submitted (an insurance claim) to vary per test. */
export function prediction(predictionId: string, overrides: Partial<Submitted> = {}): Submitted {
  return {
    predictionId,
    producer: 'claims-ai',
    modelVersion: 'claims-2026.11',
    category: 'property_damage',
    recommendation: 'approve',
    probability: 0.91,
    value: 1_250,
    currency: 'USD',
    riskLevel: 'low',
    reasoning: 'Photos match the reported damage; policy active; amount within typical range.',
    input: { claimId: `CLM-${predictionId}`, policyAgeYears: 4, priorClaims: 0 },
    tags: [],
    submittedAt: new Date().toISOString(),
    round: 1,
    ...overrides,
  };
}
