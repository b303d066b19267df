import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { partitionOffsets } from './admin';
import { kafkajsOf } from './platformatic';
import { tailRecordOf, type TailRecord } from './tail';

export interface ReadToEndOptions {
  /** Fails when no batch arrived for this long: an unreachable broker, a transaction left open. */
  idleTimeoutMs?: number;
}

const partitionKey = (topic: string, partition: number) => `${topic}[${partition}]`;

/**
 * Reads `topics` from the beginning up to their end as it is when the call starts, then stops:
 * a snapshot of what was written so far (a recording to replay), read_committed, with a
 * throwaway group that never commits. Resolves with the number of records handed on.
 *
 * The end is each partition's high watermark, taken first; records written later are not handed
 * on. A partition is done when a fetched batch reaches end − 1, as the consumer's
 * END_BATCH_PROCESS event says: that event also comes for batches holding only transaction
 * markers or aborted records, which never reach eachMessage. Counting delivered records instead
 * would wait forever behind the commit marker that ends every transactional write (routing's).
 */
export async function readTopicsToEnd(kafka: Kafka, topics: string[], onRecord: (record: TailRecord) => void, options: ReadToEndOptions = {}): Promise<number> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const ends = new Map<string, bigint>();
  for (const p of await partitionOffsets(kafka, topics)) {
    if (BigInt(p.high) > BigInt(p.low)) ends.set(partitionKey(p.topic, p.partition), BigInt(p.high));
  }
  if (ends.size === 0) return 0;

  const pending = new Set(ends.keys());
  const consumer = kafkajsOf(kafka).consumer({ groupId: `hitl-read-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let delivered = 0;
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    const restartIdleTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Error(`reading ${topics.join(', ')} to the end: nothing arrived for ${idleTimeoutMs} ms; not at the end yet: ${[...pending].join(', ')}`)), idleTimeoutMs);
    };
    restartIdleTimer();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      restartIdleTimer();
      const key = partitionKey(payload.topic, payload.partition);
      const end = ends.get(key);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(key);
      if (pending.size === 0) resolve();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
  });
  finished.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const end = ends.get(partitionKey(topic, partition));
        if (end === undefined || BigInt(message.offset) >= end) return; // written after the call started
        delivered++;
        onRecord(tailRecordOf(topic, partition, message));
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return delivered;
}
