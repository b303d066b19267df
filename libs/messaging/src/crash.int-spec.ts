import { dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { ChildService, createTopics, freshDatabaseUri, prediction, secureRandom, testBrokers, testKafka, waitFor, testTopicPrefix } from '@hitl/testing';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Kafka } from 'kafkajs';
import { resolveOptions } from './options';
import { EventPublisher } from './publisher';

const FIXTURE = resolve(__dirname, '../../../dist/libs/messaging/fixtures/dedupe-consumer.js');

describe('a consumer process that dies or is stopped', () => {
  let kafka: Kafka;
  let prefix: string;
  let publisher: EventPublisher;
  let mongoUri: string;
  let db: Connection;
  let groupId: string;
  const children: ChildService[] = [];

  beforeAll(() => {
    if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run "npm run build" first (npm test does)`);
  });

  beforeEach(async () => {
    prefix = testTopicPrefix();
    groupId = `g-${secureRandom()}`;
    kafka = testKafka();
    const topic = physicalTopic(Topics.PredictionSubmitted, prefix);
    await createTopics(kafka, [topic, dlqTopicOf(topic)], 2);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    mongoUri = freshDatabaseUri('crash');
    db = await mongoose.createConnection(mongoUri).asPromise();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
    await publisher.disconnect();
    await db.dropDatabase();
    await db.close();
  });

  function startFixture(env: Record<string, string> = {}): ChildService {
    const child = ChildService.start(FIXTURE, { KAFKA_BROKERS: testBrokers().join(','), MONGODB_URI: mongoUri, TOPIC_PREFIX: prefix, GROUP_ID: groupId, ...env });
    children.push(child);
    return child;
  }

  const countOf = async (collection: string, id: string, field: string) =>
    ((await db.collection<{ _id: string }>(collection).findOne({ _id: id })) as Record<string, number> | null)?.[field] ?? 0;

  it('SIGKILL after the effect but before the commit: the message comes again and the effect happens once', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'hitl-crash-')), 'crashed');
    const ids = ['k1', 'k2', 'k3', 'k4', 'k5'];
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id, { tags: id === 'k3' ? ['crash'] : [] }) })));

    const first = startFixture({ CRASH_MARKER: marker });
    await first.waitForExit(60_000);
    expect(first.signal).toBe('SIGKILL');
    expect(existsSync(marker)).toBe(true);
    expect(await countOf('effects', 'k3', 'applied')).toBe(1);

    startFixture({ CRASH_MARKER: marker });
    await waitFor(async () => (await db.collection('effects').countDocuments()) === ids.length, { timeoutMs: 60_000, description: 'all effects' });
    await waitFor(async () => (await countOf('deliveries', 'k3', 'count')) >= 2, { description: 'k3 redelivered' });
    for (const id of ids) expect(await countOf('effects', id, 'applied')).toBe(1);
  });

  it('SIGTERM during a burst: in-flight messages finish and are committed; nothing is lost or processed twice', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}`);
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionSubmitted, data: prediction(id) })));

    const first = startFixture({ HANDLER_DELAY_MS: '15' });
    await waitFor(async () => (await db.collection('deliveries').countDocuments()) >= 20, { timeoutMs: 60_000, description: 'the burst to be under way' });
    first.kill('SIGTERM');
    await first.waitForExit(30_000);
    expect(first.exitCode).toBe(0);
    expect(first.output).toContain('fixture stopped');
    const doneBeforeStop = await db.collection('effects').countDocuments();
    expect(doneBeforeStop).toBeLessThan(ids.length); // it really was interrupted mid-burst

    const second = startFixture();
    await second.waitForOutput('fixture consumer running');
    await waitFor(async () => (await db.collection('effects').countDocuments()) === ids.length, { timeoutMs: 60_000, description: 'every event applied' });
    const twice = await db.collection('deliveries').countDocuments({ count: { $ne: 1 } });
    expect(twice).toBe(0); // what the first process handled, it committed before leaving
    expect(await db.collection('effects').countDocuments({ applied: { $ne: 1 } })).toBe(0);
  });
});
