import { z } from 'zod';
import { brokerList, positiveInt, topicPrefix } from './fields';

/** Settings of the topics command (scripts: npm run topics). */
export const topicsEnvSchema = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  TOPIC_PREFIX: topicPrefix.default(''),
  KAFKA_TOPIC_PARTITIONS: positiveInt(10_000).default(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(16).default(1),
});

export type TopicsConfig = z.output<typeof topicsEnvSchema>;
