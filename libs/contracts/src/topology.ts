import { Topics, type TopicName } from './topics';

/*
 * Who emits and who consumes each topic, as the apps subscribe. It feeds the AsyncAPI document;
 * tools/deploy/src/k8s.spec.ts checks it against the apps' own handlers, which the Kafka-lag
 * autoscalers in deploy/k8s follow too.
 */

export const Services = ['scoring', 'routing', 'escalation', 'feedback', 'review'] as const;
export type Service = (typeof Services)[number];

export interface TopicFlow {
  summary: string;
  emittedBy: readonly Service[];
  consumedBy: readonly Service[];
  /** What the Kafka message key is (the registry's key function computes it). */
  key: string;
  /** Parties outside the platform, named for the reader. */
  external?: string;
}

const BY_CASE = 'The case id (= predictionId).';
const BY_CATEGORY = 'The category.';

export const topology: { readonly [K in TopicName]: TopicFlow } = {
  [Topics.PredictionSubmitted]: {
    key: BY_CASE,
    summary: 'An AI prediction that needs a decision. A refined prediction (after a revision request) re-enters with the same predictionId and the next round.',
    emittedBy: [],
    consumedBy: ['scoring'],
    external: 'Published by producer systems, as CloudEvents or as plain JSON.',
  },
  [Topics.PredictionScored]: {
    key: BY_CASE,
    summary: 'The prediction with its confidence score, band and triggers.',
    emittedBy: ['scoring'],
    consumedBy: ['routing'],
  },
  [Topics.ReviewRequested]: {
    key: BY_CASE,
    summary: 'A case needs a human decision from one of the eligible roles; one request per reason (band, disagreement, max rounds, ...).',
    emittedBy: ['routing'],
    consumedBy: ['escalation', 'review', 'feedback'],
  },
  [Topics.ReviewDecided]: {
    key: BY_CASE,
    summary: 'A reviewer approved, overrode, asked the producer for more information, or escalated.',
    emittedBy: ['review'],
    consumedBy: ['routing', 'escalation', 'feedback', 'review'],
  },
  [Topics.EscalationFired]: {
    key: BY_CASE,
    summary: 'A case moved up the escalation ladder (timeout, critical flag, context, disagreement, max rounds, manual). Only the escalation service emits it.',
    emittedBy: ['escalation'],
    consumedBy: ['routing', 'review', 'feedback'],
  },
  [Topics.DecisionFinalized]: {
    key: BY_CASE,
    summary: 'The final decision of a case: exactly one per prediction.',
    emittedBy: ['routing'],
    consumedBy: ['escalation', 'feedback', 'review'],
    external: 'Consumed by downstream systems that act on decisions.',
  },
  [Topics.RevisionRequested]: {
    key: BY_CASE,
    summary: 'A reviewer asks the producer for a refined prediction (the collaborative pattern).',
    emittedBy: ['routing'],
    consumedBy: [],
    external: 'Consumed by the producer system, which answers on prediction.submitted.',
  },
  [Topics.FeedbackCaptured]: {
    key: BY_CASE,
    summary: 'A human decision captured as a learning example.',
    emittedBy: ['feedback'],
    consumedBy: ['scoring'],
    external: 'Also for analytics and model training pipelines.',
  },
  [Topics.RetrainingTriggered]: {
    key: BY_CATEGORY,
    summary: "A category's override rate crossed its threshold in a window (once per window).",
    emittedBy: ['feedback'],
    consumedBy: [],
    external: 'Consumed by the model owners (ML pipeline, alerting).',
  },
  [Topics.ThresholdsCalibrated]: {
    key: BY_CATEGORY,
    summary: 'New band thresholds for a category (superseded by trust.updated: feedback no longer emits it; scoring still applies one an operator publishes).',
    emittedBy: [],
    consumedBy: ['scoring'],
  },
  [Topics.TrustUpdated]: {
    key: BY_CATEGORY,
    summary: 'Earned trust of a category and model version: calibration, certified threshold, audit rate, circuit breaker.',
    emittedBy: ['feedback'],
    consumedBy: ['scoring'],
    external: 'Also for alerting: state stopped means automation of the category and model is off.',
  },
  [Topics.TrustControl]: {
    key: BY_CATEGORY,
    summary: 'An admin stops or restarts automation of a category and model, with a reason (audited).',
    emittedBy: ['review'],
    consumedBy: ['feedback'],
  },
};
