import { ALL_TOPICS, decodeEvent, dlqTopicOf, physicalTopic, TOPIC_CONFIG, Topics } from '@hitl/contracts';
import { ConfigResourceTypes } from 'kafkajs';
import { ChildService, distEntry, testBrokers, testKafka, TopicCollector, testTopicPrefix } from '@hitl/testing';

const env = (prefix: string, extra: Record<string, string> = {}) => ({ KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, ...extra });

async function run(script: string, environment: Record<string, string>, args: string[] = []): Promise<ChildService> {
  const child = ChildService.start(distEntry(script), environment, args);
  await child.waitForExit(60_000);
  if (child.exitCode !== 0) process.stderr.write(`${script} exited ${child.exitCode}:\n${child.output}\n`);
  return child;
}

describe('npm run topics', () => {
  it('creates every topic and its .dlq with the configured partitions, and is idempotent', async () => {
    const prefix = testTopicPrefix();
    const first = await run('tools/cli/src/topics.js', env(prefix, { KAFKA_TOPIC_PARTITIONS: '3' }));
    expect(first.exitCode).toBe(0);
    expect(first.output).toContain(`topics ready: ${ALL_TOPICS.length * 2} created, 0 already there`);

    const admin = testKafka().admin();
    await admin.connect();
    try {
      const expected = ALL_TOPICS.flatMap((t) => [physicalTopic(t, prefix), dlqTopicOf(physicalTopic(t, prefix))]);
      const metadata = await admin.fetchTopicMetadata({ topics: expected });
      expect(metadata.topics.map((t) => t.name).sort()).toEqual(expected.sort());
      expect(new Set(metadata.topics.map((t) => t.partitions.length))).toEqual(new Set([3]));
      // Every topic with the platform's settings (large events in one batch: TOPIC_CONFIG).
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: expected.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: Object.keys(TOPIC_CONFIG) })) });
      for (const r of resources) expect({ topic: r.resourceName, settings: Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])) }).toEqual({ topic: r.resourceName, settings: TOPIC_CONFIG });
      // A topic someone set otherwise is reported, and left alone.
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: physicalTopic(ALL_TOPICS[0], prefix), configEntries: [{ name: 'max.message.bytes', value: '1048588' }] }] });
    } finally {
      await admin.disconnect();
    }

    const second = await run('tools/cli/src/topics.js', env(prefix, { KAFKA_TOPIC_PARTITIONS: '3' }));
    expect(second.exitCode).toBe(0);
    expect(second.output).toContain(`topics ready: 0 created, ${ALL_TOPICS.length * 2} already there`);
    expect(second.output).toContain(`warning  ${physicalTopic(ALL_TOPICS[0], prefix)} has max.message.bytes=1048588, configured ${TOPIC_CONFIG['max.message.bytes']} (not changed`);
  });

  it.each([
    ['KAFKA_TOPIC_PARTITIONS', '-3'],
    ['KAFKA_REPLICATION_FACTOR', 'three'],
    ['KAFKA_BROKERS', 'nohost'],
  ])('stops on %s=%s naming the variable', async (variable, value) => {
    const child = await run('tools/cli/src/topics.js', env('x.', { [variable]: value }));
    expect(child.exitCode).toBe(78);
    expect(child.output).toContain(`Invalid configuration: ${variable}:`);
  });
});

describe('npm run demo and npm run tail', () => {
  it('publishes valid, varied predictions that tail shows as readable lines', async () => {
    const prefix = testTopicPrefix();
    expect((await run('tools/cli/src/topics.js', env(prefix))).exitCode).toBe(0);

    const demo = await run('tools/cli/src/demo.js', env(prefix), ['--count', '60', '--rate', '0', '--seed', '42', '--no-follow']);
    expect(demo.exitCode).toBe(0);
    expect(demo.output).toContain('published 60 predictions (seed 42');

    const collector = await TopicCollector.start(testKafka(), [physicalTopic(Topics.PredictionSubmitted, prefix)]);
    try {
      const messages = await collector.waitForCount(physicalTopic(Topics.PredictionSubmitted, prefix), 60);
      const events = messages.map((m) => decodeEvent(Topics.PredictionSubmitted, { key: m.key, value: m.value, headers: m.headers }).data);
      expect(new Set(events.map((e) => e.predictionId)).size).toBe(60);
      expect(new Set(events.map((e) => e.category)).size).toBeGreaterThanOrEqual(5);
    } finally {
      await collector.stop();
    }

    const tail = ChildService.start(distEntry('tools/cli/src/tail.js'), env(prefix), [Topics.PredictionSubmitted, '--from-beginning', '--dlq']);
    try {
      const lines = await tail.waitForLines(/^\d\d:\d\d:\d\d\.\d{3} prediction\.submitted\[\d+@\d+\] demo-[a-z0-9]+-[a-z0-9]+-\d{6} category=\w+ recommendation=\w+ probability=0\.\d{1,3}/, 60);
      expect(lines).toHaveLength(60);
    } finally {
      tail.kill('SIGTERM');
      await tail.waitForExit(20_000);
    }
    expect(tail.exitCode).toBe(0);
  });

  it('rejects an unknown topic by name', async () => {
    const tail = await run('tools/cli/src/tail.js', env('x.'), ['predictions.submited']);
    expect(tail.exitCode).toBe(2);
    expect(tail.output).toContain('unknown topic(s) predictions.submited');
  });
});
