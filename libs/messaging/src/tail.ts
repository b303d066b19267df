import type { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { partitionOffsets } from './admin';
import { kafkajsOf } from './platformatic';
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

/** A record as read, undecoded: what tailing and reading to the end hand to their callback. */
export function tailRecordOf(topic: string, partition: number, message: KafkaMessage): TailRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key?.toString('utf8') ?? null,
    value: message.value,
    headers: decodeHeaders(message.headers),
  };
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
  // The high watermark: under read_committed the consumer skips aborted records past it anyway.
  const ends = fromBeginning ? [] : (await partitionOffsets(kafka, topics)).map(({ topic, partition, high }) => ({ topic, partition, offset: high }));
  const consumer = kafkajsOf(kafka).consumer({ groupId: `hitl-tail-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => onRecord(tailRecordOf(topic, partition, message)),
  });
  for (const end of ends) consumer.seek(end);
  return () => consumer.disconnect();
}
