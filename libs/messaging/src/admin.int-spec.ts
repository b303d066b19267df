import { createTopics, produceRaw, testKafka, testTopicPrefix } from '@hitl/testing';
import { consumerLag } from './admin';

describe('consumerLag through the real broker', () => {
  it('counts what a group has not committed: all of it before, the rest after a commit', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}lag`;
    const groupId = `${topic}.group`;
    await createTopics(kafka, [topic], 2);
    await produceRaw(kafka, topic, [0, 0, 0, 1, 1].map((partition, i) => ({ key: `k${i}`, value: 'v', partition })));
    expect(await consumerLag(kafka, groupId, [topic])).toBe(5);

    const admin = kafka.admin();
    await admin.connect();
    try {
      // The group has consumed partition 0 up to offset 2 (two records) and nothing of partition 1.
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    } finally {
      await admin.disconnect();
    }
    expect(await consumerLag(kafka, groupId, [topic])).toBe(3);
  });
});
