import { ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { physicalTopic, type TopicName } from '@hitl/contracts';
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { pause } from './backoff';
import { buildDeadLetter } from './dead-letter';
import { classifyError, countBy, errorCode, errorMessage } from './errors';
import { decodeChunk, type IncomingEvent } from './incoming';
import { keepAlive, manualConsumer, runManual, stopDraining } from './manual-consumer';
import type { ResolvedMessagingOptions } from './options';
import { clientFor } from './platformatic';
import { groupByTopic, tracedMessage, type OutgoingEvent } from './publisher';
import { runWithRetry } from './retry';
import { endSpan, linkTo, startProcessSpan, withSpan } from './trace';

export interface TransformSpec<K extends TopicName> {
  groupId: string;
  topic: K;
  /** Pure mapping from input events to output events; throwing a ContractError or
   * NonRetriableError for one event dead-letters that event only. */
  transform: (events: IncomingEvent<K>[]) => Promise<OutgoingEvent[]> | OutgoingEvent[];
  maxChunk?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * How long the broker keeps a transaction of a crashed instance open. Until it aborts it,
   * read_committed readers of the output partitions wait (the last stable offset cannot pass
   * it), so this bounds the stall after a kill -9. Default 10 s.
   */
  transactionTimeoutMs?: number;
  /**
   * How long a transaction about to start waits for chunks of other partitions still being
   * transformed, so that they commit in it rather than in the next. Default 20 ms.
   */
  gatherMs?: number;
}

/**
 * Consume-transform-produce in one Kafka transaction per chunk: the outputs, the dead letters
 * and the input offsets commit together or not at all, so a stateless hop (scoring) neither
 * loses nor duplicates an event across crashes for read_committed readers.
 *
 * Limit: kafkajs predates KIP-447, so zombie fencing relies on a transactional id unique to
 * this process; after a rebalance a fenced-out zombie's open transaction is aborted by its
 * timeout, not by the group generation.
 */
export class TransactionalTransformer<K extends TopicName> {
  private readonly consumer: Consumer;
  private producer: Producer;
  private readonly transactionalId: string;
  /** A transaction of this producer failed: the next one needs a new producer (renewProducer). */
  private producerSpent = false;
  private readonly abort = new AbortController();
  private running = false;
  /**
   * One producer has one transaction at a time. Chunks of partitions processed concurrently
   * that finish while a transaction is in flight wait here and then commit together, in one
   * transaction (group commit): the cost of a commit is paid once per round, not per chunk.
   */
  private pending: PendingCommit[] = [];
  private flushing = false;
  /** Chunks being transformed now, and how a transaction about to start hears that one is done. */
  private transforming = 0;
  private transformed?: () => void;
  /** Chunks committed and the transactions that committed them (fewer when grouped). */
  readonly committed = { chunks: 0, transactions: 0 };

  private readonly kafka: Kafka;

  constructor(
    kafka: Kafka,
    private readonly options: ResolvedMessagingOptions,
    private readonly spec: TransformSpec<K>,
  ) {
    this.kafka = clientFor(kafka, options);
    this.consumer = manualConsumer(this.kafka, { groupId: spec.groupId, sessionTimeoutMs: spec.sessionTimeoutMs });
    this.transactionalId = `${spec.groupId}-${randomUUID()}`;
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      transactionalId: this.transactionalId,
      transactionTimeout: this.spec.transactionTimeoutMs ?? 10_000,
      // The broker answers CONCURRENT_TRANSACTIONS while it still writes the markers of the
      // previous commit (a few ms). kafkajs retries it with the client's backoff (200 ms+), which
      // would cap a hop at a few transactions per second; the Java client retries it in ~20 ms.
      retry: { initialRetryTime: 10, maxRetryTime: 1_000, retries: 15 },
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await runManual(
      this.consumer,
      [physicalTopic(this.spec.topic, this.options.topicPrefix)],
      { concurrency: this.spec.partitionsConsumedConcurrently },
      (payload) => this.onBatch(payload),
    );
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    try {
      await stopDraining(this.consumer, this.abort, this.options.shutdownTimeoutMs);
    } finally {
      await this.producer.disconnect();
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const chunkSize = Math.max(1, this.spec.maxChunk ?? 500);
    // A producer's transaction ends with a commit marker after its records: the group's offset
    // must pass it, or the partition shows a lag of 1 for ever (kafkajs leaves markers out of
    // batch.messages; batch.lastOffset() counts them). The last chunk commits through the
    // batch's last offset. A fetch of markers alone never reaches here: manualConsumer commits
    // past it.
    const stopKeepingAlive = keepAlive(heartbeat);
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!isRunning() || isStale()) break;
        const chunk = batch.messages.slice(i, i + chunkSize);
        const last = i + chunkSize >= batch.messages.length;
        const through = last ? batch.lastOffset() : chunk[chunk.length - 1].offset;
        const done = await this.processChunk(batch.topic, batch.partition, chunk, through, heartbeat, isStale);
        if (!done) break;
        resolveOffset(through);
        await heartbeat();
      }
    } finally {
      stopKeepingAlive();
    }
    this.options.metrics.lag(batch.topic, batch.partition, Number(batch.offsetLag()));
  }

  /** `through`: the last offset this chunk's transaction commits (a trailing marker included). */
  /**
   * `isStale`: the partition has left this member (a rebalance, with @platformatic/kafka; a seek,
   * with kafkajs). A transaction that failed is not tried again then: its input belongs to the
   * new owner, which reads it from the committed offset.
   */
  private async processChunk(topic: string, partition: number, chunk: KafkaMessage[], through: string, heartbeat: () => Promise<void>, isStale: () => boolean): Promise<boolean> {
    const byOffset = new Map(chunk.map((message) => [message.offset, message]));
    const toDeadLetter = (message: KafkaMessage, error: unknown) =>
      buildDeadLetter(message, {
        topic,
        partition,
        group: this.spec.groupId,
        attempts: 1,
        code: errorCode(error),
        errorClass: classifyError(error),
        message: errorMessage(error),
      });
    const decoded = decodeChunk(this.spec.topic, partition, chunk);
    const valid = decoded.valid;
    const invalid = decoded.invalid.map(({ message, error }) => toDeadLetter(message, error));
    const links = valid.map((event) => linkTo(event.traceContext)).filter((link) => link !== undefined);
    const span = startProcessSpan({ topic, group: this.spec.groupId, partition, count: chunk.length }, ROOT_CONTEXT, links);
    const started = performance.now();
    // How many events the committed attempt dead-lettered, for the metrics.
    let rejectedCount = 0;
    let rejectedCodes: string[] = [];
    let stale = false;
    const outcome = await withSpan(span, ROOT_CONTEXT, () =>
      runWithRetry(
        async (attempt) => {
          if (attempt > 1 && isStale()) {
            stale = true;
            return;
          }
          const { outputs, failures } = await this.whileTransforming(() => this.transformIsolating(valid));
          const rejected = failures.map(({ event, error }) => toDeadLetter(byOffset.get(event.offset)!, error));
          await this.commitTransaction(topic, partition, through, outputs, [...invalid, ...rejected]);
          rejectedCount = rejected.length;
          rejectedCodes = failures.map(({ error }) => errorCode(error));
        },
        this.options.retry,
        { signal: this.abort.signal, heartbeat },
      ),
    );
    endSpan(span, outcome.ok ? undefined : outcome.error);
    if (stale) return false;
    if (outcome.ok) {
      const metrics = this.options.metrics;
      metrics.handled(topic, valid.length - rejectedCount, (performance.now() - started) / 1_000, true);
      for (const [code, count] of countBy([...decoded.invalid.map(({ error }) => errorCode(error)), ...rejectedCodes])) metrics.deadLettered(topic, count, code);
      if (outcome.attempts > 1) metrics.retried(topic, outcome.attempts - 1);
    }
    if (!outcome.ok) {
      if (outcome.interrupted) return false;
      // A failure that survived every retry here is infrastructure (the transaction itself):
      // surface it so kafkajs restarts from the last committed offset; nothing is skipped.
      throw outcome.error;
    }
    return true;
  }

  private async whileTransforming<T>(work: () => Promise<T>): Promise<T> {
    this.transforming++;
    try {
      return await work();
    } finally {
      this.transforming--;
      this.transformed?.();
    }
  }

  /**
   * Before a transaction starts, the chunks still being transformed get a moment to join it:
   * routing's chunks of one round finish a few ms apart (each waits on the database), and
   * without this the first took a transaction alone and the rest waited for it to end, then
   * took the next (2.3 chunks a transaction at 6 partitions processed at once, measured). A
   * chunk that takes longer (retries, a large chunk) goes into the next transaction.
   */
  private async gatherTransforming(): Promise<void> {
    const deadline = performance.now() + (this.spec.gatherMs ?? GATHER_MS);
    while (this.transforming > 0 && performance.now() < deadline) {
      const woken = new AbortController();
      this.transformed = () => woken.abort();
      await pause(Math.max(1, deadline - performance.now()), woken.signal);
      this.transformed = undefined;
      // The chunk that finished queues its commit a few microtasks later.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Transforms the chunk; if that throws, retries event by event and isolates the culprits. */
  private async transformIsolating(valid: IncomingEvent<K>[]): Promise<{ outputs: OutgoingEvent[]; failures: { event: IncomingEvent<K>; error: unknown }[] }> {
    try {
      return { outputs: await this.spec.transform(valid), failures: [] };
    } catch (error) {
      if (classifyError(error) === 'retriable') throw error;
    }
    const outputs: OutgoingEvent[] = [];
    const failures: { event: IncomingEvent<K>; error: unknown }[] = [];
    for (const event of valid) {
      try {
        outputs.push(...(await this.spec.transform([event])));
      } catch (error) {
        if (classifyError(error) === 'retriable') throw error;
        failures.push({ event, error });
      }
    }
    return { outputs, failures };
  }

  private async commitTransaction(
    topic: string,
    partition: number,
    through: string,
    outputs: OutgoingEvent[],
    deadLetters: { topic: string; message: Message }[],
  ): Promise<void> {
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    // Each output continues its input's trace (one case, one trace), with a send span of its own.
    const spans: Span[] = [];
    for (const [outTopic, group] of groupByTopic(outputs, this.options.topicPrefix)) {
      topicMessages.push({
        topic: outTopic,
        messages: group.map((event) => {
          const { message, span } = tracedMessage(event, outTopic, this.options.clientId, event.traceContext ?? ROOT_CONTEXT);
          spans.push(span);
          return message;
        }),
      });
    }
    const produced = topicMessages.map(({ topic: t, messages }) => ({ topic: t, count: messages.length }));
    for (const { topic: dlq, message } of deadLetters) topicMessages.push({ topic: dlq, messages: [message] });
    try {
      await this.commitQueued({ topic, partition, through, topicMessages });
      spans.forEach((span) => endSpan(span));
      for (const p of produced) this.options.metrics.produced(p.topic, p.count);
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      throw error;
    }
  }

  /**
   * Queues a chunk's commit; one flush loop at a time runs the transactions, each taking every
   * chunk queued so far. Partitions are distinct within a round: a partition waits for its
   * chunk's commit before it processes the next.
   */
  private commitQueued(commit: Commit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ ...commit, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      // Chunks that finish in the same turn of the event loop go in the first round together.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) {
        await this.gatherTransforming();
        const round = this.pending.splice(0);
        try {
          await this.runTransaction(round);
          this.settled(round);
        } catch (error) {
          if (round.length === 1) {
            round[0].reject(error);
            continue;
          }
          // One chunk must not fail its neighbours for good (a record the broker refuses, say):
          // after a failed round each chunk is tried alone, and only its own error is its own.
          for (const commit of round) {
            await this.runTransaction([commit]).then(() => this.settled([commit]), commit.reject);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The chunks of one committed transaction. */
  private settled(round: PendingCommit[]): void {
    this.committed.chunks += round.length;
    this.committed.transactions += 1;
    round.forEach((commit) => commit.resolve());
  }

  private async runTransaction(round: Commit[]): Promise<void> {
    if (this.producerSpent) await this.renewProducer();
    const transaction = await this.producer.transaction();
    try {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, messages } of round.flatMap((commit) => commit.topicMessages)) {
        const list = byTopic.get(topic) ?? [];
        list.push(...messages);
        byTopic.set(topic, list);
      }
      if (byTopic.size > 0) await transaction.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
      const partitions = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, through } of round) {
        const list = partitions.get(topic) ?? [];
        list.push({ partition, offset: (BigInt(through) + 1n).toString() });
        partitions.set(topic, list);
      }
      await transaction.sendOffsets({ consumerGroupId: this.spec.groupId, topics: [...partitions].map(([topic, list]) => ({ topic, partitions: list })) });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      this.producerSpent = true;
      throw error;
    }
  }

  /**
   * After a failed transaction the next one starts on a new producer epoch. kafkajs rolls back
   * the sequence numbers of every partition of a failed produce request, also of those the
   * broker had appended; the next transaction would send its records under the same numbers,
   * and the broker would acknowledge them as duplicates of the aborted batch without writing
   * them: outputs lost while the input offsets commit. A new InitProducerId (same transactional
   * id) bumps the epoch and starts the numbers again. Found by the test of a refused chunk.
   * While the broker is away the connect fails, and the next attempt tries again.
   */
  private async renewProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.newProducer();
    await this.producer.connect();
    this.producerSpent = false;
  }
}

/** How long a transaction about to start waits for chunks still being transformed. */
const GATHER_MS = 20;

/** One chunk's share of a transaction: its outputs and the offset its input commits through. */
interface Commit {
  topic: string;
  partition: number;
  through: string;
  topicMessages: { topic: string; messages: Message[] }[];
}

interface PendingCommit extends Commit {
  resolve: () => void;
  reject: (error: unknown) => void;
}
