import { DEFAULT_KAFKA_CLIENT } from '@hitl/messaging';
import { z } from 'zod';
import { brokerList, logLevel, mongoUri, port, positiveInt, topicPrefix } from './fields';

export interface ServiceDefaults {
  name: string;
  httpPort: number;
  /** CONSUMER_CONCURRENCY's default; 2 unless the service says otherwise. */
  consumerConcurrency?: number;
}

/**
 * CONSUMER_CONCURRENCY of the transactional hops (scoring, routing): every partition a replica
 * holds at once (12: the most a replica has in the prod overlay). Their chunks that finish
 * together commit in one transaction, so at 2 a round of 6 partitions took three transactions
 * in turn and a record waited for them (measured at 1,000/s: scoring's hop p50 56–87 ms at 2,
 * 26–27 ms at 6).
 */
export const HOP_CONSUMER_CONCURRENCY = 12;

/** The settings every service reads (README: Configuration). */
export function serviceEnvSchema(defaults: ServiceDefaults) {
  return z.object({
    SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]*$/).default(defaults.name),
    KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
    MONGODB_URI: mongoUri.default(`mongodb://127.0.0.1:27017/hitl_${defaults.name}`),
    HTTP_HOST: z.string().default('0.0.0.0'),
    HTTP_PORT: port.default(defaults.httpPort),
    TOPIC_PREFIX: topicPrefix.default(''),
    CONSUMER_CONCURRENCY: positiveInt(64).default(defaults.consumerConcurrency ?? 2),
    CONSUMER_MAX_CHUNK: positiveInt(10_000).default(500),
    CONSUMER_SESSION_TIMEOUT_MS: positiveInt(1_800_000).default(30_000),
    CONSUMER_RETRY_MAX_ATTEMPTS: positiveInt(100).default(5),
    CONSUMER_RETRY_BACKOFF_MS: positiveInt(60_000).default(100),
    CONSUMER_RETRY_MAX_BACKOFF_MS: positiveInt(600_000).default(5_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(25_000),
    KAFKA_CONNECTION_TIMEOUT_MS: positiveInt(60_000).default(3_000),
    KAFKA_CLIENT: z.enum(['kafkajs', 'platformatic']).default(DEFAULT_KAFKA_CLIENT),
    LOG_LEVEL: logLevel.default('info'),
  });
}

export type ServiceConfig = z.output<ReturnType<typeof serviceEnvSchema>>;
