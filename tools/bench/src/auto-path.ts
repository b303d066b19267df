// npm run bench:auto -- [--count 20000] [--rate 0] [--batch 500] [--partitions 6] [--chunk 500] [--client kafkajs|platformatic] [--json file]
// --rate 0 offers load as fast as the producer can (throughput at saturation); --rate N offers N
// predictions a second, evenly (latency below saturation). --partitions: of every topic;
// --chunk: CONSUMER_MAX_CHUNK of scoring and routing (records per transaction and partition).
// --client: the Kafka client of scoring and routing (KAFKA_CLIENT); the load generator and the
// tail stay on kafkajs, so the two runs differ in the services alone.
// Pushes predictions through the real scoring and routing services on the auto path and prints
// throughput and submitted → finalized latency (p50/p95/p99), next to kafkajs' own produce →
// consume throughput on the same broker in the same run. Not a test: it asserts nothing.
import { ALL_TOPICS, decodeEvent, dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { createKafka, createTopicsAndWait, ensureTopics, EventPublisher, resolveOptions, tailTopics, type KafkaClientName } from '@hitl/messaging';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchRefund } from './predictions';
import { runWhenMain, writeResults } from './results';
import { removeRunData } from './run-data';
import { benchBrokers as brokers, benchMongoBase, cpuSeconds, infrastructureCpu, startService } from './service-process';
import { summarize } from '@hitl/platform';


async function rawPassThrough(prefix: string, count: number, partitions: number): Promise<number> {
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-raw', client: 'kafkajs' }));
  const topic = `${prefix}raw`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
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

export interface AutoPathOptions {
  count: number;
  /** Predictions offered a second; 0: as fast as the producer can. */
  rate: number;
  /** Predictions per publish when unpaced. */
  batch?: number;
  partitions?: number;
  /** CONSUMER_MAX_CHUNK of scoring and routing. */
  chunk?: number;
  /** Also measure kafkajs' raw produce → consume on the same broker first. */
  raw?: boolean;
  /** The Kafka client of scoring and routing; default KAFKA_CLIENT, else kafkajs. */
  client?: KafkaClientName;
}

export interface AutoPathResult {
  options: Required<Omit<AutoPathOptions, 'raw'>>;
  decided: number;
  publishRate: number;
  scoredRate: number;
  /** Decisions a second, first publish → last decision. */
  throughput: number;
  rawRate?: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The first hop alone: published → prediction.scored readable (read_committed) by the bench (absent in results before 2026-12-03). */
  scoredLatencyMs?: { p50: number; p95: number; p99: number; max: number };
  /** CPU seconds per 1,000 decisions; broker and FerretDB when this machine runs them. */
  cpuPer1000: { scoring: number; routing: number; broker?: number; ferretdb?: number; total: number };
}

export async function runAutoPath(options: AutoPathOptions): Promise<AutoPathResult> {
  const { count, rate } = options;
  const partitions = options.partitions ?? 6;
  const chunk = options.chunk ?? 500;
  // Paced runs send a small batch every 20 ms, so the offered load is even, not bursts.
  const batch = rate > 0 ? Math.max(1, Math.round(rate / 50)) : (options.batch ?? 500);
  if (!(count > 0) || !(batch > 0) || !(rate >= 0) || !(partitions > 0) || !(chunk > 0)) throw new Error('--count, --batch, --partitions and --chunk must be positive, --rate >= 0');
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-${run}.`;
  const client = options.client ?? resolveOptions({ brokers, clientId: 'hitl/bench' }).client;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench', client: 'kafkajs' }));
  await ensureTopics(kafka, { partitions, replicationFactor: 1, prefix });
  process.stderr.write(`bench ${run}: ${count} predictions ${rate > 0 ? `offered at ${rate}/s` : 'as fast as possible'}, ${partitions} partitions, chunks of ${chunk}, services on ${client}, topics ${prefix}*\n`);

  const raw = options.raw ? await rawPassThrough(prefix, count, partitions) : undefined;
  const env = { CONSUMER_MAX_CHUNK: String(chunk), KAFKA_CLIENT: client };
  const services = [await startService('scoring', prefix, run, env), await startService('routing', prefix, run, env)];
  const cpuBefore = await Promise.all(services.map((s) => cpuSeconds(s.pid!)));
  const infraBefore = await infrastructureCpu();
  const latencies: number[] = [];
  let last = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const finalized = physicalTopic(Topics.DecisionFinalized, prefix);
  const scoredTopic = physicalTopic(Topics.PredictionScored, prefix);
  let scored = 0;
  let lastScored = 0;
  // When each prediction was handed to the bench producer, by key (the prediction id).
  const sentAt = new Map<string, number>();
  const scoredLatencies: number[] = [];
  const stopTail = await tailTopics(kafka, [finalized, scoredTopic, dlqTopicOf(physicalTopic(Topics.PredictionSubmitted, prefix))], true, (record) => {
    if (record.topic === scoredTopic) {
      scored++;
      lastScored = Date.now();
      const sent = record.key === null ? undefined : sentAt.get(record.key.toString());
      if (sent !== undefined) scoredLatencies.push(lastScored - sent);
      return;
    }
    if (record.topic !== finalized) throw new Error(`dead letter during the bench: ${record.headers.dlq_error}`);
    const event = decodeEvent(Topics.DecisionFinalized, { key: record.key, value: record.value, headers: record.headers }).data;
    latencies.push(Date.now() - Date.parse(event.finalizedAt) + event.latencyMs);
    last = Date.now();
    if (latencies.length === count) done();
  });

  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-producer', topicPrefix: prefix, client: 'kafkajs' }));
  await publisher.connect();
  const started = Date.now();
  for (let i = 0; i < count; i += batch) {
    const events = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ topic: Topics.PredictionSubmitted, data: benchRefund(`b${run}-${i + j}`, 0.99) }));
    const now = Date.now();
    for (const event of events) sentAt.set(event.data.predictionId, now);
    await publisher.publishAll(events);
    if (rate > 0) {
      const wait = started + ((i + batch) / rate) * 1_000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // pacing the offered load
    }
  }
  const published = Date.now();
  await all;
  const seconds = (last - started) / 1_000;
  const summary = summarize(latencies);

  const cpu = (await Promise.all(services.map((s) => cpuSeconds(s.pid!)))).map((c, i) => c - cpuBefore[i]);
  const infraAfter = await infrastructureCpu();
  for (const s of services) s.kill('SIGTERM');
  await stopTail();
  await publisher.disconnect();
  await removeRunData(brokers, prefix, benchMongoBase, `bench_${run}_`);

  const per1000 = (seconds: number) => Math.round((seconds / count) * 1_000 * 1_000) / 1_000;
  const broker = infraAfter.broker !== undefined && infraBefore.broker !== undefined ? per1000(infraAfter.broker - infraBefore.broker) : undefined;
  const ferretdb = infraAfter.ferretdb !== undefined && infraBefore.ferretdb !== undefined ? per1000(infraAfter.ferretdb - infraBefore.ferretdb) : undefined;
  const cpuPer1000 = { scoring: per1000(cpu[0]), routing: per1000(cpu[1]), broker, ferretdb, total: 0 };
  cpuPer1000.total = Math.round((cpuPer1000.scoring + cpuPer1000.routing + (broker ?? 0) + (ferretdb ?? 0)) * 1_000) / 1_000;
  return {
    options: { count, rate, batch, partitions, chunk, client },
    decided: latencies.length,
    publishRate: Math.round(count / ((published - started) / 1_000)),
    scoredRate: Math.round(scored / ((lastScored - started) / 1_000)),
    throughput: Math.round(count / seconds),
    rawRate: raw === undefined ? undefined : Math.round(raw),
    latencyMs: { p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max },
    scoredLatencyMs: (({ p50, p95, p99, max }) => ({ p50, p95, p99, max }))(summarize(scoredLatencies)),
    cpuPer1000,
  };
}

function clientName(value: string): KafkaClientName {
  if (value === 'kafkajs' || value === 'platformatic') return value;
  throw new Error(`--client must be kafkajs or platformatic, not ${value}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '500' },
      rate: { type: 'string', default: '0' },
      partitions: { type: 'string', default: '6' },
      chunk: { type: 'string', default: '500' },
      client: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const r = await runAutoPath({ count: Number(values.count), rate: Number(values.rate), batch: Number(values.batch), partitions: Number(values.partitions), chunk: Number(values.chunk), raw: true, ...(values.client ? { client: clientName(values.client) } : {}) });
  const n = (x: number) => x.toLocaleString('en');
  const c = r.cpuPer1000;
  const rows = [
    ['kafkajs raw produce→consume (1 KB, same broker)', `${n(r.rawRate!)}/s`],
    ['auto path: predictions decided', n(r.decided)],
    ['offered load', r.options.rate > 0 ? `${n(r.options.rate)}/s` : 'as fast as possible'],
    ['auto path: publish rate (bench producer)', `${n(r.publishRate)}/s`],
    ['scoring alone: submitted → scored', `${n(r.scoredRate)}/s`],
    ['auto path: throughput submitted → finalized', `${n(r.throughput)}/s`],
    ['auto path / raw', `${((r.throughput / r.rawRate!) * 100).toFixed(1)} %`],
    ['latency p50 / p95 / p99 / max', `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms`],
    ['  of which the first hop (published → scored readable)', `${r.scoredLatencyMs!.p50} / ${r.scoredLatencyMs!.p95} / ${r.scoredLatencyMs!.p99} / ${r.scoredLatencyMs!.max} ms`],
    ['CPU s per 1,000 decisions: scoring / routing / broker / FerretDB', `${c.scoring} / ${c.routing} / ${c.broker ?? '–'} / ${c.ferretdb ?? '–'} (total ${c.total})`],
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  process.stdout.write(`\nAuto path benchmark (${ALL_TOPICS.length} topics x ${r.options.partitions} partitions, chunks of ${r.options.chunk}, services on ${r.options.client}, one broker, 2 cores)\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  if (values.json) writeResults(values.json, { bench: 'auto-path', result: r });
}

runWhenMain(module, main);
