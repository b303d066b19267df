// npm run bench:human -- [--cases 2000] [--rate 200] [--json file]
// The human path's last hop: predictions in the human-review band go through the real scoring
// and routing services to review.requested; then a reviewer's review.decided is published for
// each case, --rate a second, evenly, and the time from publishing the decision to reading its
// decision.finalized back from Kafka is measured (what a downstream team waits after a person
// decides). Not a test: it asserts nothing.
import { decodeEvent, physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { createKafka, ensureTopics, EventPublisher, resolveOptions, tailTopics } from '@hitl/messaging';
import { summarize } from '@hitl/platform';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchRefund } from './predictions';
import { runWhenMain, writeResults } from './results';
import { removeRunData } from './run-data';
import { benchBrokers as brokers, benchMongoBase, cpuSeconds, startService } from './service-process';

type Decided = EventOf<typeof Topics.ReviewDecided>;

export interface HumanPathResult {
  options: { cases: number; rate: number };
  finalized: number;
  /** review.decided published → decision.finalized read back. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  routingCpuPer1000: number;
}

export async function runHumanPath(cases: number, rate: number): Promise<HumanPathResult> {
  if (!(cases > 0) || !(rate > 0)) throw new Error('--cases and --rate must be positive');
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-${run}.`;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench' }));
  await ensureTopics(kafka, { partitions: 6, replicationFactor: 1, prefix });
  process.stderr.write(`bench ${run}: ${cases} human cases, decisions at ${rate}/s, topics ${prefix}*\n`);
  const services = [await startService('scoring', prefix, run), await startService('routing', prefix, run)];

  const requested = new Map<string, EventOf<typeof Topics.ReviewRequested>>();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let allRequested!: () => void;
  let allFinalized!: () => void;
  const requestsIn = new Promise<void>((resolve) => (allRequested = resolve));
  const finalsIn = new Promise<void>((resolve) => (allFinalized = resolve));
  const requestedTopic = physicalTopic(Topics.ReviewRequested, prefix);
  const finalizedTopic = physicalTopic(Topics.DecisionFinalized, prefix);
  const stopTail = await tailTopics(kafka, [requestedTopic, finalizedTopic], true, (record) => {
    const message = { key: record.key, value: record.value, headers: record.headers };
    if (record.topic === requestedTopic) {
      const event = decodeEvent(Topics.ReviewRequested, message).data;
      requested.set(event.caseId, event);
      if (requested.size === cases) allRequested();
      return;
    }
    const event = decodeEvent(Topics.DecisionFinalized, message).data;
    if (event.decidedBy === 'auto') throw new Error(`case ${event.caseId} was decided by the AI: the bench's predictions must go to people`);
    latencies.push(Date.now() - sentAt.get(event.caseId)!);
    if (latencies.length === cases) allFinalized();
  });

  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-producer', topicPrefix: prefix }));
  await publisher.connect();
  for (let i = 0; i < cases; i += 500) {
    await publisher.publishAll(Array.from({ length: Math.min(500, cases - i) }, (_, j) => ({ topic: Topics.PredictionSubmitted, data: benchRefund(`h${run}-${i + j}`, 0.78) })));
  }
  await requestsIn;
  const cpuBefore = await cpuSeconds(services[1].pid!);

  // One decision per case, paced: a small batch every 20 ms.
  const batch = Math.max(1, Math.round(rate / 50));
  const open = [...requested.values()];
  const started = Date.now();
  for (let i = 0; i < open.length; i += batch) {
    const now = new Date().toISOString();
    const decisions = open.slice(i, i + batch).map((request, j): { topic: typeof Topics.ReviewDecided; data: Decided } => ({
      topic: Topics.ReviewDecided,
      data: {
        caseId: request.caseId,
        decisionId: `d-${run}-${i + j}`,
        reviewerId: `bench-reviewer-${(i + j) % 50}`,
        role: request.eligibleRoles[0],
        action: 'approve',
        outcome: 'approve',
        agreesWithAi: true,
        round: request.round,
        startedAt: now,
        decidedAt: now,
      },
    }));
    const sent = Date.now();
    for (const d of decisions) sentAt.set(d.data.caseId, sent);
    await publisher.publishAll(decisions);
    const wait = started + ((i + batch) / rate) * 1_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // pacing the offered load
  }
  await finalsIn;
  const cpu = (await cpuSeconds(services[1].pid!)) - cpuBefore;
  for (const s of services) s.kill('SIGTERM');
  await stopTail();
  await publisher.disconnect();
  await removeRunData(brokers, prefix, benchMongoBase, `bench_${run}_`);
  const s = summarize(latencies);
  return { options: { cases, rate }, finalized: latencies.length, latencyMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, routingCpuPer1000: Math.round((cpu / cases) * 1_000 * 1_000) / 1_000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '2000' }, rate: { type: 'string', default: '200' }, json: { type: 'string' } } });
  const r = await runHumanPath(Number(values.cases), Number(values.rate));
  process.stdout.write(`\nHuman path: review.decided → decision.finalized (${r.finalized} cases, decisions at ${r.options.rate}/s, scoring and routing as processes, one broker, 2 cores)\n`);
  process.stdout.write(`  latency p50 / p95 / p99 / max   ${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms\n`);
  process.stdout.write(`  routing CPU per 1,000 decisions  ${r.routingCpuPer1000} s\n`);
  if (values.json) writeResults(values.json, { bench: 'human-path', result: r });
}

runWhenMain(module, main);
