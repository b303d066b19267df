// npm run bench:timers -- [--pending 1000000] [--due 10000] [--requests 3000]
// Durable timers at scale, on the real broker and the real FerretDB, with the escalation
// service started as its own process:
//   1. `pending` deadlines (ladders of pending reviews, due 10 to 120 minutes from now) are
//      bulk-loaded into the timer store: insert rate.
//   2. `requests` review.requested events go through Kafka into the running service, which
//      stores their ladders itself: the event path's insert rate.
//   3. `due` more deadlines all fall due at the same instant: fire lag (the escalation.fired
//      record reaching a consumer, minus the due time) p50/p99/max.
// Throughout, the service's resident memory (VmRSS) is sampled every 100 ms.
// Not a test: it asserts nothing and prints figures (goals: fire lag p99 < 1 s, RSS < 512 MB).
import { exampleOf, physicalTopic, Topics } from '@hitl/contracts';
import { consumerLag, createKafka, ensureTopics, EventPublisher, resolveOptions, tailTopics } from '@hitl/messaging';
import { summarize, withDatabase } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { MongoClient } from 'mongodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ladderFor, requestKeyOf, type CaseState, type Deadline, type ReviewRequested } from './escalation/ladder';
import { TimerStore } from './escalation/timer-store';

const BUCKET_MS = 10_000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const mongoBase = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const policy = loadPolicy();

function request(caseId: string, requestedAt: Date): ReviewRequested {
  return { ...exampleOf(Topics.ReviewRequested), caseId, predictionId: caseId, round: 1, reason: 'band', triggers: [], requestedAt: requestedAt.toISOString(), dueAt: new Date(requestedAt.getTime() + 3_600_000).toISOString() };
}

const caseOf = (e: ReviewRequested): CaseState => ({ _id: e.caseId, version: 1, requestKey: requestKeyOf(e), round: e.round, level: 0, closed: false });

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

/** The compiled service, started the way it runs (its own process), ready when it logs so. */
function startService(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'main.js')], { env: { ...process.env, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => void (output = (output + d.toString()).slice(-1_000_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((ok, fail) => {
    const poll = setInterval(() => {
      if (output.includes('"message":"ready"')) ok({ child, output: () => output });
      else if (child.exitCode !== null) fail(new Error(`escalation exited:\n${output.slice(-2_000)}`));
      else return;
      clearInterval(poll);
    }, 50);
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pending: { type: 'string', default: '1000000' }, due: { type: 'string', default: '10000' }, requests: { type: 'string', default: '3000' }, json: { type: 'string' } } });
  const pending = Number(values.pending);
  const dueCount = Number(values.due);
  const requests = Number(values.requests);
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-${run}.`;
  const dbName = `bench_${run}_escalation`;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-timers' }));
  await ensureTopics(kafka, { partitions: 6, replicationFactor: 1, prefix });
  const client = await MongoClient.connect(withDatabase(mongoBase, dbName));
  const store = new TimerStore(client.db(dbName), BUCKET_MS);
  log(`bench ${run}: ${fmt(pending)} pending, ${fmt(requests)} requests through Kafka, ${fmt(dueCount)} due at once`);

  // 1. Bulk load: ladders of pending reviews requested in the last 20 minutes (due 10–120 min out).
  const start = Date.now();
  const buckets = new Map<number, Deadline[]>();
  const cases: CaseState[] = [];
  let deadlines = 0;
  for (let i = 0; deadlines < pending; i++) {
    const e = request(`pending-${run}-${i}`, new Date(start - (i % 1_200) * 1_000));
    cases.push(caseOf(e));
    for (const d of ladderFor(e, policy).slice(0, pending - deadlines)) {
      const bucket = store.bucketOf(Date.parse(d.dueAt));
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), d]);
      deadlines++;
    }
  }
  const loadStarted = performance.now();
  await store.loadCases(cases);
  await store.loadBuckets(buckets);
  const loadSeconds = (performance.now() - loadStarted) / 1_000;
  log(`loaded ${fmt(deadlines)} deadlines (${buckets.size} buckets, ${fmt(cases.length)} cases) in ${loadSeconds.toFixed(1)} s`);
  buckets.clear();
  cases.length = 0;

  // The service, as it runs in production (default tick and bucket width), on this database.
  const service = await startService({ TOPIC_PREFIX: prefix, KAFKA_BROKERS: brokers.join(','), MONGODB_URI: withDatabase(mongoBase, dbName), ESCALATION_BUCKET_MS: String(BUCKET_MS) });
  const pid = service.child.pid!;
  let peakRss = rssMb(pid);
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssMb(pid));
    } catch {
      // the process is gone: the last sample stands
    }
  }, 100);
  const idleRss = rssMb(pid);

  // 2. The event path: review.requested through Kafka; done when the group has no lag left.
  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-timers-producer', topicPrefix: prefix }));
  await publisher.connect();
  const requestedTopic = physicalTopic(Topics.ReviewRequested, prefix);
  const eventStarted = performance.now();
  const now = new Date();
  const events = Array.from({ length: requests }, (_, i) => request(`event-${run}-${i}`, now));
  for (let i = 0; i < events.length; i += 500) {
    await publisher.publishAll(events.slice(i, i + 500).map((data) => ({ topic: Topics.ReviewRequested, data })));
  }
  let lag = Infinity;
  while (lag > 0) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling the group's progress, not synchronising a test
    lag = await consumerLag(kafka, `${prefix}hitl.escalation`, [requestedTopic]);
    if (Math.round(performance.now() / 200) % 25 === 0) log(`event path: ${fmt(lag)} requests left`);
  }
  const eventSeconds = (performance.now() - eventStarted) / 1_000;
  log(`event path: ${fmt(requests)} requests (${fmt(requests * policy.escalation.ladder.length)} deadlines) stored in ${eventSeconds.toFixed(1)} s`);

  // 3. The burst: `due` deadlines of fresh reviews, all due at the start of a bucket ≥ 15 s away.
  const dueAt = store.bucketOf(Date.now() + 15_000) + BUCKET_MS;
  const burst: Deadline[] = [];
  const burstCases: CaseState[] = [];
  for (let i = 0; i < dueCount; i++) {
    const e = request(`due-${run}-${i}`, new Date(dueAt - 30 * 60_000));
    burstCases.push(caseOf(e));
    burst.push(ladderFor(e, policy)[0]);
  }
  await store.loadCases(burstCases);
  await store.loadBuckets(new Map([[dueAt, burst]]));
  const lagMs = new Map<string, number>();
  const stopTail = await tailTopics(kafka, [physicalTopic(Topics.EscalationFired, prefix)], false, (record) => {
    const id = record.headers.ce_id;
    if (id?.startsWith(`due-${run}-`) && !lagMs.has(id)) lagMs.set(id, Date.now() - dueAt);
  });
  log(`${fmt(dueCount)} deadlines due at ${new Date(dueAt).toISOString().slice(11, 19)}; waiting for them`);
  const giveUp = dueAt + 180_000;
  while (lagMs.size < dueCount && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(sampler);
  const afterRss = rssMb(pid);
  await stopTail();
  await publisher.disconnect();

  const fired = summarize([...lagMs.values()]);
  const fireLines = service.output().split('\n').filter((line) => /"message":"escalations? fired"/.test(line));
  const firings = fireLines.length;
  if (process.env.BENCH_VERBOSE) log(fireLines.join('\n'));
  service.child.kill('SIGTERM');
  await new Promise((resolve) => service.child.once('exit', resolve));
  await client.db(dbName).dropDatabase();
  await client.close();

  const rows: [string, string][] = [
    ['pending deadlines bulk-loaded', `${fmt(deadlines)} in ${loadSeconds.toFixed(1)} s = ${fmt(deadlines / loadSeconds)}/s`],
    ['deadlines stored through Kafka (review.requested → service)', `${fmt(requests * policy.escalation.ladder.length)} in ${eventSeconds.toFixed(1)} s = ${fmt((requests * policy.escalation.ladder.length) / eventSeconds)}/s`],
    [`fire lag, ${fmt(dueCount)} due at once`, `p50 ${fmt(fired.p50)} ms, p95 ${fmt(fired.p95)} ms, p99 ${fmt(fired.p99)} ms, max ${fmt(fired.max)} ms (${fmt(fired.count)} of ${fmt(dueCount)} fired; ${firings} fire log lines)`],
    ['service RSS', `${fmt(idleRss)} MB at start, ${fmt(peakRss)} MB peak, ${fmt(afterRss)} MB after the burst`],
  ];
  process.stdout.write(`\n| timers bench (${run}) | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
  // --json <file>: the figures for `npm run bench`'s table.
  if (values.json) {
    const figures = {
      bench: 'timers',
      result: {
        pending: deadlines,
        bulkLoadPerSecond: Math.round(deadlines / loadSeconds),
        eventPathDeadlinesPerSecond: Math.round((requests * policy.escalation.ladder.length) / eventSeconds),
        due: dueCount,
        fired: fired.count,
        fireLagMs: { p50: fired.p50, p95: fired.p95, p99: fired.p99, max: fired.max },
        rssMb: { start: idleRss, peak: peakRss, after: afterRss },
      },
    };
    writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  }
  process.exitCode = fired.count === dueCount ? 0 : 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
