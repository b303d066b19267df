import { dlqTopicOf, exampleOf, physicalTopic, Topics } from '@hitl/contracts';
import { createTopics, prediction, produceRaw, secureRandom, testBrokers, testKafka, TopicCollector, waitFor, testTopicPrefix } from '@hitl/testing';
import { ConfigResourceTypes, Partitioners, type Kafka, type PartitionMetadata } from 'kafkajs';
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

  /**
   * `together`: each partition's transform waits for the other partition's next call (up to 2 s),
   * so both partitions' chunks finish at once, every attempt.
   */
  function scoreAll(groupId: string, reject?: string, oversize?: string, together = false, stagger?: { partition: number; ms: number; gatherMs: number }) {
    let waiting: { partition: number; release: () => void } | undefined;
    const rendezvous = (partition: number) =>
      new Promise<void>((release) => {
        if (waiting && waiting.partition !== partition) {
          waiting.release();
          waiting = undefined;
          return release();
        }
        waiting = { partition, release };
        setTimeout(release, 2_000); // no partner (the other partition is done): go alone
      });
    transformer = new TransactionalTransformer(kafka, options(), {
      groupId,
      topic: Topics.PredictionSubmitted,
      partitionsConsumedConcurrently: 2, // both partitions at once share one transactional producer
      ...(stagger ? { gatherMs: stagger.gatherMs } : {}),
      transform: async (events) => {
        if (together) await rendezvous(events[0].partition);
        if (stagger?.partition === events[0].partition) await new Promise((resolve) => setTimeout(resolve, stagger.ms)); // a slower transform (a database round trip, say)
        return events.map((event) => {
          if (event.data.predictionId === reject) throw new NonRetriableError('cannot score this one', 'UNSCORABLE');
          // ~250 KB (within our own limits), above the output topic's max.message.bytes in the test that sets it to 200 KiB.
          const input = event.data.predictionId === oversize ? { blob: 'x'.repeat(250_000) } : event.data.input;
          return { topic: Topics.PredictionScored, data: { ...exampleOf(Topics.PredictionScored), prediction: { ...event.data, input } }, traceContext: event.traceContext };
        });
      },
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

  it("commits chunks of partitions that finish together in one transaction", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `g-${i}`);
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    const groupId = `scoring-${secureRandom()}`;
    await scoreAll(groupId, undefined, undefined, true);
    await collector.waitForCount(output, 20);
    await waitFor(async () => (await consumerLag(kafka, groupId, [input])) === 0, { description: 'both partitions committed' });
    expect(transformer!.committed).toEqual({ chunks: 2, transactions: 1 });
  });

  it('lets a chunk still being transformed join the transaction about to start (gatherMs)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `s-${i}`);
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    const groupId = `scoring-${secureRandom()}`;
    // Partition 1's transform ends 100 ms after partition 0's, well within the window given here.
    await scoreAll(groupId, undefined, undefined, false, { partition: 1, ms: 100, gatherMs: 5_000 });
    await collector.waitForCount(output, 20);
    await waitFor(async () => (await consumerLag(kafka, groupId, [input])) === 0, { description: 'both partitions committed' });
    expect(transformer!.committed).toEqual({ chunks: 2, transactions: 1 });
  });

  it("a chunk the broker refuses does not hold back the other partition's, committed with it", async () => {
    // Keys that land on partition 0 and on partition 1 of the 2-partition input, by the publisher's partitioner.
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1].map((partitionId) => ({ partitionId, leader: 1 }) as PartitionMetadata);
    const onPartition = (count: number, partition: number, tag: string) => {
      const ids: string[] = [];
      for (let i = 0; ids.length < count; i++) if (partitioner({ topic: input, partitionMetadata, message: { key: `${tag}-${i}`, value: null } }) === partition) ids.push(`${tag}-${i}`);
      return ids;
    };
    const healthy = onPartition(40, 0, 'ok');
    const blocked = onPartition(5, 1, 'big');
    await publisher.publishAll([...healthy, ...blocked].map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));
    // The broker then refuses the record batch with the one record above 200 KiB (MESSAGE_TOO_LARGE), failing its transaction.
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: output, configEntries: [{ name: 'max.message.bytes', value: String(200 * 1024) }] }] });
    await admin.disconnect();
    await scoreAll(`scoring-${secureRandom()}`, undefined, blocked[0], true);
    const scored = await collector.waitForCount(output, healthy.length);
    expect(new Set(scored.map((m) => m.key))).toEqual(new Set(healthy));
    // Partition 1's chunk keeps failing (an infrastructure error is retried, never skipped).
    expect(scored.some((m) => blocked.includes(m.key!))).toBe(false);
  });
});
