import { execFileSync } from 'node:child_process';

// Which partition a case key lands on must not depend on the client that wrote it: a case's
// events are ordered only within one partition. No broker needed: both partitioners are pure.
// @platformatic/kafka is ESM only, which this jest setup (CommonJS) cannot load: the comparison
// runs in a child Node process and prints its counts.
const COMPARE = `
import { createRequire } from 'node:module';
import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
const { Partitioners } = createRequire(process.cwd() + '/package.json')('kafkajs');
const partitions = 6;
const kafkajs = Partitioners.DefaultPartitioner();
const metadata = { topic: 'review.requested', partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 })) };
const keys = Array.from({ length: 10000 }, (_, i) => Buffer.from('case-' + i));
const differing = (partitioner) => keys.filter((key) => partitioner(undefined, key) % partitions !== kafkajs({ ...metadata, message: { key } })).length;
process.stdout.write(JSON.stringify({ keys: keys.length, compatibility: differing(compatibilityPartitioner), default: differing(defaultPartitioner) }));
`;

describe('the two Kafka clients put a case key on the same partition', () => {
  const counts = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', COMPARE], { encoding: 'utf8' })) as { keys: number; compatibility: number; default: number };

  it("with @platformatic/kafka's compatibility partitioner (the one libs/messaging/src/clients.ts uses): all 10,000 keys on the kafkajs partition", () => {
    expect(counts).toMatchObject({ keys: 10_000, compatibility: 0 });
  });

  it('not with its default partitioner (murmur2 unsigned, not sign-masked): about half the keys move', () => {
    expect(counts.default).toBe(5_035);
  });
});
