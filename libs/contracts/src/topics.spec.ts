import { ALL_TOPICS, dlqTopicOf, DLQ_SUFFIX, isTopicName, physicalTopic, Topics, type TopicName } from './topics';

describe('topics', () => {
  it('lists every topic once', () => {
    expect(ALL_TOPICS).toHaveLength(Object.keys(Topics).length);
    expect(new Set(ALL_TOPICS).size).toBe(ALL_TOPICS.length);
    expect(Object.isFrozen(ALL_TOPICS)).toBe(true);
  });

  it('recognises topic names', () => {
    expect(isTopicName('prediction.submitted')).toBe(true);
    expect(isTopicName('prediction.submitted.dlq')).toBe(false);
    expect(isTopicName('Prediction.Submitted')).toBe(false);
  });

  it('prefixes physical names', () => {
    expect(physicalTopic(Topics.ReviewDecided)).toBe('review.decided');
    expect(physicalTopic(Topics.ReviewDecided, '')).toBe('review.decided');
    expect(physicalTopic(Topics.ReviewDecided, 'staging.')).toBe('staging.review.decided');
    expect(physicalTopic(Topics.ReviewDecided, 'test-42_a.')).toBe('test-42_a.review.decided');
  });

  it.each(['staging/', 'a b.', 'ü.', 'x;y', '*'])('rejects the invalid prefix %j', (prefix) => {
    expect(() => physicalTopic(Topics.PredictionSubmitted, prefix)).toThrow(/invalid topic prefix/);
  });

  it('rejects a prefix too long for Kafka, dead-letter suffix included', () => {
    const longest = 249 - DLQ_SUFFIX.length - 'thresholds.calibrated'.length;
    expect(physicalTopic(Topics.ThresholdsCalibrated, 'p'.repeat(longest))).toHaveLength(249 - DLQ_SUFFIX.length);
    expect(() => physicalTopic(Topics.ThresholdsCalibrated, 'p'.repeat(longest + 1))).toThrow(/too long/);
  });

  it('rejects an unknown topic from untyped callers', () => {
    expect(() => physicalTopic('prediction.made' as TopicName)).toThrow(/unknown topic/);
  });

  it('names dead-letter topics after the physical topic', () => {
    expect(dlqTopicOf('staging.review.decided')).toBe('staging.review.decided.dlq');
    expect(dlqTopicOf(physicalTopic(Topics.DecisionFinalized))).toBe('decision.finalized.dlq');
  });
});
