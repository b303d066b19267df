import { DEFAULT_RETRY, type RetryPolicy } from './backoff';

export interface MessagingLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/**
 * What the messaging core reports for metrics (the service's registry implements it; by default
 * nothing is recorded). Topics are physical names; counts are messages.
 */
export interface MessagingMetrics {
  /** Messages a handler finished (ok) or gave up on (ok false: dead-lettered), and how long the call took. */
  handled(topic: string, count: number, seconds: number, ok: boolean): void;
  /** Extra attempts a handler needed. */
  retried(topic: string, count: number): void;
  /** Messages sent to `<topic>.dlq`, by the code of why (their `dlq_error_code` header). */
  deadLettered(topic: string, count: number, code: string): void;
  produced(topic: string, count: number): void;
  /** Messages of the partition not yet consumed by this group, as of the last batch (kafkajs' offsetLag). */
  lag(topic: string, partition: number, lag: number): void;
}

export const noMetrics: MessagingMetrics = {
  handled: () => undefined,
  retried: () => undefined,
  deadLettered: () => undefined,
  produced: () => undefined,
  lag: () => undefined,
};

export interface MessagingOptions {
  brokers: string[];
  /** Kafka client id and CloudEvents `source` (e.g. "hitl/scoring"). */
  clientId: string;
  /** Optional deployment prefix prepended to every topic name (e.g. "staging."). */
  topicPrefix?: string;
  retry?: Partial<RetryPolicy>;
  /** How long a graceful shutdown may take before the consumer is torn down. */
  shutdownTimeoutMs?: number;
  logger?: MessagingLogger;
  /** kafkajs connection timeout; tests on a loaded two-core machine need more than the 1 s default. */
  connectionTimeoutMs?: number;
  metrics?: MessagingMetrics;
  /**
   * The Kafka client of the data path (producers, transactions, group consumers):
   * @platformatic/kafka (platformatic.ts; the default: it fences zombie transformers, KIP-447)
   * or kafkajs. Admin requests and tools use kafkajs.
   */
  client?: KafkaClientName;
}

export type KafkaClientName = 'kafkajs' | 'platformatic';

export interface ResolvedMessagingOptions extends Required<Omit<MessagingOptions, 'retry' | 'topicPrefix'>> {
  retry: RetryPolicy;
  topicPrefix: string;
}

export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function consoleLogger(name: string): MessagingLogger {
  const line = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level, name, message, ...meta })}\n`);
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}

export function resolveOptions(options: MessagingOptions): ResolvedMessagingOptions {
  return {
    brokers: options.brokers,
    clientId: options.clientId,
    topicPrefix: options.topicPrefix ?? '',
    retry: { ...DEFAULT_RETRY, ...options.retry },
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 25_000,
    logger: options.logger ?? silentLogger,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    metrics: options.metrics ?? noMetrics,
    client: options.client ?? clientFromEnv(),
  };
}

/**
 * The client when none is given: KAFKA_CLIENT (how the test command runs the data path on the
 * other client too), else @platformatic/kafka. Services validate it in their config as well.
 */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'platformatic';

function clientFromEnv(): KafkaClientName {
  const value = process.env.KAFKA_CLIENT;
  if (value === undefined || value === '') return DEFAULT_KAFKA_CLIENT;
  if (value === 'kafkajs' || value === 'platformatic') return value;
  throw new Error(`KAFKA_CLIENT must be kafkajs or platformatic, not ${JSON.stringify(value)}`);
}
