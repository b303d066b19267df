import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { MessagingLogger, ResolvedMessagingOptions } from './options';
import { clientFor } from './platformatic';

/**
 * kafkajs warns whenever an idempotent producer has bounded retries. We bound them on purpose:
 * a send must fail (and be retried by its caller, deduplicated downstream) rather than hang a
 * shutdown forever while the broker is away.
 */
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

function kafkaLogCreator(logger: MessagingLogger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...meta } = log;
      if (EXPECTED_WARNINGS.has(message)) return;
      if (level === logLevel.ERROR) logger.error(message, meta);
      else if (level === logLevel.WARN) logger.warn(message, meta);
      else if (level === logLevel.INFO) logger.debug(message, meta);
    };
}

/**
 * The one place a Kafka client is built: every app gets the same timeouts and logging. With
 * `client: 'platformatic'` (the default) the data path runs on @platformatic/kafka behind the
 * kafkajs surface the messaging classes use; admin requests stay on kafkajs.
 */
export function createKafka(options: ResolvedMessagingOptions): Kafka {
  return clientFor(createKafkajs(options), options);
}

function createKafkajs(options: ResolvedMessagingOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
  });
}
