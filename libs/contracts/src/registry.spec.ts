import { examples } from './examples';
import { contractFor, contracts, eventType } from './registry';
import { ALL_TOPICS, type TopicName } from './topics';

describe('contract registry', () => {
  it.each(ALL_TOPICS)('has a v1 contract for %s', (topic) => {
    const contract = contractFor(topic);
    expect(contract).toBe(contracts[topic]);
    expect(contract).toMatchObject({ topic, version: 'v1', type: `dev.hitl.${topic}.v1` });
    expect(contract.schema.safeParse(examples[topic]).success).toBe(true);
    expect(Object.isFrozen(contract)).toBe(true);
  });

  it('keys every case event by the case id, calibration events by category', () => {
    const keys = Object.fromEntries(ALL_TOPICS.map((topic) => [topic, contractFor(topic).key(examples[topic] as never)]));
    expect(keys).toEqual({
      'prediction.submitted': 'rfnd-2026-000123',
      'prediction.scored': 'rfnd-2026-000123',
      'review.requested': 'rfnd-2026-000123',
      'review.decided': 'rfnd-2026-000123',
      'escalation.fired': 'rfnd-2026-000123',
      'decision.finalized': 'rfnd-2026-000123',
      'revision.requested': 'rfnd-2026-000123',
      'feedback.captured': 'rfnd-2026-000123',
      'retraining.triggered': 'refund',
      'thresholds.calibrated': 'refund',
      'trust.updated': 'refund',
      'trust.control': 'refund',
    });
  });

  it('lets only external producers publish plain JSON', () => {
    expect(ALL_TOPICS.filter((topic) => contractFor(topic).acceptsPlainJson)).toEqual(['prediction.submitted']);
    for (const topic of ALL_TOPICS) {
      expect(contractFor(topic).plainJsonAttributes !== undefined).toBe(contractFor(topic).acceptsPlainJson);
    }
  });

  it('derives plain JSON attributes from the prediction', () => {
    expect(contractFor('prediction.submitted').plainJsonAttributes!(examples['prediction.submitted'])).toEqual({
      source: 'producer:refund-assistant',
      time: '2026-01-06T09:15:00.000Z',
    });
  });

  it('names event types in reverse DNS with their version', () => {
    expect(eventType('review.decided', 'v2')).toBe('dev.hitl.review.decided.v2');
  });

  it('refuses unknown topics from untyped callers', () => {
    expect(() => contractFor('prediction.made' as TopicName)).toThrow(/no contract for topic/);
  });
});
