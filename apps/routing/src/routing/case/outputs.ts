import { Topics } from '@hitl/contracts';
import type { DecisionFinalized, ReviewCase, ReviewRequested, RevisionRequested } from './review-case';

/** What a transition asks to publish; the adapter stores it with the case, then sends it. */
export type CaseOutput =
  | { topic: typeof Topics.ReviewRequested; data: ReviewRequested }
  | { topic: typeof Topics.DecisionFinalized; data: DecisionFinalized }
  | { topic: typeof Topics.RevisionRequested; data: RevisionRequested };

export function reviewRequested(c: ReviewCase, explanation: string): CaseOutput {
  const { prediction, score, triggers, policyVersion } = c.scored;
  const request = c.request!;
  return {
    topic: Topics.ReviewRequested,
    data: {
      caseId: c.caseId,
      predictionId: prediction.predictionId,
      tier: request.tier,
      requiredApprovals: request.requiredApprovals,
      eligibleRoles: request.eligibleRoles,
      ...(request.requiredRoles?.length ? { requiredRoles: request.requiredRoles } : {}),
      reason: request.reason,
      ...(request.disagreement ? { disagreement: request.disagreement } : {}),
      priority: request.priority,
      dueAt: request.dueAt,
      ...(request.escalatesAt ? { escalatesAt: request.escalatesAt, escalatesTo: request.escalatesTo } : {}),
      round: c.round,
      recommendation: prediction.recommendation,
      score,
      ...(triggers.length > 0 ? { triggers } : {}),
      context: {
        category: prediction.category,
        input: prediction.input,
        reasoning: prediction.reasoning,
        ...(prediction.value !== undefined ? { value: prediction.value } : {}),
        ...(prediction.currency ? { currency: prediction.currency } : {}),
        ...(prediction.riskLevel ? { riskLevel: prediction.riskLevel } : {}),
        ...(prediction.tags?.length ? { tags: prediction.tags } : {}),
        modelVersion: prediction.modelVersion,
        producer: prediction.producer,
      },
      explanation,
      // An audit checks a decision already made: nothing to hide, whatever the stage.
      ...(c.rollout && request.reason !== 'audit' ? { rollout: c.rollout } : {}),
      ...(c.automationEligible !== undefined ? { automationEligible: c.automationEligible } : {}),
      ...(request.reason === 'audit' && c.auditProbability !== undefined ? { auditProbability: c.auditProbability } : {}),
      ...(request.reason === 'audit' && c.confirmOverride ? { confirmOverride: true } : {}),
      policyVersion,
      requestedAt: request.requestedAt,
    },
  };
}

/** Latency runs from the producer's submittedAt of the first round to the final decision. */
export function decisionFinalized(c: ReviewCase, outcome: string, decidedBy: 'auto' | 'human', approvers: { reviewerId: string; role: string }[], at: Date, dissenters: { reviewerId: string; role: string }[] = []): CaseOutput {
  return {
    topic: Topics.DecisionFinalized,
    data: {
      caseId: c.caseId,
      predictionId: c.scored.prediction.predictionId,
      outcome,
      decidedBy,
      approvers,
      ...(dissenters.length > 0 ? { dissenters } : {}),
      band: c.band,
      tier: c.tier,
      policyVersion: c.scored.policyVersion,
      finalizedAt: at.toISOString(),
      latencyMs: Math.max(0, at.getTime() - Date.parse(c.submittedAt)),
      ...(c.auditSampled ? { auditSampled: true } : {}),
      ...(c.auditProbability !== undefined ? { auditProbability: c.auditProbability } : {}),
      ...(c.automationEligible !== undefined ? { automationEligible: c.automationEligible } : {}),
      ...(c.scored.score.trust ? { trust: c.scored.score.trust } : {}),
      ...(c.shadow ? { shadow: true } : {}),
      category: c.scored.prediction.category,
      modelVersion: c.scored.prediction.modelVersion,
      recommendation: c.scored.prediction.recommendation,
      confidence: c.scored.score.overall,
    },
  };
}
