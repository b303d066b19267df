import { compatibilityPartitioner, Consumer as PConsumer, MessagesStreamModes, Producer as PProducer } from '@platformatic/kafka';
import { Partitioners, type Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/**
 * The two Node Kafka clients behind one small interface, for `npm run bench:clients`: a
 * producer (idempotent, acks=all) and a group consumer from the beginning (read_committed).
 * Not exported from the package root: services never load @platformatic/kafka.
 */
export interface RawKafkaClient {
  name: string;
  connectProducer(): Promise<{ send(topic: string, records: { key: Buffer; value: Buffer }[]): Promise<void>; close(): Promise<void> }>;
  /** Starts a group consumer from the beginning; `onRecord` for each record. */
  consume(topic: string, onRecord: (value: Buffer) => void): Promise<() => Promise<void>>;
}

export function kafkajsClient(kafka: Kafka): RawKafkaClient {
  return {
    name: 'kafkajs 2.2.4',
    async connectProducer() {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await producer.connect();
      return {
        send: async (topic, records) => void (await producer.send({ topic, acks: -1, messages: records })),
        close: () => producer.disconnect(),
      };
    },
    async consume(topic, onRecord) {
      const consumer = kafka.consumer({ groupId: `raw-client-${randomBytes(4).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: true, eachBatch: async ({ batch }) => batch.messages.forEach((m) => onRecord(m.value!)) });
      return () => consumer.disconnect();
    },
  };
}

/**
 * @platformatic/kafka's default partitioner takes murmur2 unsigned (`>>> 0`); kafkajs and the Java
 * client mask the sign bit (`& 0x7fffffff`). Of 10,000 case keys on 6 partitions, 5,035 land on a
 * different partition with the default (clients.spec.ts), so a case's events would split across
 * partitions, and lose their order, the moment two clients write one topic (a rolling upgrade, a
 * Java producer). Any use of this client here takes the compatibility partitioner.
 */
export const platformaticPartitioner = compatibilityPartitioner;

export function platformaticClient(brokers: string[]): RawKafkaClient {
  return {
    name: '@platformatic/kafka 2.12.1',
    async connectProducer() {
      const producer = new PProducer({ clientId: 'hitl/raw-client', bootstrapBrokers: brokers, idempotent: true, acks: -1, autocreateTopics: false, partitioner: platformaticPartitioner });
      return {
        send: async (topic, records) => void (await producer.send({ messages: records.map(({ key, value }) => ({ topic, key, value })) })),
        close: () => producer.close(),
      };
    },
    async consume(topic, onRecord) {
      const consumer = new PConsumer({ clientId: 'hitl/raw-client', groupId: `raw-client-${randomBytes(4).toString('hex')}`, bootstrapBrokers: brokers, maxWaitTime: 100, isolationLevel: 1 });
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: true });
      stream.on('data', (message) => onRecord(message.value));
      return async () => {
        await stream.close();
        await consumer.close(true);
      };
    },
  };
}

