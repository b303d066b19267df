import { TOPIC_CONFIG } from '@hitl/contracts';
import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type Message } from 'kafkajs';
import { secureRandom, testBrokers } from './infra';
import { waitFor } from './wait-for';

// The testing lib talks to Kafka directly, not through @hitl/messaging, so that it can test it.
export function testKafka(clientId = `test-${secureRandom(3)}`): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), connectionTimeout: 10_000, logLevel: logLevel.WARN });
}

function utf8Headers(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

export async function createTopics(kafka: Kafka, topics: string[], partitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Not kafkajs' waitForLeaders: it gives up on the UNKNOWN_TOPIC_OR_PARTITION a KRaft broker
    // answers for a moment after creating a topic.
    // With the settings `npm run topics` gives every topic (TOPIC_CONFIG): tests see what production has.
    await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries: Object.entries(TOPIC_CONFIG).map(([name, value]) => ({ name, value })) })) });
    await waitFor(
      async () => {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        return metadata.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0));
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `leaders for ${topics.length} new topic(s)` },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Writes raw records (malformed bytes, forged headers): what a misbehaving producer sends.
 * Idempotent, so a send retried after "not the leader" (a topic created a moment ago) writes
 * each record once: a plain producer wrote 7 of 5 records once in CI.
 */
export async function produceRaw(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  json<T = unknown>(): T;
}

/** Reads topics from the beginning (read_committed) into memory, for assertions. */
export class TopicCollector {
  readonly messages: CollectedMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<TopicCollector> {
    const consumer = kafka.consumer({ groupId: `collector-${secureRandom()}`, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    const collector = new TopicCollector(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        collector.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: utf8Headers(message.headers),
          json: <T>() => JSON.parse(message.value?.toString('utf8') ?? 'null') as T,
        });
      },
    });
    return collector;
  }

  on(topic: string): CollectedMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async waitForCount(topic: string, count: number, timeoutMs = 30_000): Promise<CollectedMessage[]> {
    await waitFor(() => this.on(topic).length >= count, { timeoutMs, description: `${count} message(s) on ${topic} (have ${this.on(topic).length})` });
    return this.on(topic);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
