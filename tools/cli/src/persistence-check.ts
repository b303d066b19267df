// Used by scripts/check-persistence.sh around a kill -9 of the local stack:
//   persistence-check write <id>   creates topic persist-<id> (3 partitions) with one record,
//                                  and a document in database test_persist_<id>
//   persistence-check verify <id>  checks both are still there, then removes them
import { createTopicsAndWait } from '@hitl/messaging';
import { withDatabase } from '@hitl/platform';
import mongoose from 'mongoose';
import { cliSetup, fail, runMain } from './cli-support';

runMain('persistence-check', async () => {
  const [mode, id] = process.argv.slice(2);
  if (!['write', 'verify'].includes(mode) || !/^[a-z0-9]+$/.test(id ?? '')) fail('persistence-check', 'usage: persistence-check write|verify <id>');
  const { kafka } = cliSetup('persistence-check');
  const topic = `persist-${id}`;
  const mongoUri = withDatabase(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017', `test_persist_${id}`);
  const db = await mongoose.createConnection(mongoUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (mode === 'write') {
      await createTopicsAndWait(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: id, value: 'survives kill -9' }] });
      await producer.disconnect();
      await db.collection<{ _id: string; note: string }>('cases').insertOne({ _id: id, note: 'survives kill -9' });
      process.stdout.write(`wrote topic ${topic} and document ${id}\n`);
      return;
    }
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const offsets = await admin.fetchTopicOffsets(topic);
    const records = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    const doc = await db.collection<{ _id: string; note: string }>('cases').findOne({ _id: id });
    if (metadata?.partitions.length !== 3 || records !== 1 || doc?.note !== 'survives kill -9') {
      fail('persistence-check', `lost data: partitions=${metadata?.partitions.length} records=${records} document=${JSON.stringify(doc)}`);
    }
    await admin.deleteTopics({ topics: [topic] });
    await db.dropDatabase();
    process.stdout.write(`topic ${topic} (3 partitions, 1 record) and document ${id} survived kill -9\n`);
  } finally {
    await admin.disconnect();
    await db.close();
  }
});
