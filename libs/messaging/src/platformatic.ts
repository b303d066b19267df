import type * as Platformatic from '@platformatic/kafka';
import type { ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Message, ProducerConfig } from 'kafkajs';
import { EventEmitter } from 'node:events';
import { pause } from './backoff';
import type { ResolvedMessagingOptions } from './options';

/**
 * The messaging lib's data path on @platformatic/kafka (KAFKA_CLIENT=platformatic, the default): producers,
 * transactions with input offsets, and the group consumers of EventConsumer and
 * TransactionalTransformer. It is shaped as the part of kafkajs's `Kafka` those classes use, so
 * they run unchanged on either client. Admin requests, and the tools that tail or read topics to
 * their end, stay on kafkajs (`kafkajsOf`): control plane, not the hot path.
 *
 * The package is ESM only; Node 22 loads it with require(). jest's module registry (CommonJS
 * only) refuses it: under jest the test environment loads it (libs/testing/src/node-environment.cjs).
 * Loaded only when this client is chosen.
 */
function load(): typeof Platformatic {
  const preloaded = (globalThis as { __hitlPlatformaticKafka?: typeof Platformatic }).__hitlPlatformaticKafka;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return preloaded ?? (require('@platformatic/kafka') as typeof Platformatic);
}

const facades = new WeakMap<Kafka, Kafka>();

/**
 * The client the messaging classes use for `options.client`: a kafkajs instance as it is, or
 * behind the platformatic facade (one per kafkajs instance, so a transformer's producer finds
 * its consumer's group).
 */
export function clientFor(kafka: Kafka, options: ResolvedMessagingOptions): Kafka {
  if (options.client !== 'platformatic' || kafkajsOf(kafka) !== kafka) return kafka;
  let facade = facades.get(kafka);
  if (!facade) {
    facade = platformaticKafka(kafka, options);
    facades.set(kafka, facade);
  }
  return facade;
}

const BASE = Symbol('kafkajs');

/** The kafkajs client behind a platformatic facade (admin, tools), or the client itself. */
export function kafkajsOf(kafka: Kafka): Kafka {
  return (kafka as unknown as { [BASE]?: Kafka })[BASE] ?? kafka;
}

export function platformaticKafka(kafkajs: Kafka, options: ResolvedMessagingOptions): Kafka {
  const lib = load();
  const registry = new Map<string, GroupConsumer>();
  const facade = {
    [BASE]: kafkajs,
    admin: () => kafkajs.admin(),
    logger: () => kafkajs.logger(),
    producer: (config: ProducerConfig = {}) => new TransactionalProducer(lib, options, config, registry),
    consumer: (config: ConsumerConfig) => new GroupConsumer(lib, options, config, registry),
  };
  return facade as unknown as Kafka;
}

const toBuffer = (value: Buffer | string | null | undefined): Buffer | undefined => (value == null ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value));

/**
 * Headers as a plain object of byte values; the producer's header-name serializer makes the names
 * bytes. (Not a Map: the client tests `instanceof Map`, which fails for a Map of another realm,
 * such as a jest test's, and then sends no headers at all.)
 */
function headersOf(headers: IHeaders | undefined): Record<string, Buffer> | undefined {
  if (!headers) return undefined;
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers)) {
    const one = Array.isArray(value) ? value[0] : value;
    const buffer = toBuffer(one as Buffer | string | undefined);
    if (buffer) out[name] = buffer;
  }
  return out;
}

const headerName = (name: unknown) => (typeof name === 'string' ? Buffer.from(name) : (name as Buffer | undefined));

function toRecords(topicMessages: { topic: string; messages: Message[] }[]): Platformatic.MessageToProduce[] {
  return topicMessages.flatMap(({ topic, messages }) =>
    messages.map((m) => ({ topic, key: toBuffer(m.key), value: toBuffer(m.value) as Buffer, headers: headersOf(m.headers), ...(m.partition === undefined ? {} : { partition: m.partition }) })),
  );
}

/**
 * kafkajs's producer surface we use: `send`, `sendBatch`, and `transaction()` with `sendBatch`,
 * `sendOffsets`, `commit`, `abort`. Idempotent, acks=all, the compatibility partitioner (the
 * default one puts half of all keys elsewhere than kafkajs and Java: clients.spec.ts).
 */
class TransactionalProducer {
  private producer?: Platformatic.Producer;

  constructor(
    private readonly lib: typeof Platformatic,
    private readonly options: ResolvedMessagingOptions,
    private readonly config: ProducerConfig,
    private readonly registry: Map<string, GroupConsumer>,
  ) {}

  async connect(): Promise<void> {
    this.producer ??= new this.lib.Producer({
      clientId: this.options.clientId,
      bootstrapBrokers: this.options.brokers,
      idempotent: true,
      // InitProducerId as a new producer asks it (-1/-1). The client's default (0/0) asks the
      // broker to continue producer 0, epoch 0: for a transactional id used before (the
      // transformer's new producer after a failed transaction) the broker answers "fenced".
      producerId: -1n,
      producerEpoch: -1,
      acks: -1,
      autocreateTopics: false,
      partitioner: this.lib.compatibilityPartitioner,
      serializers: { headerKey: headerName as (name?: Buffer) => Buffer | undefined },
      // The request timeout, which is also what InitProducerId asks as the transaction timeout.
      timeout: this.config.transactionTimeout ?? 30_000,
      connectTimeout: this.options.connectionTimeoutMs,
      retries: 8,
      retryDelay: producerRetryDelay,
      ...(this.config.transactionalId ? { transactionalId: this.config.transactionalId } : {}),
    });
    if (!this.config.transactionalId) await this.producer.initIdempotentProducer({});
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.close();
  }

  private get live(): Platformatic.Producer {
    if (!this.producer) throw new Error('producer not connected');
    return this.producer;
  }

  async send({ topic, messages }: { topic: string; messages: Message[] }): Promise<void> {
    await this.sendBatch({ topicMessages: [{ topic, messages }] });
  }

  async sendBatch({ topicMessages }: { topicMessages?: { topic: string; messages: Message[] }[] }): Promise<void> {
    const records = toRecords(topicMessages ?? []);
    if (records.length > 0) await this.live.send({ messages: records });
  }

  async transaction() {
    const transaction = await this.live.beginTransaction();
    const registry = this.registry;
    const committed: { consumer: GroupConsumer; topic: string; partition: number; offset: bigint }[] = [];
    const send = async (topicMessages: { topic: string; messages: Message[] }[]) => {
      const records = toRecords(topicMessages);
      if (records.length > 0) await transaction.send({ messages: records });
    };
    return {
      send: ({ topic, messages }: { topic: string; messages: Message[] }) => send([{ topic, messages }]),
      sendBatch: ({ topicMessages }: { topicMessages?: { topic: string; messages: Message[] }[] }) => send(topicMessages ?? []),
      /**
       * The group's offsets inside the transaction (TxnOffsetCommit). With the group's generation
       * and member id (KIP-447): a member that lost the partition in a rebalance cannot commit.
       */
      sendOffsets: async ({ consumerGroupId, topics }: { consumerGroupId: string; topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => {
        const consumer = registry.get(consumerGroupId);
        const group = consumer?.group();
        if (!consumer || !group) throw new Error(`no consumer of group ${consumerGroupId} in this process`);
        await transaction.addConsumer(group);
        for (const { topic, partitions } of topics) {
          for (const { partition, offset } of partitions) {
            const next = BigInt(offset);
            // The membership the records were handed over under, not the current one: after a
            // rebalance the commit of a member that lost the partition must be refused.
            const member = consumer.memberOf(topic, partition) ?? { generationId: group.generationId, memberId: group.memberId ?? '' };
            const metadata = { consumer: { groupId: group.groupId, ...member, coordinatorId: group.coordinatorId } };
            // addOffset commits the offset after the message's. One at a time: the client
            // deduplicates concurrent calls of an operation by its name ('commit'), so calls made
            // together would commit only the first partition's offset (tried; a restart then
            // redid the others' chunks: transform.int-spec's "produces nothing twice" caught it).
            await transaction.addOffset({ topic, partition, offset: next - 1n, metadata } as unknown as Platformatic.Message);
            committed.push({ consumer, topic, partition, offset: next });
          }
        }
      },
      commit: async () => {
        await transaction.commit();
        for (const c of committed) c.consumer.noteCommitted(c.topic, c.partition, c.offset);
      },
      abort: async () => {
        if (!transaction.completed) await transaction.abort();
      },
    };
  }
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS to a producer's next transaction while it still
 * writes the markers of the previous commit (a few ms). Retried after the client's 200 ms like
 * any other error, it capped a hop at a few transactions a second and added 200 ms to each
 * (measured: 12 transactions/s per hop at 1,000 predictions/s, p50 submitted → finalized 0.8–1.4 s).
 * The Java client retries it after 20 ms; here 10 ms, doubling.
 */
export function producerRetryDelay(_client: unknown, _operation: string, attempt: number, _retries: number, error: unknown): number {
  const concurrent = (error as { findBy?: (property: string, value: unknown) => unknown } | undefined)?.findBy?.('apiId', 'CONCURRENT_TRANSACTIONS');
  return concurrent ? Math.min(10 * 2 ** Math.max(0, attempt - 1), 200) : 200;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** Most records handed on per round (all partitions together). */
const ROUND_RECORDS = 5_000;

/**
 * kafkajs's consumer surface we use: connect, subscribe, run with `eachBatch` (manual offsets),
 * commitOffsets, disconnect, the CRASH event. Built on a MessagesStream in paused mode: a round
 * takes what the stream holds, hands each partition's records to `eachBatch` (partitions
 * concurrently, a partition's records in order), and reads again only when the round is done,
 * so the stream's buffer is the only read-ahead (its highWaterMark). The client heartbeats on
 * its own timer, also while a batch is handled.
 */
class GroupConsumer {
  readonly events = { CRASH: 'consumer.crash', END_BATCH_PROCESS: 'consumer.end_batch_process' } as const;
  private readonly emitter = new EventEmitter();
  private consumer?: Platformatic.Consumer;
  private stream?: Platformatic.MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private topics: string[] = [];
  private fromBeginning = true;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** The group was joined again: the stream is renewed before anything more is taken from it. */
  private rebalanced = false;
  /** Per partition: the next offset this process knows committed, and the last record handed on. */
  private readonly committed = new Map<string, bigint>();
  private readonly delivered = new Map<string, bigint>();
  /** Per partition: the group generation and member id its last batch was handed over under. */
  private readonly members = new Map<string, { generationId: number; memberId: string }>();
  /** Each partition's last stable offset, read every few seconds: what offsetLag() measures against. */
  private ends = new Map<string, bigint[]>();
  private endsTimer?: NodeJS.Timeout;

  constructor(
    private readonly lib: typeof Platformatic,
    private readonly options: ResolvedMessagingOptions,
    private readonly config: ConsumerConfig,
    private readonly registry: Map<string, GroupConsumer>,
  ) {}

  on(event: string, listener: (event: { payload: Record<string, unknown> }) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  group(): Platformatic.Consumer | undefined {
    return this.consumer;
  }

  async connect(): Promise<void> {
    this.consumer ??= new this.lib.Consumer({
      clientId: this.options.clientId,
      groupId: this.config.groupId,
      bootstrapBrokers: this.options.brokers,
      sessionTimeout: this.config.sessionTimeout ?? 30_000,
      rebalanceTimeout: this.config.rebalanceTimeout ?? 60_000,
      heartbeatInterval: this.config.heartbeatInterval ?? 3_000,
      maxWaitTime: this.config.maxWaitTimeInMs ?? 1_000,
      isolationLevel: this.config.readUncommitted ? 0 : 1,
      autocommit: false,
      connectTimeout: this.options.connectionTimeoutMs,
      retries: 8,
      retryDelay: 200,
      highWaterMark: 2_048,
    });
    this.registry.set(this.config.groupId, this);
  }

  async subscribe({ topics, fromBeginning }: { topics: string[]; fromBeginning?: boolean }): Promise<void> {
    this.topics = topics;
    this.fromBeginning = fromBeginning ?? false;
  }

  async run({ partitionsConsumedConcurrently, eachBatch }: { partitionsConsumedConcurrently?: number; eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    if (!this.consumer) throw new Error('consumer not connected');
    this.stream = await this.open();
    this.running = true;
    this.consumer.on('consumer:group:join', () => {
      this.rebalanced = true;
      this.wake?.();
    });
    // The client's own lag monitor counts from the offsets its stream committed, and this facade
    // commits through the consumer and through transactions: the ends are read here instead.
    const readEnds = () => void this.consumer?.listOffsets({ topics: this.topics }).then((ends) => (this.ends = ends), () => undefined);
    readEnds();
    this.endsTimer = setInterval(readEnds, 2_000);
    this.endsTimer.unref();
    this.loop = this.pump(Math.max(1, partitionsConsumedConcurrently ?? 1), eachBatch);
  }

  private async open(): Promise<Platformatic.MessagesStream<Buffer, Buffer, Buffer, Buffer>> {
    const { MessagesStreamModes, MessagesStreamFallbackModes } = this.lib;
    const stream = await this.consumer!.consume({
      topics: this.topics,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: this.fromBeginning ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      autocommit: false,
      sessionTimeout: this.config.sessionTimeout ?? 30_000,
      heartbeatInterval: this.config.heartbeatInterval ?? 3_000,
      maxWaitTime: this.config.maxWaitTimeInMs ?? 1_000,
      isolationLevel: this.config.readUncommitted ? 0 : 1,
    });
    stream.on('error', (error) => this.emitter.emit(this.events.CRASH, { payload: { error, groupId: this.config.groupId, restart: true } }));
    stream.on('readable', () => this.wake?.());
    return stream;
  }

  private async pump(concurrency: number, eachBatch: (payload: EachBatchPayload) => Promise<void>): Promise<void> {
    while (this.running) {
      try {
        if (this.rebalanced && this.stream) {
          this.rebalanced = false;
          await this.renewStream();
          continue;
        }
        if (!this.stream || this.stream.destroyed) {
          await this.idle(1_000);
          if (this.running) this.stream = await this.open();
          continue;
        }
        const records = this.take();
        if (records.length === 0) {
          await this.commitPastMarkers();
          await this.idle(500);
          continue;
        }
        await this.round(records, concurrency, eachBatch);
      } catch (error) {
        this.emitter.emit(this.events.CRASH, { payload: { error, groupId: this.config.groupId, restart: true } });
        this.stream?.destroy();
        this.stream = undefined;
      }
    }
  }

  /**
   * A new stream after every rebalance, the old one (and what it holds) dropped. The stream
   * refreshes its positions from the group's committed offsets when the group is joined, but a
   * fetch already in flight then lands afterwards and moves the position back to where it was,
   * past records nobody committed: chaos lost 7 decisions so (@platformatic/kafka 2.12.1). A new
   * stream starts from the committed offsets and ignores nothing; the old one's late fetch is
   * dropped with it. Opened before the old one closes, so the topics stay subscribed (no rejoin).
   */
  private async renewStream(): Promise<void> {
    const old = this.stream;
    this.stream = await this.open();
    this.committed.clear();
    this.delivered.clear();
    await old?.close().catch(() => undefined);
  }

  private take(): Platformatic.Message<Buffer, Buffer, Buffer, Buffer>[] {
    const records: Platformatic.Message<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (let record; records.length < ROUND_RECORDS && (record = this.stream!.read()) !== null; ) records.push(record);
    return records;
  }

  /** Waits `ms`, or until `wake()` (records readable, a rebalance, disconnect). */
  private async idle(ms: number): Promise<void> {
    const woken = new AbortController();
    this.wake = () => woken.abort();
    try {
      await pause(ms, woken.signal);
    } finally {
      this.wake = undefined;
    }
  }

  /** One round: each partition's records as one batch, partitions concurrently. */
  private async round(records: Platformatic.Message<Buffer, Buffer, Buffer, Buffer>[], concurrency: number, eachBatch: (payload: EachBatchPayload) => Promise<void>): Promise<void> {
    const consumer = this.consumer!;
    const generation = consumer.generationId;
    const byPartition = new Map<string, Platformatic.Message<Buffer, Buffer, Buffer, Buffer>[]>();
    for (const record of records) {
      // Fetched before a rebalance took the partition away: its new owner reads it from the committed offset.
      if (!this.assigned(record.topic, record.partition)) continue;
      const key = partitionKey(record.topic, record.partition);
      const list = byPartition.get(key) ?? [];
      list.push(record);
      byPartition.set(key, list);
    }
    const batches = [...byPartition.values()];
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.batch(batches[next++], generation, eachBatch);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  }

  private assigned(topic: string, partition: number): boolean {
    return this.consumer?.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
  }

  private async batch(records: Platformatic.Message<Buffer, Buffer, Buffer, Buffer>[], generation: number, eachBatch: (payload: EachBatchPayload) => Promise<void>): Promise<void> {
    const { topic, partition } = records[0];
    const key = partitionKey(topic, partition);
    const last = records[records.length - 1].offset;
    const isStale = () => this.consumer?.generationId !== generation || !this.assigned(topic, partition);
    let resolved: bigint | undefined;
    let committedThrough: bigint | undefined;
    const messages: KafkaMessage[] = records.map((r) => ({
      key: r.key ?? null,
      value: r.value ?? null,
      headers: Object.fromEntries([...r.headers].map(([name, value]) => [name.toString(), value])),
      offset: r.offset.toString(),
      timestamp: r.timestamp.toString(),
      attributes: 0,
    }));
    const commit = async () => {
      if (resolved === undefined || resolved === committedThrough || isStale()) return;
      await this.commitOffsets([{ topic, partition, offset: (resolved + 1n).toString() }]);
      committedThrough = resolved;
    };
    const payload = {
      batch: {
        topic,
        partition,
        highWatermark: '-1',
        messages,
        isEmpty: () => messages.length === 0,
        firstOffset: () => messages[0]?.offset ?? null,
        lastOffset: () => last.toString(),
        // From the partition's end as last read to the stream's position (past any markers).
        offsetLag: () => {
          const end = this.ends.get(topic)?.[partition];
          const position = this.stream?.offsetsToFetch.get(key) ?? last + 1n;
          return String(end !== undefined && end > position ? end - position : 0n);
        },
        offsetLagLow: () => '0',
      },
      resolveOffset: (offset: string) => {
        resolved = BigInt(offset);
      },
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: commit,
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: () => this.running,
      isStale,
      pause: () => () => undefined,
    };
    this.delivered.set(key, last);
    this.members.set(key, { generationId: generation, memberId: this.consumer?.memberId ?? '' });
    await eachBatch(payload as unknown as EachBatchPayload);
  }

  memberOf(topic: string, partition: number): { generationId: number; memberId: string } | undefined {
    return this.members.get(partitionKey(topic, partition));
  }

  /** Transactions commit offsets too (TransactionalProducer tells us); markers are committed past only after. */
  noteCommitted(topic: string, partition: number, offset: bigint): void {
    const key = partitionKey(topic, partition);
    if ((this.committed.get(key) ?? -1n) < offset) this.committed.set(key, offset);
  }

  /**
   * A partition whose every record handed on is committed, and whose fetch position is past
   * that (transaction markers, aborted records: never handed on), commits its fetch position:
   * otherwise the group would stay behind by them for ever (the same trap as kafkajs's filtered
   * batches, manual-consumer.ts). Runs when the stream holds nothing, so every record below the
   * fetch position was handed on.
   */
  private async commitPastMarkers(): Promise<void> {
    const stream = this.stream;
    if (!stream || !this.consumer) return;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [key, position] of stream.offsetsToFetch) {
      const [topic, p] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
      if (!this.assigned(topic, p)) continue;
      // Nothing committed by anybody yet: the position is past markers alone when nothing was handed on.
      const committed = this.committed.get(key) ?? stream.offsetsCommitted.get(key) ?? -1n;
      if (position <= committed) continue;
      const delivered = this.delivered.get(key);
      if (delivered !== undefined && delivered >= committed) continue; // handed on, not committed yet
      offsets.push({ topic, partition: p, offset: position.toString() });
    }
    if (offsets.length > 0) await this.commitOffsets(offsets).catch(() => undefined);
  }

  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.commit({ offsets: offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1 })) });
    for (const { topic, partition, offset } of offsets) this.noteCommitted(topic, partition, BigInt(offset));
  }

  async disconnect(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    clearInterval(this.endsTimer);
    await this.stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
    this.registry.delete(this.config.groupId);
    this.consumer = undefined;
    this.stream = undefined;
  }
}
