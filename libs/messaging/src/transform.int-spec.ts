import { dlqTopicOf, exampleOf, physicalTopic, Topics } from '@hitl/contracts';
import { createTopics, prediction, produceRaw, secureRandom, testBrokers, testKafka, TopicCollector, waitFor, testTopicPrefix } from '@hitl/testing';
import type { Kafka } from 'kafkajs';
import { consumerLag } from './admin';
import { DlqHeader } from './dead-letter';
import { NonRetriableError } from './errors';
import { resolveOptions } from './options';
import { EventPublisher } from './publisher';
import { TransactionalTransformer } from './transform';

describe('consume-transform-produce in Kafka transactions', () => {
  let kafka: Kafka;
  let prefix: string;
  let input: string;
  let output: string;
  let publisher: EventPublisher;
  let collector: TopicCollector;
  let transformer: TransactionalTransformer<typeof Topics.PredictionSubmitted> | undefined;
  const options = () => resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test-scoring', topicPrefix: prefix, retry: { maxAttempts: 2, initialBackoffMs: 10 } });

  beforeEach(async () => {
    prefix = testTopicPrefix();
    kafka = testKafka();
    input = physicalTopic(Topics.PredictionSubmitted, prefix);
    output = physicalTopic(Topics.PredictionScored, prefix);
    await createTopics(kafka, [input, dlqTopicOf(input), output], 2);
    publisher = new EventPublisher(kafka, options());
    await publisher.connect();
    collector = await TopicCollector.start(kafka, [output, dlqTopicOf(input)]);
  });

  afterEach(async () => {
    await transformer?.stop();
    await collector.stop();
    await publisher.disconnect();
  });

  function scoreAll(groupId: string, reject?: string) {
    transformer = new TransactionalTransformer(kafka, options(), {
      groupId,
      topic: Topics.PredictionSubmitted,
      partitionsConsumedConcurrently: 2, // both partitions at once share one transactional producer
      transform: (events) =>
        events.map((event) => {
          if (event.data.predictionId === reject) throw new NonRetriableError('cannot score this one', 'UNSCORABLE');
          return { topic: Topics.PredictionScored, data: { ...exampleOf(Topics.PredictionScored), prediction: event.data }, traceContext: event.traceContext };
        }),
    });
    return transformer.start();
  }

  it('writes outputs, dead letters and input offsets in one transaction per chunk', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `tx-${i}`);
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    await produceRaw(kafka, input, [{ key: 'broken', value: '{"predictionId":' }]);
    const groupId = `scoring-${secureRandom()}`;
    await scoreAll(groupId, 'tx-7');

    const scored = await collector.waitForCount(output, 29);
    expect(new Set(scored.map((m) => m.key))).toEqual(new Set(ids.filter((id) => id !== 'tx-7')));
    const dead = await collector.waitForCount(dlqTopicOf(input), 2);
    expect(Object.fromEntries(dead.map((m) => [m.key, m.headers[DlqHeader.errorCode]]))).toEqual({ broken: 'MALFORMED_JSON', 'tx-7': 'UNSCORABLE' });

    // Every input offset is committed with the transaction: nothing left to redo.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(input);
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
        return committed.partitions.every((p) => p.offset === ends.find((e) => e.partition === p.partition)!.offset);
      }, { description: 'committed offsets to reach the end of the input' });
    } finally {
      await admin.disconnect();
    }
  });

  it('reads input written in transactions to its end: the group offsets pass the commit markers (lag 0, not 1 per partition)', async () => {
    // The input as scoring writes prediction.scored for routing: one transaction per batch, so
    // each partition ends with a commit marker after its last record.
    const producer = kafka.producer({ transactionalId: `tx-input-${secureRandom()}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const ids = Array.from({ length: 20 }, (_, i) => `marker-${i}`);
    for (const half of [ids.slice(0, 10), ids.slice(10)]) {
      const transaction = await producer.transaction();
      await transaction.send({ topic: input, messages: half.map((id) => ({ key: id, value: JSON.stringify(prediction(id)) })), acks: -1 });
      await transaction.commit();
    }
    await producer.disconnect();
    const groupId = `scoring-${secureRandom()}`;
    await scoreAll(groupId);
    await collector.waitForCount(output, 20);
    await waitFor(async () => (await consumerLag(kafka, groupId, [input])) === 0, { timeoutMs: 20_000, description: 'the group at the end of its input, markers included' });
  });

  it('a restarted transformer in the same group produces nothing twice', async () => {
    const groupId = `scoring-${secureRandom()}`;
    await publisher.publishAll(['r1', 'r2', 'r3'].map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    await scoreAll(groupId);
    await collector.waitForCount(output, 3);
    await transformer!.stop();

    await publisher.publishAll(['r4', 'r5'].map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    await scoreAll(groupId);
    await collector.waitForCount(output, 5);
    await publisher.publish(Topics.PredictionSubmitted, prediction('r6'));
    await collector.waitForCount(output, 6); // a marker after the restart: anything duplicated would precede it
    expect(collector.on(output).map((m) => m.key).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });
});
