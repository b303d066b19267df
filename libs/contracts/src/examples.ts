import type { EventOf } from './registry';
import type { TopicName } from './topics';

/*
 * One realistic, valid event per topic, telling one story: the guide's headphone refund,
 * scored 0.81, reviewed by a support lead. Other libs' tests start from these; they are
 * frozen, so take a copy with exampleOf() to change one.
 */

const CASE_ID = 'rfnd-2026-000123';

const submitted: EventOf<'prediction.submitted'> = {
  predictionId: CASE_ID,
  producer: 'refund-assistant',
  modelVersion: 'refund-clf-2.4.1',
  category: 'refund',
  recommendation: 'approve_refund',
  probability: 0.91,
  value: 127.5,
  currency: 'USD',
  riskLevel: 'medium',
  reasoning:
    "Customer is within the return window, has a positive history, and the reason matches a valid return category. However, 'sound quality' complaints have a 23% return fraud rate in this product category, hence medium confidence.",
  input: {
    customer: { accountAgeYears: 3.2, lifetimeValue: 2847, previousRefunds: 2, supportTickets: 4 },
    request: { sku: 'WH-2847', product: 'Wireless Headphones', purchasedDaysAgo: 14, reason: 'Sound quality not as expected' },
    returnPolicyDays: 30,
  },
  signals: { inputQuality: 0.95 },
  tags: ['returning_customer'],
  submittedAt: '2026-01-06T09:15:00.000Z',
  round: 1,
  correlationId: 'crm-ticket-88412',
};

const score: EventOf<'prediction.scored'>['score'] = {
  overall: 0.809,
  factors: {
    modelConfidence: { value: 0.91, source: 'computed' },
    trainingDataCoverage: { value: 0.72, source: 'computed' },
    inputQuality: { value: 0.95, source: 'producer' },
    edgeCaseIndicators: { value: 0.35, source: 'computed' },
  },
  weights: { modelConfidence: 0.3, trainingDataCoverage: 0.3, inputQuality: 0.2, edgeCaseIndicators: 0.2 },
  band: 'human_review',
};

const reviewer = { reviewerId: 'u-4711', role: 'support_lead' };

const all: { [K in TopicName]: EventOf<K> } = {
  'prediction.submitted': submitted,
  'prediction.scored': {
    prediction: submitted,
    score,
    triggers: [],
    explanation: 'Overall 0.81 (human review): edge-case indicator 0.35 because sound-quality complaints are a known fraud pattern.',
    policyVersion: 'refund@7',
    scoredAt: '2026-01-06T09:15:00.184Z',
  },
  'review.requested': {
    caseId: CASE_ID,
    predictionId: CASE_ID,
    tier: 'single_approver',
    requiredApprovals: 1,
    eligibleRoles: ['support_lead', 'account_manager'],
    reason: 'band',
    priority: 40,
    dueAt: '2026-01-06T09:45:00.250Z',
    round: 1,
    recommendation: 'approve_refund',
    score,
    triggers: [],
    context: {
      category: submitted.category,
      input: submitted.input,
      reasoning: submitted.reasoning,
      value: 127.5,
      currency: 'USD',
      riskLevel: 'medium',
      tags: ['returning_customer'],
      modelVersion: submitted.modelVersion,
      producer: submitted.producer,
    },
    explanation: 'Confidence 0.81 is in the human-review band (0.70–0.85); refunds up to 10,000 need a single approver.',
    policyVersion: 'refund@7',
    requestedAt: '2026-01-06T09:15:00.250Z',
  },
  'review.decided': {
    caseId: CASE_ID,
    decisionId: 'dec-01JGX5R2Q8',
    ...reviewer,
    action: 'approve',
    outcome: 'approve_refund',
    agreesWithAi: true,
    round: 1,
    startedAt: '2026-01-06T09:21:10.000Z',
    decidedAt: '2026-01-06T09:22:45.000Z',
  },
  'escalation.fired': {
    caseId: CASE_ID,
    level: 1,
    escalateTo: 'team_lead',
    reason: 'timeout',
    firedAt: '2026-01-06T09:45:00.400Z',
    round: 1,
    dueAt: '2026-01-06T10:45:00.400Z',
    detail: 'No reviewer action within 30 minutes.',
  },
  'decision.finalized': {
    caseId: CASE_ID,
    predictionId: CASE_ID,
    outcome: 'approve_refund',
    decidedBy: 'human',
    approvers: [reviewer],
    band: 'human_review',
    tier: 'single_approver',
    policyVersion: 'refund@7',
    finalizedAt: '2026-01-06T09:22:45.120Z',
    latencyMs: 465_120,
  },
  'revision.requested': {
    caseId: CASE_ID,
    predictionId: CASE_ID,
    round: 1,
    question: 'Was the headphone serial number checked against the fraud list?',
    requestedBy: reviewer,
    requestedAt: '2026-01-06T09:20:00.000Z',
    maxRounds: 3,
  },
  'feedback.captured': {
    feedbackId: 'fb-dec-01JGX5R2Q8',
    caseId: CASE_ID,
    predictionId: CASE_ID,
    category: 'refund',
    modelVersion: submitted.modelVersion,
    aiRecommendation: 'approve_refund',
    humanDecision: 'approve_refund',
    override: false,
    ...reviewer,
    reviewTimeMs: 95_000,
    band: 'human_review',
    confidence: 0.809,
    tier: 'single_approver',
    round: 1,
    capturedAt: '2026-01-06T09:22:45.300Z',
  },
  'retraining.triggered': {
    category: 'refund',
    modelVersion: submitted.modelVersion,
    overrideRate: 0.27,
    threshold: 0.25,
    window: { from: '2025-12-30T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z' },
    sampleSize: 412,
    exampleCaseIds: ['rfnd-2026-000097', 'rfnd-2026-000104', 'rfnd-2026-000118'],
    triggeredAt: '2026-01-06T00:00:05.000Z',
  },
  'thresholds.calibrated': {
    category: 'refund',
    bands: { autoApprove: 0.96, autoApproveAudit: 0.87, humanReview: 0.7 },
    evidence: { sampleSize: 1840, errorUpperBound: 0.0086, targetErrorRate: 0.01, method: 'clopper_pearson' },
    mode: 'recommend',
    previousPolicyVersion: 'refund@7',
    policyVersion: 'refund@8',
    calibratedAt: '2026-01-06T02:00:00.000Z',
  },
  'trust.updated': {
    category: 'refund',
    modelVersion: submitted.modelVersion,
    version: 12,
    state: 'certified',
    mode: 'apply',
    calibration: [
      { from: 0, probabilityRight: 0.62, outcomes: 310 },
      { from: 0.8, probabilityRight: 0.91, outcomes: 820 },
      { from: 0.968377, probabilityRight: 0.994, outcomes: 1460 },
    ],
    threshold: 0.968377,
    evidence: { outcomes: 1460, effectiveOutcomes: 1210.4, errorEstimate: 0.006, errorUpperBound: 0.0112, targetErrorRate: 0.02, confidenceLevel: 0.95, method: 'ltt_fixed_sequence_weighted_clopper_pearson' },
    auditRate: 0.05,
    epoch: 0,
    updatedAt: '2026-01-06T02:00:00.000Z',
  },
  'trust.control': {
    category: 'refund',
    modelVersion: submitted.modelVersion,
    action: 'stop',
    reason: 'Refund fraud ring reported by the payments team: people decide until the model is retrained',
    by: { reviewerId: 'admin', role: 'admin' },
    controlId: 'ctl-2026-0001',
    requestedAt: '2026-01-06T03:00:00.000Z',
  },
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Frozen: a test that changes a shared example would break other tests far away. */
export const examples: { readonly [K in TopicName]: EventOf<K> } = deepFreeze(all);

/** A fresh, mutable copy of the example event of `topic`. */
export function exampleOf<K extends TopicName>(topic: K): EventOf<K> {
  return structuredClone(examples[topic]) as EventOf<K>;
}
