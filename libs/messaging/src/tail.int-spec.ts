import { createTopics, produceRaw, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';
import { tailTopics, type TailRecord } from './tail';

describe('tailTopics through the real broker', () => {
  it('from the end: sees every record produced after it resolves and none from before', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}tail`;
    await createTopics(kafka, [topic], 3);
    await produceRaw(kafka, topic, [0, 1, 2].map((p) => ({ key: `before-${p}`, value: 'old', partition: p })));

    const seen: TailRecord[] = [];
    const stop = await tailTopics(kafka, [topic], false, (record) => seen.push(record));
    try {
      // Produced right away: kafkajs's own "latest" would race with the group's assignment here.
      await produceRaw(kafka, topic, [0, 1, 2].map((p) => ({ key: `after-${p}`, value: 'new', partition: p })));
      await waitFor(() => seen.length >= 3, { timeoutMs: 30_000, description: 'the three records produced after tailing started' });
      expect(seen.map((r) => r.key).sort()).toEqual(['after-0', 'after-1', 'after-2']);
    } finally {
      await stop();
    }
  });

  it('from the beginning: sees what was already there', async () => {
    const kafka = testKafka();
    const topic = `${testTopicPrefix()}tail`;
    await createTopics(kafka, [topic], 1);
    await produceRaw(kafka, topic, [{ key: 'old', value: 'x' }]);
    const seen: TailRecord[] = [];
    const stop = await tailTopics(kafka, [topic], true, (record) => seen.push(record));
    try {
      await waitFor(() => seen.length >= 1, { timeoutMs: 30_000, description: 'the record produced before tailing' });
      expect(seen[0]).toMatchObject({ key: 'old', partition: 0, offset: '0' });
      expect(seen[0].value?.toString()).toBe('x');
    } finally {
      await stop();
    }
  });
});
