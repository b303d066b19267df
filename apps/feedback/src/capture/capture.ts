import type { EventOf, Topics } from '@hitl/contracts';

export type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;
export type ReviewDecided = EventOf<typeof Topics.ReviewDecided>;
export type FeedbackCaptured = EventOf<typeof Topics.FeedbackCaptured>;
export type EscalationFired = EventOf<typeof Topics.EscalationFired>;

/** What feedback keeps of a review request: the AI's side of the decision, to join with the human's. */
export interface RequestInfo {
  /** `r:<caseId>:<round>`: a decision names its case and round. */
  _id: string;
  version: number;
  caseId: string;
  predictionId: string;
  round: number;
  category: string;
  modelVersion: string;
  recommendation: string;
  confidence: number;
  band: ReviewRequested['score']['band'];
  tier: ReviewRequested['tier'];
  reason: ReviewRequested['reason'];
  /** The category's rollout stage when it was not automated yet (reason shadow: automation would have approved). */
  rollout?: 'shadow' | 'assist';
  /** A calibration exercise: the past case it replays and what people decided there. */
  exercise?: NonNullable<ReviewRequested['exercise']>;
  /** The basis earned trust is learned on (the model's probability), as scored. */
  trustBasis?: number;
  /** Reason audit: the probability the auto-approval had of being audited. */
  auditProbability?: number;
  /** Reason audit: an overturn counts only with a second person's word. */
  confirmOverride?: boolean;
  requestedAt: string;
  /** The people who decided this request so far, in order (dual review pairs them). */
  decisions: { decisionId: string; reviewerId: string; outcome: string }[];
}

export const requestIdOf = (caseId: string, round: number) => `r:${caseId}:${round}`;

export function requestInfoOf(e: ReviewRequested): RequestInfo {
  return {
    _id: requestIdOf(e.caseId, e.round),
    version: 1,
    caseId: e.caseId,
    predictionId: e.predictionId,
    round: e.round,
    category: e.context.category,
    modelVersion: e.context.modelVersion,
    recommendation: e.recommendation,
    confidence: e.score.overall,
    band: e.score.band,
    tier: e.tier,
    reason: e.reason,
    ...(e.rollout ? { rollout: e.rollout } : {}),
    ...(e.exercise ? { exercise: e.exercise } : {}),
    ...(e.score.trust ? { trustBasis: e.score.trust.basis } : {}),
    ...(e.auditProbability !== undefined ? { auditProbability: e.auditProbability } : {}),
    ...(e.confirmOverride ? { confirmOverride: true } : {}),
    requestedAt: e.requestedAt,
    decisions: [],
  };
}

/** Approve and override are decisions to learn from; request-info and escalate hand the case on. */
export const isLearningDecision = (d: Pick<ReviewDecided, 'action'>) => d.action === 'approve' || d.action === 'override';

/**
 * The guide's captureDecision: the AI recommendation beside the human decision, whether it was an
 * override, who decided in which role, how long it took and why. Its id derives from the
 * decision, so a redelivered decision is the same feedback.
 */
export function captureOf(request: RequestInfo, decided: ReviewDecided, now: Date): FeedbackCaptured | undefined {
  if (!isLearningDecision(decided)) return undefined;
  const humanDecision = decided.outcome ?? request.recommendation;
  const override = decided.action === 'override' && humanDecision !== request.recommendation;
  return {
    feedbackId: `fb:${decided.decisionId}`,
    caseId: decided.caseId,
    predictionId: request.predictionId,
    category: request.category,
    modelVersion: request.modelVersion,
    aiRecommendation: request.recommendation,
    humanDecision,
    override,
    reviewerId: decided.reviewerId,
    role: decided.role,
    reviewTimeMs: Math.max(0, Date.parse(decided.decidedAt) - Date.parse(decided.startedAt)),
    ...(decided.reason ? { reason: decided.reason } : {}),
    ...(override && decided.reasonCode ? { reasonCode: decided.reasonCode } : {}),
    band: request.band,
    confidence: request.confidence,
    tier: request.tier,
    round: decided.round,
    capturedAt: now.toISOString(),
  };
}
