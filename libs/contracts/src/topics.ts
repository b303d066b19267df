/**
 * Logical topic names. The topic is the event name, so an event's name, its topic and its
 * contract are one concept; apps never spell a topic as a string literal.
 */
export const Topics = {
  PredictionSubmitted: 'prediction.submitted',
  PredictionScored: 'prediction.scored',
  ReviewRequested: 'review.requested',
  ReviewDecided: 'review.decided',
  EscalationFired: 'escalation.fired',
  DecisionFinalized: 'decision.finalized',
  RevisionRequested: 'revision.requested',
  FeedbackCaptured: 'feedback.captured',
  RetrainingTriggered: 'retraining.triggered',
  ThresholdsCalibrated: 'thresholds.calibrated',
  TrustUpdated: 'trust.updated',
  TrustControl: 'trust.control',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** In the order a case flows through the platform (the AsyncAPI document follows it). */
export const ALL_TOPICS: readonly TopicName[] = Object.freeze(Object.values(Topics));

export const DLQ_SUFFIX = '.dlq';

const PREFIX_PATTERN = /^[a-zA-Z0-9._-]*$/;

/** Kafka refuses topic names longer than 249 characters; the dead-letter name must fit too. */
const MAX_KAFKA_TOPIC_LENGTH = 249;

const topicNames: ReadonlySet<string> = new Set(ALL_TOPICS);

export function isTopicName(s: string): s is TopicName {
  return topicNames.has(s);
}

/**
 * Physical topic name: optional deployment prefix (e.g. 'staging.') + logical name. The prefix
 * is validated because a typo in configuration would otherwise create a topic nobody reads.
 */
export function physicalTopic(topic: TopicName, prefix = ''): string {
  if (!isTopicName(topic)) throw new TypeError(`unknown topic ${JSON.stringify(topic)}`);
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(`invalid topic prefix ${JSON.stringify(prefix)}: only [a-zA-Z0-9._-] are allowed`);
  }
  const physical = prefix + topic;
  if (dlqTopicOf(physical).length > MAX_KAFKA_TOPIC_LENGTH) {
    throw new TypeError(`topic prefix ${JSON.stringify(prefix)} is too long for Kafka`);
  }
  return physical;
}

/** The dead-letter topic of a physical topic (the prefix is kept: staging letters stay in staging). */
export function dlqTopicOf(physical: string): string {
  return `${physical}${DLQ_SUFFIX}`;
}

/**
 * Settings every topic of the platform is created with (npm run topics, the tests, the Strimzi
 * KafkaTopics). max.message.bytes bounds a record batch, not a record: a producer puts what it
 * sends to one partition in one batch, so a few large events (a prediction may be 256 KiB, a
 * derived event 768 KiB: cloudevents.ts) would pass Kafka's 1 MB default one by one and fail
 * together, and a transaction that fails that way is retried for ever (a stuck partition).
 * 8 MiB leaves room for ten of the largest in one batch.
 */
export const TOPIC_CONFIG: Readonly<Record<string, string>> = { 'max.message.bytes': String(8 * 1024 * 1024) };
