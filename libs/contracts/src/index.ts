// The platform's public contract: topics, event schemas, the CloudEvents envelope and the
// AsyncAPI document built from them. This lib imports nothing of ours.
export * from './topics';
export * from './errors';
export * from './headers';
export * from './events/vocabulary';
export { ReviewerRefSchema, type ReviewerRef } from './events/fields';
export * from './events/score';
export * from './events/prediction-submitted.v1';
export * from './events/prediction-scored.v1';
export * from './events/review-requested.v1';
export * from './events/review-decided.v1';
export * from './events/escalation-fired.v1';
export * from './events/decision-finalized.v1';
export * from './events/revision-requested.v1';
export * from './events/feedback-captured.v1';
export * from './events/retraining-triggered.v1';
export * from './events/thresholds-calibrated.v1';
export * from './events/trust-updated.v1';
export * from './events/trust-control.v1';
export * from './registry';
export * from './validate';
export * from './cloudevents';
export * from './examples';
export * from './asyncapi';
export { Services, topology, type Service, type TopicFlow } from './topology';
export * from './feedback-api';
