import type { Consumer, EachBatchHandler, Kafka } from 'kafkajs';

export interface ManualConsumerSpec {
  groupId: string;
  sessionTimeoutMs?: number;
}

/**
 * The kafkajs consumer both our consumers use: read_committed, no topic auto-creation, and a
 * short fetch long-poll, because a stopping consumer waits for the fetch in flight.
 */
export function manualConsumer(kafka: Kafka, spec: ManualConsumerSpec): Consumer {
  const consumer = kafka.consumer({
    groupId: spec.groupId,
    sessionTimeout: spec.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    allowAutoTopicCreation: false,
    readUncommitted: false,
    maxWaitTimeInMs: 1_000,
  });
  commitPastFilteredBatches(consumer);
  return consumer;
}

/**
 * A fetch that holds only transaction markers, or only records of aborted transactions, never
 * reaches eachBatch: kafkajs moves its position past it in memory and, with manual commits,
 * commits nothing. When nothing follows in the partition, the group stays behind by it for ever
 * (chaos in CI: routing's group at lag 1 after a killed producer's transaction). kafkajs reports
 * such a batch as a batch of size 0; its offsets are committed here. Every batch before it in
 * the partition was handled and committed already (a partition's batches are handled in order,
 * each committed before the next); a commit refused by a rebalance leaves it to the next owner,
 * which meets the same batch.
 */
function commitPastFilteredBatches(consumer: Consumer): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize !== 0 || payload.lastOffset == null) return;
    const offset = (BigInt(payload.lastOffset) + 1n).toString();
    consumer.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset }]).catch(() => undefined);
  });
}

/** Offsets are ours to resolve and commit: nothing is committed before its effect is stored. */
export async function runManual(
  consumer: Consumer,
  topics: string[],
  options: { fromBeginning?: boolean; concurrency?: number },
  eachBatch: EachBatchHandler,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: options.concurrency ?? 1, eachBatch });
}

/**
 * Disconnects (kafkajs lets the batch in flight finish); shortly before the shutdown budget
 * runs out, `abort` cuts retry backoffs short so their messages are left for the next owner.
 */
export async function stopDraining(consumer: Consumer, abort: AbortController, shutdownTimeoutMs: number): Promise<void> {
  const timer = setTimeout(() => abort.abort(), Math.max(0, shutdownTimeoutMs - 1_000));
  try {
    await consumer.disconnect();
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/**
 * Heartbeats while a batch is being handled. kafkajs heartbeats only between fetches or when
 * the handler calls `heartbeat()`, so a chunk whose handling outlasts the session timeout got the
 * member evicted: its commit was refused and the chunk handled again, for ever (measured: the
 * review service's queue topics never advanced under a 400/s soak, 6 s session timeout).
 * `heartbeat()` sends only when the interval is due; its errors (a rebalance under way) are left
 * to the next fetch, which rejoins. Returns the function that stops it.
 */
export function keepAlive(heartbeat: () => Promise<void>, everyMs = 1_000): () => void {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
