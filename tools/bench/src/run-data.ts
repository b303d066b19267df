import { createKafka, resolveOptions } from '@hitl/messaging';
import { MongoClient } from 'mongodb';

/**
 * Removes what one bench or chaos run left behind: its topics (all share the run's prefix) and
 * its databases (named `<dbPrefix>…`). Every run has its own, so without this they pile up:
 * 5,837 partitions (8 GB) on this machine after two days of runs, and a broker killed in a chaos
 * run then took 87 s of log recovery to come back instead of ~10. `BENCH_KEEP=1` keeps them to
 * look into a run. Best effort: a failure is reported, not thrown (the figures are what matter).
 */
export async function removeRunData(brokers: string[], topicPrefix: string, mongoBase: string, dbPrefix: string): Promise<void> {
  if (process.env.BENCH_KEEP === '1') {
    process.stderr.write(`kept: topics ${topicPrefix}*, databases ${dbPrefix}* (BENCH_KEEP=1)\n`);
    return;
  }
  const admin = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-cleanup', connectionTimeoutMs: 10_000 })).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } catch (error) {
    process.stderr.write(`could not delete topics ${topicPrefix}*: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const client = new MongoClient(mongoBase, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) if (name.startsWith(dbPrefix)) await client.db(name).dropDatabase();
  } catch (error) {
    process.stderr.write(`could not drop databases ${dbPrefix}*: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await client.close().catch(() => undefined);
  }
}
