// npm run topics: creates every topic and its .dlq (idempotent). Settings: KAFKA_BROKERS,
// TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS (default 6), KAFKA_REPLICATION_FACTOR (default 1).
import { createKafka, ensureTopics, resolveOptions } from '@hitl/messaging';
import { ConfigError, EXIT_CONFIG, readConfig, topicsEnvSchema } from '@hitl/platform';

async function main(): Promise<number> {
  let config;
  try {
    config = readConfig(topicsEnvSchema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`topics: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  const kafka = createKafka(resolveOptions({ brokers: config.KAFKA_BROKERS, clientId: 'hitl/topics', connectionTimeoutMs: 10_000 }));
  const report = await ensureTopics(kafka, {
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    prefix: config.TOPIC_PREFIX,
  });
  for (const topic of report.created) process.stdout.write(`created  ${topic}\n`);
  for (const topic of report.existing) process.stdout.write(`exists   ${topic}\n`);
  for (const m of report.mismatched) {
    process.stdout.write(`warning  ${m.topic} has ${m.partitions} partitions, configured ${m.expected} (not changed)\n`);
  }
  for (const d of report.settings) {
    process.stdout.write(`warning  ${d.topic} has ${d.name}=${d.value}, configured ${d.expected} (not changed; kafka-configs.sh --alter --entity-type topics --entity-name ${d.topic} --add-config ${d.name}=${d.expected})\n`);
  }
  process.stdout.write(`topics ready: ${report.created.length} created, ${report.existing.length} already there\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`topics: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
