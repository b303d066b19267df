import { ALL_TOPICS, dlqTopicOf, DlqHeaders, exampleOf, physicalTopic, Topics, topology, type TopicName } from '@hitl/contracts';
import { adversarialRecords, type AdversarialRecord } from '@hitl/contracts/testing';
import { consumerLag, EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, produceRaw, RunningService, SERVICES, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Every consumer of the platform fed adversarial records (libs/contracts/src/testing/adversarial.ts:
 * garbage and invalid UTF-8, wrong types, missing fields, oversized values, unknown versions,
 * foreign types, missing and forged headers, missing and wrong keys, exact duplicates) while
 * valid predictions, each sent twice, flow through. Then: every bad record is in its topic's DLQ
 * once per consumer group that read it, with the code it deserves; every prediction has exactly
 * one final decision; every group's lag is zero; every service is alive and ready.
 * FUZZ_EVENTS per topic: 1,000 in npm test; npm run fuzz sends 10,000 and writes the figures.
 */
const PER_TOPIC = Number(process.env.FUZZ_EVENTS ?? 1000);
const VALID = 40;
const CONSUMED = ALL_TOPICS.filter((t) => topology[t].consumedBy.length > 0);

describe(`fuzzing every consumer: ${PER_TOPIC} adversarial records per topic`, () => {
  const prefix = testTopicPrefix();
  const topic = (name: TopicName) => physicalTopic(name, prefix);
  const services: Record<string, RunningService> = {};
  const run = randomBytes(3).toString('hex');
  const sent = new Map<TopicName, (AdversarialRecord & { id: string })[]>();
  let dlq: TopicCollector;
  let finalized: TopicCollector;
  let publisher: EventPublisher;
  const started = Date.now();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((t) => [topic(t), dlqTopicOf(topic(t))]), 3);
    const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix };
    for (const name of SERVICES) services[name] = RunningService.start(name, { ...env, MONGODB_URI: freshDatabaseUri(`fuzz_${name}`) });
    await Promise.all(Object.values(services).map((s) => s.waitUntilListening()));
    await Promise.all(Object.values(services).map((s) => s.waitUntilReady()));
    dlq = await TopicCollector.start(kafka, CONSUMED.map((t) => dlqTopicOf(topic(t))));
    finalized = await TopicCollector.start(kafka, [topic(Topics.DecisionFinalized)]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/fuzz', topicPrefix: prefix }));
    await publisher.connect();
  }, 120_000);

  afterAll(async () => {
    await publisher?.disconnect();
    await dlq?.stop();
    await finalized?.stop();
    await Promise.all(Object.values(services).map((s) => s.process.stop()));
  });

  /** A refund confident enough to be decided by the AI alone. */
  const prediction = (id: string) => ({
    ...exampleOf(Topics.PredictionSubmitted),
    predictionId: id,
    category: 'refund',
    value: 40,
    riskLevel: 'low' as const,
    tags: [],
    submittedAt: new Date().toISOString(),
    signals: { modelConfidence: 0.99, trainingDataCoverage: 0.99, inputQuality: 1, edgeCaseIndicators: 0.05 },
  });

  it('sends the adversarial records of every consumed topic, and valid predictions twice each among them', async () => {
    const kafka = testKafka();
    const ids = Array.from({ length: VALID }, (_, i) => `fuzz-${run}-${i}`);
    const t0 = Date.now();
    for (const [n, name] of CONSUMED.entries()) {
      const records = adversarialRecords(name, PER_TOPIC, 1_000 + n).map((r, i) => ({ ...r, id: r.kind.endsWith('(duplicate)') ? '' : `${name}#${i}` }));
      // A duplicate is the same record again: it carries the id of the one it copies.
      records.forEach((r, i) => (r.id ||= records[i - 5].id));
      sent.set(name, records);
      for (let i = 0; i < records.length; i += 200) {
        const chunk = records.slice(i, i + 200);
        await produceRaw(kafka, topic(name), chunk.map((r) => ({ key: r.record.key, value: r.record.value, headers: { ...r.record.headers, fuzz_id: r.id } })));
        // Valid traffic in between: each prediction twice with one CloudEvents id, half of them as plain JSON.
        if (name === Topics.PredictionSubmitted && i === 0) {
          for (const [k, id] of ids.entries()) {
            if (k % 2 === 0) {
              await publisher.publish(Topics.PredictionSubmitted, prediction(id), { id: `ce-${id}` });
              await publisher.publish(Topics.PredictionSubmitted, prediction(id), { id: `ce-${id}` });
            } else {
              const plain = { key: id, value: JSON.stringify(prediction(id)) };
              await produceRaw(kafka, topic(Topics.PredictionSubmitted), [plain, plain]);
            }
          }
        }
      }
    }
    timings.sendSeconds = (Date.now() - t0) / 1_000;
    expect([...sent.values()].reduce((a, r) => a + r.length, 0)).toBe(PER_TOPIC * CONSUMED.length);
  }, 600_000);

  it('every bad record is in its DLQ once per group that read it, with the code it deserves', async () => {
    expect(sent.size).toBe(CONSUMED.length); // (the sending test passed)
    const t0 = Date.now();
    const expectedRecords = CONSUMED.reduce((a, name) => a + PER_TOPIC * topology[name].consumedBy.length, 0);
    const dead = () => CONSUMED.reduce((a, name) => a + dlq.on(dlqTopicOf(topic(name))).length, 0);
    await waitFor(() => dead() >= expectedRecords, { timeoutMs: Math.max(120_000, PER_TOPIC * 200), intervalMs: 500, description: `${expectedRecords} dead letters (have ${dead()})` });
    timings.deadLetterSeconds = (Date.now() - t0) / 1_000;
    timings.deadLetters = dead();
    for (const name of CONSUMED) {
      const records = sent.get(name)!;
      const codeOf = new Map(records.map((r) => [r.id, r.code]));
      const byGroup = new Map<string, string[]>();
      for (const m of dlq.on(dlqTopicOf(topic(name)))) {
        const group = m.headers[DlqHeaders.consumerGroup];
        byGroup.set(group, [...(byGroup.get(group) ?? []), m.headers.fuzz_id]);
        // The reason is there, and it is the right one.
        expect({ topic: name, id: m.headers.fuzz_id, code: m.headers[DlqHeaders.errorCode] }).toEqual({ topic: name, id: m.headers.fuzz_id, code: codeOf.get(m.headers.fuzz_id) });
        expect(m.headers[DlqHeaders.error]?.length).toBeGreaterThan(0);
      }
      // One group per consuming service of the topic (routing's and scoring's have their own names).
      expect({ topic: name, groups: byGroup.size }).toEqual({ topic: name, groups: topology[name].consumedBy.length });
      const all = records.map((r) => r.id).sort();
      for (const [group, ids] of byGroup) expect({ topic: name, group, ids: ids.sort() }).toEqual({ topic: name, group, ids: all });
    }
  }, 1_800_000);

  it('every valid prediction, sent twice among them, has exactly one final decision', async () => {
    expect(sent.size).toBe(CONSUMED.length);
    const ids = Array.from({ length: VALID }, (_, i) => `fuzz-${run}-${i}`);
    const finals = () => new Map(ids.map((id) => [id, finalized.on(topic(Topics.DecisionFinalized)).filter((m) => m.key === id).length]));
    await waitFor(() => [...finals().values()].every((n) => n >= 1), { timeoutMs: 120_000, description: 'a decision for every prediction' });
    // Every group has read everything (below): a second decision would be there by now.
    await waitFor(async () => (await lags()).every((l) => l.lag === 0), { timeoutMs: 120_000, intervalMs: 500, description: 'every consumer group at the end of its topics' });
    expect([...finals().entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 300_000);

  /** The lag of every group that dead-lettered something: all the platform's consumers. */
  async function lags(): Promise<{ group: string; lag: number }[]> {
    const groups = new Map<string, string[]>();
    for (const name of CONSUMED) {
      for (const m of dlq.on(dlqTopicOf(topic(name)))) {
        const group = m.headers[DlqHeaders.consumerGroup];
        groups.set(group, [...new Set([...(groups.get(group) ?? []), topic(name)])]);
      }
    }
    return Promise.all([...groups].map(async ([group, topics]) => ({ group, lag: await consumerLag(testKafka(), group, topics) })));
  }

  it('no partition is stuck, no service crashed, none logged an unhandled rejection; the figures are written', async () => {
    const final = await lags();
    // hitl.scoring, hitl.scoring.learning, routing's three (one per input), escalation, feedback, review's two (decision.finalized apart).
    expect(final.map((l) => l.group.slice(prefix.length)).sort()).toEqual(['hitl.escalation', 'hitl.feedback', 'hitl.review', 'hitl.review.finalized', 'hitl.routing.escalation.fired', 'hitl.routing.prediction.scored', 'hitl.routing.review.decided', 'hitl.scoring', 'hitl.scoring.learning']);
    expect(final.filter((l) => l.lag !== 0)).toEqual([]);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, running: service.process.running }).toEqual({ name, running: true });
      expect({ name, ready: (await service.get('/health/ready')).status }).toEqual({ name, ready: 200 });
      expect({ name, unhandled: /unhandled ?rejection|uncaught ?exception/i.test(service.process.output) }).toEqual({ name, unhandled: false });
    }
    const kinds: Record<string, number> = {};
    for (const records of sent.values()) {
      for (const r of records) {
        const kind = r.kind.replace(/^ce_\w+ /, 'a CloudEvents header ');
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
    }
    const results = { date: new Date().toISOString(), perTopic: PER_TOPIC, topics: CONSUMED, groups: final.length, validPredictions: VALID, ...timings, totalSeconds: (Date.now() - started) / 1_000, kinds };
    const dir = join(__dirname, '..', 'tmp', 'fuzz');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `fuzz-${PER_TOPIC}.json`), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`fuzz: ${PER_TOPIC} records x ${CONSUMED.length} topics, ${timings.deadLetters} dead letters in ${timings.deadLetterSeconds} s, ${final.length} groups at lag 0, ${VALID} predictions decided once\n`);
  });
});
