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
 */
export async function tailTopics(
  kafka: Kafka,
  topics: string[],
  fromBeginning: boolean,
  onRecord: (record: TailRecord) => void,
): Promise<() => Promise<void>> {
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
  return () => consumer.disconnect();
}
