import type { EventOf, Topics } from '@hitl/contracts';

type Prediction = EventOf<typeof Topics.PredictionSubmitted>;

/**
 * A small refund (25 USD, low risk) with the confidence the bench wants: 0.99 lands in the
 * auto-approve band, ~0.78 in the human-review band (single approver).
 */
export function benchRefund(id: string, confidence: number): Prediction {
  const confident = confidence >= 0.95;
  return {
    predictionId: id,
    producer: 'bench',
    modelVersion: 'bench-1',
    category: 'refund',
    recommendation: 'approve',
    probability: confidence,
    value: 25,
    currency: 'USD',
    riskLevel: 'low',
    reasoning: confident ? 'Within the return window, positive history.' : 'Outside the usual pattern; customer history is short.',
    input: { orderId: `ORD-${id}`, reason: confident ? 'Arrived damaged' : 'Not as described' },
    signals: { trainingDataCoverage: confidence, inputQuality: confident ? 1 : 0.8, edgeCaseIndicators: confident ? 0 : 0.2 },
    tags: [],
    submittedAt: new Date().toISOString(),
    round: 1,
  };
}
