// npm run demo -- [--count N] [--rate PER_SECOND] [--seed S] [--plain] [--no-follow] [--timeout S]
// npm run demo -- --guide
// Publishes realistic predictions to prediction.submitted (CloudEvents by default; --plain
// publishes plain JSON the way an external producer may), then prints where each one went: decided
// by the AI, or sent to which reviewers and why. --guide publishes the guide's own examples and
// checks each lands in the band and tier the guide gives (exit 1 if one does not).
import { physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cliSetup, fail, runMain } from './cli-support';
import { demoPrediction, seededRandom } from './demo-data';
import { atFirstStop, describeStop, follow } from './follow';
import { GUIDE_EXAMPLES, guidePrediction, mismatches, type Observation } from './guide-examples';

type Prediction = EventOf<typeof Topics.PredictionSubmitted>;

runMain('demo', async () => {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      count: { type: 'string', default: '100' },
      rate: { type: 'string', default: '20' },
      seed: { type: 'string' },
      plain: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: true },
      guide: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '60' },
    },
  });
  const count = Number(values.count);
  const rate = Number(values.rate);
  const timeoutS = Number(values.timeout);
  if (!Number.isInteger(count) || count < 1) fail('demo', `--count must be a positive integer, got ${values.count}`);
  if (!Number.isFinite(rate) || rate < 0) fail('demo', `--rate must be >= 0 (0 = as fast as possible), got ${values.rate}`);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) fail('demo', `--timeout must be a positive number of seconds, got ${values.timeout}`);
  const seed = values.seed !== undefined ? Number(values.seed) : randomBytes(4).readUInt32LE();
  // The seed fixes the content; the run id keeps ids unique, so a rerun is not a duplicate to drop.
  const runId = `${seed.toString(36)}-${Date.now().toString(36)}`;
  const idPrefix = `${values.guide ? 'guide' : 'demo'}-${runId}-`;

  const { env, kafka } = cliSetup('demo');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const mine = (id: string) => id.startsWith(idPrefix);
  // Following starts before publishing, from the topics' current end: nothing is missed.
  const followed = values.follow || values.guide ? await follow(kafka, env.TOPIC_PREFIX, mine, (obs) => {
    if (!values.guide) out(describeStop(obs));
  }) : undefined;
  const random = seededRandom(seed);
  const now = new Date(); // submittedAt: latencyMs runs from here to the final decision
  const predictions: Prediction[] = values.guide
    ? GUIDE_EXAMPLES.map((example) => guidePrediction(example, runId, now))
    : Array.from({ length: count }, (_, i) => demoPrediction(random, i, runId, now));
  const ids = new Set(predictions.map((p) => p.predictionId));
  const publisher = new EventPublisher(kafka, resolveOptions({ brokers: env.KAFKA_BROKERS, clientId: 'hitl/demo-producer', topicPrefix: env.TOPIC_PREFIX }));
  await publisher.connect();
  const started = Date.now();
  try {
    await publish(publisher, predictions, values.guide ? 0 : rate, values.plain ?? false, env.TOPIC_PREFIX);
  } finally {
    await publisher.disconnect();
  }
  const seconds = (Date.now() - started) / 1_000;
  process.stderr.write(`published ${predictions.length} predictions (${values.guide ? 'the guide examples' : `seed ${seed}`}, ids ${idPrefix}*) in ${seconds.toFixed(1)} s\n`);
  if (!followed) return;

  try {
    await waitForAll(followed.seen, ids, timeoutS * 1_000);
  } finally {
    await followed.stop();
  }
  const missing = [...ids].filter((id) => !reached(followed.seen.get(id)));
  if (values.guide) {
    const failed = reportGuide(followed.seen, runId, out);
    if (failed > 0 || missing.length > 0) process.exit(1);
    return;
  }
  summarise([...followed.seen.values()].filter(reached), out);
  if (missing.length > 0) {
    process.stderr.write(`demo: ${missing.length} prediction(s) got no answer within ${timeoutS} s (is the platform running? npm start): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}\n`);
    process.exit(1);
  }
});

async function publish(publisher: EventPublisher, predictions: Prediction[], rate: number, plain: boolean, prefix: string): Promise<void> {
  const started = Date.now();
  const batch = rate === 0 ? 500 : Math.max(1, Math.min(500, Math.round(rate / 10)));
  for (let sent = 0; sent < predictions.length; ) {
    const events = predictions.slice(sent, sent + batch);
    if (plain) {
      await publisher.sendRaw(events.map((data) => ({ topic: physicalTopic(Topics.PredictionSubmitted, prefix), message: { key: data.predictionId, value: JSON.stringify(data) } })));
    } else {
      await publisher.publishAll(events.map((data) => ({ topic: Topics.PredictionSubmitted, data })));
    }
    sent += events.length;
    if (rate > 0) {
      const wait = started + (sent / rate) * 1_000 - Date.now(); // pacing to the offered rate
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const reached = (obs: Observation | undefined): obs is Observation => obs !== undefined && atFirstStop(obs);

/** Resolves once every prediction reached its first stop, or at the deadline (the caller reports what is missing). */
async function waitForAll(seen: Map<string, Observation>, ids: Set<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ![...ids].every((id) => reached(seen.get(id)))) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling the tail's own state, not a guess at timing
  }
}

function reportGuide(seen: Map<string, Observation>, runId: string, out: (line: string) => void): number {
  let failed = 0;
  for (const example of GUIDE_EXAMPLES) {
    const id = `guide-${runId}-${example.key}`;
    const obs = seen.get(id);
    const problems = reached(obs) ? mismatches(example.expect, obs) : ['no answer from the platform (is it running? npm start)'];
    if (problems.length > 0) failed++;
    out(`${problems.length === 0 ? '✓' : '✗'} ${example.guide}`);
    out(`    ${reached(obs) ? describeStop(obs) : id}`);
    for (const problem of problems) out(`    ✗ ${problem}`);
  }
  out(`guide examples: ${GUIDE_EXAMPLES.length - failed} of ${GUIDE_EXAMPLES.length} land in the band and tier the guide gives`);
  // The workbench draws any case's trace (every service it passed) from the trace store npm start runs.
  const review = (process.env.DEMO_REVIEW_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  out(`each case's trace, end to end: ${review}/traces/<case id>, e.g. the VIP refund: ${review}/traces/guide-${runId}-vip-customer`);
  return failed;
}

function summarise(stops: Observation[], out: (line: string) => void): void {
  const count = (key: (o: Observation) => string) => {
    const counts = new Map<string, number>();
    for (const o of stops) counts.set(key(o), (counts.get(key(o)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n} (${((100 * n) / stops.length).toFixed(0)}%)`).join(', ');
  };
  out(`\n${stops.length} predictions`);
  out(`  route: ${count((o) => (o.dead ? 'dead-lettered' : o.finalized?.decidedBy === 'auto' ? 'decided by AI' : 'to reviewers'))}`);
  out(`  band:  ${count((o) => o.band ?? 'none')}`);
  out(`  tier:  ${count((o) => o.finalized?.tier ?? o.review?.tier ?? 'none')}`);
}
