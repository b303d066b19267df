// npm run bench:auto -- [--count 20000] [--rate 0] [--batch 500]
// --rate 0 offers load as fast as the producer can (throughput at saturation); --rate N offers N
// predictions a second, evenly (latency below saturation).
// Pushes predictions through the real scoring and routing services on the auto path and prints
// throughput and submitted → finalized latency (p50/p95/p99), next to kafkajs' own produce →
// consume throughput on the same broker in the same run. Not a test: it asserts nothing.
import { ALL_TOPICS, decodeEvent, dlqTopicOf, physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { createKafka, createTopicsAndWait, ensureTopics, EventPublisher, resolveOptions, tailTopics } from '@hitl/messaging';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchBrokers as brokers, cpuSeconds, startService } from './service-process';
import { summarize } from '@hitl/platform';

type Prediction = EventOf<typeof Topics.PredictionSubmitted>;

function confidentRefund(id: string): Prediction {
  return {
    predictionId: id,
    producer: 'bench',
    modelVersion: 'bench-1',
    category: 'refund',
    recommendation: 'approve',
    probability: 0.99,
    value: 25,
    currency: 'USD',
    riskLevel: 'low',
    reasoning: 'Within the return window, positive history.',
    input: { orderId: `ORD-${id}`, reason: 'Arrived damaged' },
    signals: { trainingDataCoverage: 0.99, inputQuality: 1, edgeCaseIndicators: 0 },
    tags: [],
    submittedAt: new Date().toISOString(),
    round: 1,
  };
}

async function rawPassThrough(prefix: string, count: number): Promise<number> {
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-raw' }));
  const topic = `${prefix}raw`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: 6, replicationFactor: 1 }]);
  await admin.disconnect();
  const value = Buffer.alloc(1_000, 'x');
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const stop = await tailTopics(kafka, [topic], true, () => {
    if (++seen === count) done();
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  for (let i = 0; i < count; i += 1_000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1_000, count - i) }, (_, j) => ({ key: `k${i + j}`, value })) });
  }
  await all;
  const rate = count / ((Date.now() - started) / 1_000);
  await producer.disconnect();
  await stop();
  return rate;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' }, batch: { type: 'string', default: '500' }, rate: { type: 'string', default: '0' } } });
  const count = Number(values.count);
  const rate = Number(values.rate);
  // Paced runs send a small batch every 20 ms, so the offered load is even, not bursts.
  const batch = rate > 0 ? Math.max(1, Math.round(rate / 50)) : Number(values.batch);
  if (!(count > 0) || !(batch > 0) || !(rate >= 0)) throw new Error('--count and --batch must be positive, --rate >= 0');
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-${run}.`;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench' }));
  await ensureTopics(kafka, { partitions: 6, replicationFactor: 1, prefix });
  process.stderr.write(`bench ${run}: ${count} predictions ${rate > 0 ? `offered at ${rate}/s` : 'as fast as possible'}, topics ${prefix}*\n`);

  const raw = await rawPassThrough(prefix, count);
  const services = [await startService('scoring', prefix, run), await startService('routing', prefix, run)];

  const latencies: number[] = [];
  let last = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const finalized = physicalTopic(Topics.DecisionFinalized, prefix);
  const scoredTopic = physicalTopic(Topics.PredictionScored, prefix);
  let scored = 0;
  let lastScored = 0;
  const stopTail = await tailTopics(kafka, [finalized, scoredTopic, dlqTopicOf(physicalTopic(Topics.PredictionSubmitted, prefix))], true, (record) => {
    if (record.topic === scoredTopic) {
      scored++;
      lastScored = Date.now();
      return;
    }
    if (record.topic !== finalized) throw new Error(`dead letter during the bench: ${record.headers.dlq_error}`);
    const event = decodeEvent(Topics.DecisionFinalized, { key: record.key, value: record.value, headers: record.headers }).data;
    latencies.push(Date.now() - Date.parse(event.finalizedAt) + event.latencyMs);
    last = Date.now();
    if (latencies.length === count) done();
  });

  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-producer', topicPrefix: prefix }));
  await publisher.connect();
  const started = Date.now();
  for (let i = 0; i < count; i += batch) {
    await publisher.publishAll(Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ topic: Topics.PredictionSubmitted, data: confidentRefund(`b${run}-${i + j}`) })));
    if (rate > 0) {
      const wait = started + ((i + batch) / rate) * 1_000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // pacing the offered load
    }
  }
  const published = Date.now();
  await all;
  const seconds = (last - started) / 1_000;
  const summary = summarize(latencies);

  const cpu = await Promise.all(services.map((s) => cpuSeconds(s.pid!)));
  for (const s of services) s.kill('SIGTERM');
  await stopTail();
  await publisher.disconnect();

  const rows = [
    ['kafkajs raw produce→consume (1 KB, same broker)', `${Math.round(raw).toLocaleString('en')}/s`],
    ['auto path: predictions decided', `${count.toLocaleString('en')}`],
    ['offered load', rate > 0 ? `${rate.toLocaleString('en')}/s` : 'as fast as possible'],
    ['auto path: publish rate (bench producer)', `${Math.round(count / ((published - started) / 1_000)).toLocaleString('en')}/s`],
    ['scoring alone: submitted → scored', `${Math.round(scored / ((lastScored - started) / 1_000)).toLocaleString('en')}/s`],
    ['auto path: throughput submitted → finalized', `${Math.round(count / seconds).toLocaleString('en')}/s`],
    ['auto path / raw', `${((count / seconds / raw) * 100).toFixed(1)} %`],
    ['latency p50 / p95 / p99 / max', `${summary.p50} / ${summary.p95} / ${summary.p99} / ${summary.max} ms`],
    ['CPU seconds per 1,000 decisions: scoring / routing', `${((cpu[0] / count) * 1_000).toFixed(2)} / ${((cpu[1] / count) * 1_000).toFixed(2)}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\nAuto path benchmark (${ALL_TOPICS.length} topics x 6 partitions, one broker, 2 cores)\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
