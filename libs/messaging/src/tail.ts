import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { decodeHeaders } from './headers';

export interface TailRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Reads topics as they are, valid or not (dead-letter topics hold what failed validation), with
 * a throwaway group that never commits: tailing must not move anybody's offsets.
 *
 * Not from the beginning means from the end as it is when this call starts: the end offsets are
 * read before the group joins and each partition is seeked there, so a record produced after
 * `tailTopics` resolves is never missed (kafkajs's "latest" is resolved only once partitions are
 * assigned, which races with whatever the caller produces next). kafkajs keeps a seek until the
 * partition is assigned and applies it before the first fetch (ConsumerGroup.seekOffsets).
 */
export async function tailTopics(
  kafka: Kafka,
  topics: string[],
  fromBeginning: boolean,
  onRecord: (record: TailRecord) => void,
): Promise<() => Promise<void>> {
  const ends = fromBeginning ? [] : await endOffsets(kafka, topics);
  const consumer = kafka.consumer({ groupId: `hitl-tail-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) =>
      onRecord({
        topic,
        partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: decodeHeaders(message.headers),
      }),
  });
  for (const end of ends) consumer.seek(end);
  return () => consumer.disconnect();
}

async function endOffsets(kafka: Kafka, topics: string[]): Promise<{ topic: string; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The high watermark: under read_committed the consumer skips aborted records past it anyway.
    const all = await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high }))));
    return all.flat();
  } finally {
    await admin.disconnect();
  }
}
