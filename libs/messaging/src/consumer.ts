import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { physicalTopic, type TopicName } from '@hitl/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import { buildDeadLetter } from './dead-letter';
import { countBy, errorCode, errorMessage, type ErrorClass } from './errors';
import { decodeChunk, type BatchHandlerFn, type EventHandlerFn, type IncomingEvent } from './incoming';
import { keepAlive, manualConsumer, runManual, stopDraining } from './manual-consumer';
import type { ResolvedMessagingOptions } from './options';
import { clientFor } from './platformatic';
import { runWithRetry, type RetryOutcome } from './retry';
import { endSpan, linkTo, startProcessSpan, withSpan } from './trace';

export interface DeadLetterSink {
  sendRaw(records: { topic: string; message: Message }[]): Promise<void>;
}

export interface ConsumerSpec {
  groupId: string;
  /** A new group starts at the earliest offset, so nothing published before it existed is lost. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Most messages handed to a batch handler (or processed between two commits) at once. */
  maxChunk?: number;
  sessionTimeoutMs?: number;
}

type Registration =
  | { mode: 'each'; topic: TopicName; fn: EventHandlerFn }
  | { mode: 'batch'; topic: TopicName; fn: BatchHandlerFn };

interface Failure {
  message: KafkaMessage;
  error: unknown;
  attempts: number;
  errorClass: ErrorClass;
}

interface Decoded {
  valid: IncomingEvent[];
  invalid: Failure[];
}

/**
 * At-least-once consumer with commit-after-effect. Per partition, messages are handled in
 * order; offsets are resolved only after the handler resolved (its effect is durable) or after
 * the message was written to `<topic>.dlq`, and committed at the end of each chunk. A poison
 * message costs one DLQ write, never a stuck partition. Stop() lets the chunk in flight finish,
 * commits it, and leaves anything interrupted uncommitted for the next owner.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly registrations = new Map<string, Registration>();
  private readonly abort = new AbortController();
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: ResolvedMessagingOptions,
    private readonly deadLetters: DeadLetterSink,
    private readonly spec: ConsumerSpec,
  ) {
    this.consumer = manualConsumer(clientFor(kafka, options), spec);
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.options.logger.error('consumer crashed', { group: spec.groupId, error: errorMessage(event.payload.error) });
    });
  }

  handle<K extends TopicName>(topic: K, fn: EventHandlerFn<K>): this {
    return this.register({ mode: 'each', topic, fn: fn as unknown as EventHandlerFn });
  }

  handleBatch<K extends TopicName>(topic: K, fn: BatchHandlerFn<K>): this {
    return this.register({ mode: 'batch', topic, fn: fn as unknown as BatchHandlerFn });
  }

  get groupId(): string {
    return this.spec.groupId;
  }

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.registrations.size === 0) throw new Error(`consumer ${this.spec.groupId} has no handlers`);
    await runManual(
      this.consumer,
      [...this.registrations.keys()],
      { fromBeginning: this.spec.fromBeginning, concurrency: this.spec.partitionsConsumedConcurrently },
      (payload) => this.onBatch(payload),
    );
    this.running = true;
  }

  /** Graceful: stop fetching, let the chunk in flight finish and commit, then disconnect. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.consumer.disconnect().catch(() => undefined);
      return;
    }
    this.running = false;
    await stopDraining(this.consumer, this.abort, this.options.shutdownTimeoutMs);
  }

  private register(registration: Registration): this {
    if (this.running) throw new Error('register handlers before start()');
    this.registrations.set(physicalTopic(registration.topic, this.options.topicPrefix), registration);
    return this;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, uncommittedOffsets } = payload;
    const registration = this.registrations.get(batch.topic);
    if (!registration) throw new Error(`no handler for topic ${batch.topic}`);
    const chunkSize = Math.max(1, this.spec.maxChunk ?? 500);
    const stopKeepingAlive = keepAlive(heartbeat);
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!isRunning() || isStale()) break;
        const chunk = batch.messages.slice(i, i + chunkSize);
        const proceed = () => isRunning() && !isStale();
        const handled = await this.processChunk(registration, batch.topic, batch.partition, chunk, heartbeat, proceed);
        if (handled > 0) resolveOffset(chunk[handled - 1].offset);
        await commitOffsetsIfNecessary(uncommittedOffsets());
        if (handled < chunk.length) break; // interrupted by shutdown: the rest stays uncommitted
        await heartbeat();
      }
    } finally {
      stopKeepingAlive();
    }
    this.options.metrics.lag(batch.topic, batch.partition, Number(batch.offsetLag()));
  }

  /** Returns how many messages of the chunk (a prefix) are done: handled or dead-lettered. */
  private async processChunk(
    registration: Registration,
    physical: string,
    partition: number,
    chunk: KafkaMessage[],
    heartbeat: () => Promise<void>,
    proceed: () => boolean,
  ): Promise<number> {
    return registration.mode === 'each'
      ? this.processEach(registration.fn, registration.topic, physical, partition, chunk, heartbeat, proceed)
      : this.processBatch(registration.fn, registration.topic, physical, partition, chunk, heartbeat);
  }

  private async processEach(
    fn: EventHandlerFn,
    topic: TopicName,
    physical: string,
    partition: number,
    chunk: KafkaMessage[],
    heartbeat: () => Promise<void>,
    proceed: () => boolean,
  ): Promise<number> {
    for (let done = 0; done < chunk.length; done++) {
      if (!proceed()) return done; // stopping or rebalanced: what is done gets committed
      const message = chunk[done];
      const decoded = this.decode(topic, partition, [message]);
      if (decoded.invalid.length > 0) {
        await this.deadLetter(physical, partition, decoded.invalid);
        continue;
      }
      const event = decoded.valid[0];
      const span = startProcessSpan(
        { topic: physical, group: this.spec.groupId, partition, offset: message.offset, key: event.key, messageId: event.id },
        event.traceContext,
      );
      const traced = { ...event, traceContext: trace.setSpan(event.traceContext, span) };
      const started = performance.now();
      const outcome = await withSpan(span, event.traceContext, () => this.retry(() => fn(traced), physical, partition, heartbeat));
      endSpan(span, outcome.ok ? undefined : outcome.error);
      this.measure(physical, 1, started, outcome);
      if (!outcome.ok && outcome.interrupted) return done;
      if (!outcome.ok) {
        const failure = { message, error: outcome.error, attempts: outcome.attempts, errorClass: outcome.errorClass };
        await this.deadLetter(physical, partition, [failure]);
      }
    }
    return chunk.length;
  }

  private async processBatch(
    fn: BatchHandlerFn,
    topic: TopicName,
    physical: string,
    partition: number,
    chunk: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<number> {
    const { valid, invalid } = this.decode(topic, partition, chunk);
    const failed: Failure[] = [...invalid];
    if (valid.length > 0) {
      // A batch belongs to many cases: its span is a root that links to each message's trace.
      const links = valid.map((event) => linkTo(event.traceContext)).filter((link) => link !== undefined);
      const span = startProcessSpan({ topic: physical, group: this.spec.groupId, partition, count: valid.length }, ROOT_CONTEXT, links);
      const started = performance.now();
      const outcome = await withSpan(span, ROOT_CONTEXT, () => this.retry(() => fn(valid), physical, partition, heartbeat));
      endSpan(span, outcome.ok ? undefined : outcome.error);
      this.measure(physical, valid.length, started, outcome);
      if (!outcome.ok && outcome.interrupted) return 0;
      if (!outcome.ok) {
        // Isolate the poison: replay the chunk one event at a time, dead-letter only the culprits.
        for (const [index, event] of valid.entries()) {
          const single = await this.retry(() => fn([event]), physical, partition, heartbeat);
          if (!single.ok && single.interrupted) return 0;
          if (!single.ok) {
            const message = chunk.find((m) => m.offset === event.offset) ?? chunk[index];
            failed.push({ message, error: single.error, attempts: outcome.attempts + single.attempts, errorClass: single.errorClass });
          }
        }
      }
    }
    failed.sort((a, b) => Number(a.message.offset) - Number(b.message.offset));
    await this.deadLetter(physical, partition, failed);
    return chunk.length;
  }

  private decode(topic: TopicName, partition: number, messages: KafkaMessage[]): Decoded {
    const { valid, invalid } = decodeChunk(topic, partition, messages);
    return { valid, invalid: invalid.map(({ message, error }) => ({ message, error, attempts: 1, errorClass: 'non-retriable' })) };
  }

  /** A handler call for the metrics: its messages, duration and extra attempts (an interrupted call is not counted). */
  private measure(topic: string, count: number, started: number, outcome: RetryOutcome): void {
    if (!outcome.ok && outcome.interrupted) return;
    this.options.metrics.handled(topic, count, (performance.now() - started) / 1_000, outcome.ok);
    if (outcome.attempts > 1) this.options.metrics.retried(topic, outcome.attempts - 1);
  }

  private retry(fn: () => Promise<void>, topic: string, partition: number, heartbeat: () => Promise<void>): Promise<RetryOutcome> {
    return runWithRetry(fn, this.options.retry, {
      signal: this.abort.signal,
      heartbeat,
      onRetry: (attempt, error, delayMs) =>
        this.options.logger.warn('handler failed, retrying', { topic, partition, attempt, delayMs, error: errorMessage(error) }),
    });
  }

  private async deadLetter(topic: string, partition: number, failures: Failure[]): Promise<void> {
    if (failures.length === 0) return;
    const records = failures.map(({ message, error, attempts, errorClass }) =>
      buildDeadLetter(message, {
        topic,
        partition,
        group: this.spec.groupId,
        attempts,
        code: errorCode(error),
        errorClass,
        message: errorMessage(error),
      }),
    );
    await this.deadLetters.sendRaw(records);
    for (const [code, count] of countBy(failures.map(({ error }) => errorCode(error)))) this.options.metrics.deadLettered(topic, count, code);
    for (const { message, error } of failures) {
      this.options.logger.warn('dead-lettered', { topic, partition, offset: message.offset, code: errorCode(error), error: errorMessage(error) });
    }
  }
}
