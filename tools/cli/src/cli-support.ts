import { createKafka, resolveOptions, type Kafka } from '@hitl/messaging';
import { brokerList, ConfigError, EXIT_CONFIG, readConfig, topicPrefix } from '@hitl/platform';
import { z } from 'zod';

const cliEnv = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  TOPIC_PREFIX: topicPrefix.default(''),
});

export type CliEnv = z.output<typeof cliEnv>;

/** Reads KAFKA_BROKERS / TOPIC_PREFIX; a wrong value ends the command naming the variable. */
export function cliSetup(name: string): { env: CliEnv; kafka: Kafka } {
  try {
    const env = readConfig(cliEnv);
    return { env, kafka: createKafka(resolveOptions({ brokers: env.KAFKA_BROKERS, clientId: `hitl/${name}`, connectionTimeoutMs: 10_000 })) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

export function fail(name: string, message: string): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(2);
}

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
