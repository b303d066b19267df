import { dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { ChildService, createTopics, prediction, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveOptions } from './options';
import { EventPublisher } from './publisher';

const FIXTURE = resolve(__dirname, '../../../dist/libs/messaging/fixtures/stalling-transformer.js');

// A zombie: a transformer that stalls past its session timeout loses its partition to another
// member, which reads the input again from the committed offset and commits its own output.
// When the zombie wakes it commits the same chunk's transaction. With the group's generation in
// that commit (KIP-447), the broker refuses it and the output exists once; kafkajs's
// TxnOffsetCommit (v0/v1) carries no generation, so its zombie's commit lands and the output
// exists twice (same CloudEvents id, which consumers dedupe; a read_committed count sees two).
// Runs on the client the suite runs on (KAFKA_CLIENT) and states what that client does.
describe('a transformer that stalls past its session timeout (a zombie)', () => {
  const client = resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test' }).client;
  const children: ChildService[] = [];

  beforeAll(() => {
    if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run "npm run build" first (npm test does)`);
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });

  const expected = client === 'platformatic' ? 'once: the zombie is fenced by the group generation' : 'twice: kafkajs cannot fence a zombie (no KIP-447)';
  it(`on ${client}, its chunk's output is committed ${expected}`, async () => {
    const prefix = testTopicPrefix();
    const kafka = testKafka();
    const input = physicalTopic(Topics.PredictionSubmitted, prefix);
    const output = physicalTopic(Topics.PredictionScored, prefix);
    await createTopics(kafka, [input, dlqTopicOf(input), output], 1);
    const publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    const collector = await TopicCollector.start(kafka, [output]);
    const marker = join(mkdtempSync(join(tmpdir(), 'zombie-')), 'stalled');
    const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, GROUP_ID: `zombie-${secureRandom()}`, STALL_MARKER: marker, STALL_MS: '14000' };
    try {
      const zombie = ChildService.start(FIXTURE, env);
      children.push(zombie);
      await zombie.waitForOutput('fixture transformer running');
      await publisher.publish(Topics.PredictionSubmitted, prediction('warm-up'));
      await collector.waitForCount(output, 1);

      await publisher.publish(Topics.PredictionSubmitted, { ...prediction('stalled'), tags: ['stall'] });
      await waitFor(() => existsSync(marker), { description: 'the first transformer stalled on its chunk' });
      const successor = ChildService.start(FIXTURE, env);
      children.push(successor);
      // The successor takes the partition once the stalled member's session ran out, and commits the chunk.
      await collector.waitForCount(output, 2, 40_000);
      await zombie.waitForOutput('fixture stall over', 30_000);
      // The zombie wakes, tries to commit its chunk and rejoins the group (kafkajs rejoins only
      // once the batch, its commit included, is done): two members again. A record published
      // then is read only after every transaction before it in the output ended (the last
      // stable offset waits for them).
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitFor(
          async () => {
            const [group] = (await admin.describeGroups([env.GROUP_ID])).groups;
            return group.state === 'Stable' && group.members.length === 2;
          },
          { timeoutMs: 60_000, description: 'the zombie back in the group' },
        );
      } finally {
        await admin.disconnect();
      }
      await publisher.publish(Topics.PredictionSubmitted, prediction('after'));
      await waitFor(() => collector.on(output).some((m) => m.key === 'after'), { timeoutMs: 60_000, description: 'the record published after the stall' });
      const stalled = collector.on(output).filter((m) => m.key === 'stalled');
      expect(stalled).toHaveLength(client === 'platformatic' ? 1 : 2);
    } finally {
      await collector.stop();
      await publisher.disconnect();
    }
  });
});
