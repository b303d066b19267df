import { createTopics, produceRaw, secureRandom, testKafka, testTopicPrefix } from '@hitl/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import { readTopicsToEnd } from './read-to-end';
import type { TailRecord } from './tail';

/** Writes records in one transaction on `partition`, then commits or aborts it (a marker follows either way). */
async function transactional(kafka: Kafka, topic: string, partition: number, keys: string[], end: 'commit' | 'abort'): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, transactionalId: `read-to-end-${secureRandom(3)}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: keys.map((key) => ({ key, value: end, partition })) });
    await (end === 'commit' ? transaction.commit() : transaction.abort());
  } finally {
    await producer.disconnect();
  }
}

describe('readTopicsToEnd through the real broker', () => {
  it('hands on every committed record once and stops, though the partitions end in transaction markers', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}read-to-end`;
    const other = `${testTopicPrefix()}read-to-end-other`;
    await createTopics(kafka, [topic, other], 3);
    await produceRaw(kafka, topic, ['p0-a', 'p0-b', 'p0-c'].map((key) => ({ key, value: 'plain', partition: 0 })));
    await transactional(kafka, topic, 1, ['p1-aborted'], 'abort');
    await transactional(kafka, topic, 1, ['p1-a', 'p1-b'], 'commit');
    await transactional(kafka, other, 2, ['o2-a'], 'commit');
    // Partition 2 of `topic` and partitions 0 and 1 of `other` stay empty.

    const seen: TailRecord[] = [];
    const count = await readTopicsToEnd(kafka, [topic, other], (record) => seen.push(record), { idleTimeoutMs: 20_000 });

    expect(count).toBe(6);
    expect(seen.map((r) => `${r.topic === topic ? 't' : 'o'}:${r.key}`).sort()).toEqual(['o:o2-a', 't:p0-a', 't:p0-b', 't:p0-c', 't:p1-a', 't:p1-b']);
    expect(seen.find((r) => r.key === 'p1-a')?.value?.toString()).toBe('commit');
  });

  it('resolves at once with 0 for topics that hold nothing', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}read-to-end-empty`;
    await createTopics(kafka, [topic], 2);
    expect(await readTopicsToEnd(kafka, [topic], () => undefined)).toBe(0);
  });

  it('names the topics that do not exist', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}read-to-end-present`;
    await createTopics(kafka, [topic], 1);
    const missing = `${testTopicPrefix()}read-to-end-missing`;
    await expect(readTopicsToEnd(kafka, [topic, missing], () => undefined)).rejects.toThrow(`no such topic: ${missing}`);
  });
});
