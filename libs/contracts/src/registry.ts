import type { z } from 'zod';
import { DecisionFinalizedV1Schema } from './events/decision-finalized.v1';
import { EscalationFiredV1Schema } from './events/escalation-fired.v1';
import { FeedbackCapturedV1Schema } from './events/feedback-captured.v1';
import { PredictionScoredV1Schema } from './events/prediction-scored.v1';
import { PredictionSubmittedV1Schema } from './events/prediction-submitted.v1';
import { RetrainingTriggeredV1Schema } from './events/retraining-triggered.v1';
import { ReviewDecidedV1Schema } from './events/review-decided.v1';
import { ReviewRequestedV1Schema } from './events/review-requested.v1';
import { RevisionRequestedV1Schema } from './events/revision-requested.v1';
import { ThresholdsCalibratedV1Schema } from './events/thresholds-calibrated.v1';
import { TrustUpdatedV1Schema } from './events/trust-updated.v1';
import { TrustControlV1Schema } from './events/trust-control.v1';
import { ALL_TOPICS, isTopicName, Topics, type TopicName } from './topics';

/** The schema each topic carries today. A new version gets a new schema and a new type. */
const eventSchemas = {
  [Topics.PredictionSubmitted]: PredictionSubmittedV1Schema,
  [Topics.PredictionScored]: PredictionScoredV1Schema,
  [Topics.ReviewRequested]: ReviewRequestedV1Schema,
  [Topics.ReviewDecided]: ReviewDecidedV1Schema,
  [Topics.EscalationFired]: EscalationFiredV1Schema,
  [Topics.DecisionFinalized]: DecisionFinalizedV1Schema,
  [Topics.RevisionRequested]: RevisionRequestedV1Schema,
  [Topics.FeedbackCaptured]: FeedbackCapturedV1Schema,
  [Topics.RetrainingTriggered]: RetrainingTriggeredV1Schema,
  [Topics.ThresholdsCalibrated]: ThresholdsCalibratedV1Schema,
  [Topics.TrustUpdated]: TrustUpdatedV1Schema,
  [Topics.TrustControl]: TrustControlV1Schema,
} as const satisfies Record<TopicName, z.ZodType>;

/** The validated event (defaults applied) that a topic carries. */
export type EventOf<T extends TopicName> = z.output<(typeof eventSchemas)[T]>;

export type EventVersion = 'v1';

export interface EventContract<T> {
  topic: TopicName;
  version: EventVersion;
  /** CloudEvents type, e.g. 'dev.hitl.prediction.submitted.v1'. */
  type: string;
  schema: z.ZodType<T>;
  /** Kafka message key: the case id (= predictionId), so a case's events share a partition. */
  key(event: T): string;
  /** Only external producers may skip the CloudEvents headers and publish plain JSON. */
  acceptsPlainJson: boolean;
  /** For plain JSON: the CloudEvents attributes the data itself provides. Present iff acceptsPlainJson. */
  plainJsonAttributes?(event: T): { source: string; time: string };
}

/** Reverse-DNS namespace of our CloudEvents types. */
export const EVENT_TYPE_PREFIX = 'dev.hitl.';

export function eventType(topic: TopicName, version: string = 'v1'): string {
  return `${EVENT_TYPE_PREFIX}${topic}.${version}`;
}

type Contracts = { [K in TopicName]: EventContract<EventOf<K>> };

function define<K extends TopicName>(
  topic: K,
  key: (event: EventOf<K>) => string,
  plainJsonAttributes?: EventContract<EventOf<K>>['plainJsonAttributes'],
) {
  const contract: EventContract<EventOf<K>> = {
    topic,
    version: 'v1',
    type: eventType(topic, 'v1'),
    // TypeScript cannot relate a generically indexed schema to its own output type.
    schema: eventSchemas[topic] as unknown as z.ZodType<EventOf<K>>,
    key,
    acceptsPlainJson: plainJsonAttributes !== undefined,
    ...(plainJsonAttributes ? { plainJsonAttributes } : {}),
  };
  return Object.freeze(contract);
}

const byCase = (event: { caseId: string }) => event.caseId;
// Calibration and retraining are about a category, not a case: one partition per category
// keeps a category's successive policies in order.
const byCategory = (event: { category: string }) => event.category;

export const contracts: Contracts = Object.freeze({
  [Topics.PredictionSubmitted]: define(
    Topics.PredictionSubmitted,
    (e) => e.predictionId,
    // Producers outside the platform may publish plain JSON; the event names its own origin and time.
    (e) => ({ source: `producer:${e.producer}`, time: e.submittedAt }),
  ),
  [Topics.PredictionScored]: define(Topics.PredictionScored, (e) => e.prediction.predictionId),
  [Topics.ReviewRequested]: define(Topics.ReviewRequested, byCase),
  [Topics.ReviewDecided]: define(Topics.ReviewDecided, byCase),
  [Topics.EscalationFired]: define(Topics.EscalationFired, byCase),
  [Topics.DecisionFinalized]: define(Topics.DecisionFinalized, byCase),
  [Topics.RevisionRequested]: define(Topics.RevisionRequested, byCase),
  [Topics.FeedbackCaptured]: define(Topics.FeedbackCaptured, byCase),
  [Topics.RetrainingTriggered]: define(Topics.RetrainingTriggered, byCategory),
  [Topics.ThresholdsCalibrated]: define(Topics.ThresholdsCalibrated, byCategory),
  [Topics.TrustUpdated]: define(Topics.TrustUpdated, byCategory),
  [Topics.TrustControl]: define(Topics.TrustControl, byCategory),
});

export function contractFor<T extends TopicName>(topic: T): EventContract<EventOf<T>> {
  if (!isTopicName(topic)) {
    throw new TypeError(`no contract for topic ${JSON.stringify(topic)}; known: ${ALL_TOPICS.join(', ')}`);
  }
  return contracts[topic];
}
