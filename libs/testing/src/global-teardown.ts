import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { testBrokers, testMongoBaseUri } from './infra';

/**
 * Removes what this run created (topics `test-<run>-*`, databases `test_<run>_*`) so a
 * developer's long-lived local stack does not fill up with test data, then stops the
 * containers global-setup started, if any.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.HITL_TEST_RUN;
  if (run) {
    await Promise.all([deleteTopics(`test-${run}-`), dropDatabases(`test_${run}_`)]).catch((error: unknown) =>
      process.stderr.write(`test cleanup incomplete: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  }
  await globalThis.__hitlContainers?.stop();
  globalThis.__hitlContainers = undefined;
}

async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-teardown', brokers: testBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabases(prefix: string): Promise<void> {
  const connection = await mongoose.createConnection(testMongoBaseUri(), { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    const { databases } = await connection.db!.admin().listDatabases();
    for (const { name } of databases.filter((d) => d.name.startsWith(prefix))) {
      await connection.useDb(name, { useCache: false }).dropDatabase();
    }
  } finally {
    await connection.close();
  }
}
