// npm run chaos [-- --seconds 120 --rate 20 --kills 10] | [-- --short]
// Demo traffic at a steady rate through the five services while they are SIGKILLed at random
// moments and restarted, two replicas of routing and escalation run for part of the time, and
// (when scripts/chaos.sh started the local stack) the broker and FerretDB are each killed and
// restarted once. A reviewer bot approves each human case once its whole escalation ladder has
// fired. Then it checks, prints and writes (tmp/chaos/chaos-<run>.json):
//   every prediction has exactly one decision.finalized (missing 0, duplicated 0);
//   every human case's three escalation rungs fired, each deadline under one id;
//   the DLQs hold exactly the deliberately bad events; every consumer group's lag is 0.
// Exits 1 if a check fails. --short (npm test): 30 s, each service killed once, no broker or
// database restart. --soak [--minutes 30] (npm run soak): no faults, 175/s, 1 % for people, and
// the services' memory and the total lag sampled every 10 s: both must stay flat.
import { ALL_TOPICS, decodeEvent, dlqTopicOf, exampleOf, physicalTopic, topology, Topics, type TopicName } from '@hitl/contracts';
import { consumerLag, createKafka, ensureTopics, EventPublisher, resolveOptions, tailTopics, type OutgoingEvent, type TailRecord } from '@hitl/messaging';
import { withDatabase } from '@hitl/platform';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { removeRunData } from './run-data';

const ROOT = resolve(__dirname, '../../../..');
const SERVICES = ['scoring', 'routing', 'escalation', 'feedback', 'review'] as const;
type Service = (typeof SERVICES)[number];
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const mongoBase = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const SCALE = 600; // the ladder's 30, 60, 120 minutes in 3, 6, 12 s
const SESSION_SECRET = randomBytes(32).toString('hex');

const log = (message: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded generator, so a run's fault schedule can be replayed (--seed). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** One service process; `start` again after a kill gives the same service on the same port. */
class Replica {
  child?: ChildProcess;
  url = '';
  starts = 0;
  constructor(
    readonly name: Service,
    readonly label: string,
    private readonly env: Record<string, string>,
  ) {}

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [resolve(ROOT, `dist/apps/${this.name}/src/main.js`)], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
      if (/unhandled ?rejection|uncaught ?exception/i.test(d.toString())) unhandled.push(`${this.label}: ${d.toString().slice(0, 300)}`);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ready = /^\{.*"message":"ready".*\}$/m.exec(output);
      if (ready) {
        this.url = (JSON.parse(ready[0]) as { url: string }).url;
        return;
      }
      // A start can fail while the broker or the database is down: try again.
      if (child.exitCode !== null || Date.now() > deadline) {
        log(`${this.label} did not start (${child.exitCode ?? 'timeout'}); again in 2 s`);
        child.kill('SIGKILL');
        await sleep(2_000);
        return this.start();
      }
      await sleep(50);
    }
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return Promise.resolve();
    return new Promise((ok) => {
      child.once('exit', () => ok());
      child.kill(signal);
    });
  }
}
const unhandled: string[] = [];

interface Checks {
  [name: string]: { ok: boolean; detail: string };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '120' },
      rate: { type: 'string' },
      kills: { type: 'string', default: '10' },
      seed: { type: 'string' },
      short: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      minutes: { type: 'string' },
      'human-share': { type: 'string' },
    },
  });
  const short = values.short ?? false;
  // --soak: the same traffic and checks without faults, sampling memory and lag (npm run soak).
  const soak = values.soak ?? false;
  const seconds = short ? 30 : values.minutes !== undefined ? Number(values.minutes) * 60 : Number(values.seconds);
  const humanShare = Number(values['human-share'] ?? (soak ? 0.01 : 0.1));
  // Half the whole platform's measured maximum here: every group's lag stayed flat at 300/s and
  // review's grew at 400/s (90 s runs; README, Reliability: the soak), so ~350/s.
  const rate = Number(values.rate ?? (soak ? 175 : 20));
  const kills = short ? 1 : soak ? 0 : Number(values.kills);
  const seed = Number(values.seed ?? Date.now() % 1_000_000);
  const localStack = process.env.HITL_CHAOS_LOCAL_STACK === '1' && !short && !soak;
  if (!(seconds >= 10) || !(rate > 0) || !(kills >= (soak ? 0 : 1)) || !(humanShare >= 0 && humanShare <= 0.5)) throw new Error('--seconds must be at least 10, --rate and --kills positive, --human-share 0..0.5');
  const random = rng(seed);
  const run = randomBytes(3).toString('hex');
  const prefix = `chaos-${run}.`;
  const topic = (t: TopicName) => physicalTopic(t, prefix);
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/chaos', connectionTimeoutMs: 10_000 }));
  await ensureTopics(kafka, { partitions: 3, replicationFactor: 1, prefix });
  log(`run ${run} (seed ${seed}): ${seconds} s at ${rate}/s, each service killed ${kills} time(s)${localStack ? ', broker and FerretDB restarted once' : ''}`);

  // --- the fleet -------------------------------------------------------------------------
  const reviewPort = await freePort();
  const envOf = (name: Service): Record<string, string> => ({
    KAFKA_BROKERS: brokers.join(','),
    TOPIC_PREFIX: prefix,
    MONGODB_URI: withDatabase(mongoBase, `chaos_${run}_${name}`),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: name === 'review' ? String(reviewPort) : '0',
    // A killed member's partitions move on after 6 s, not the default 30.
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
    ESCALATION_TIME_SCALE: String(SCALE),
    ESCALATION_TICK_MS: '200',
    ESCALATION_BUCKET_MS: '1000',
    ESCALATION_LEASE_MS: '3000',
    REVIEW_SESSION_SECRET: SESSION_SECRET,
    FEEDBACK_CALIBRATION_INTERVAL_MS: '600000',
  });
  const fleet = new Map<string, Replica>(SERVICES.map((name) => [name, new Replica(name, name, envOf(name))]));
  await Promise.all([...fleet.values()].map((r) => r.start()));
  log('five services up');

  // --- what comes out ----------------------------------------------------------------------
  const finals = new Map<string, number>();
  type Fired = { caseId: string; id: string; level: number; escalateTo: string; reason: string };
  const fired: Fired[] = [];
  // By case: the bot and the checks look a case's rungs up many times (thousands of cases in a soak).
  const firedByCase = new Map<string, Fired[]>();
  const firedOf = (caseId: string) => firedByCase.get(caseId) ?? [];
  const dead: TailRecord[] = [];
  // The tail's throwaway group never commits: after the broker restarts it reads everything again.
  // A record is one (topic, partition, offset); only a second record is a duplicate.
  const seen = new Set<string>();
  const stopTail = await tailTopics(kafka, [topic(Topics.DecisionFinalized), topic(Topics.EscalationFired), ...ALL_TOPICS.map((t) => dlqTopicOf(topic(t)))], true, (record) => {
    const at = `${record.topic}/${record.partition}/${record.offset}`;
    if (seen.has(at)) return;
    seen.add(at);
    if (record.topic.endsWith('.dlq')) dead.push(record);
    else if (record.topic === topic(Topics.DecisionFinalized)) finals.set(record.key!, (finals.get(record.key!) ?? 0) + 1);
    else {
      const e = decodeEvent(Topics.EscalationFired, { key: record.key, value: record.value, headers: record.headers });
      const f = { caseId: e.data.caseId, id: e.id, level: e.data.level, escalateTo: e.data.escalateTo, reason: e.data.reason };
      fired.push(f);
      firedByCase.set(f.caseId, [...firedOf(f.caseId), f]);
    }
  });

  // --- traffic ---------------------------------------------------------------------------
  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/chaos-producer', topicPrefix: prefix }));
  await publisher.connect();
  const auto: string[] = [];
  const human: string[] = [];
  const bad: string[] = [];
  const prediction = (id: string, confidence: number) => ({
    ...exampleOf(Topics.PredictionSubmitted),
    predictionId: id,
    producer: 'chaos',
    category: 'refund',
    probability: confidence,
    value: 40,
    riskLevel: 'low' as const,
    tags: [],
    submittedAt: new Date().toISOString(),
    signals: { modelConfidence: confidence, trainingDataCoverage: confidence, inputQuality: 1, edgeCaseIndicators: 0.05 },
  });
  /** Until the broker takes it: the same id each time, so a send that did land twice is one event. */
  const send = async (what: () => Promise<void>) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await what();
      } catch (error) {
        if (attempt % 10 === 0) log(`send failed (${error instanceof Error ? error.message : String(error)}); retrying`);
        await sleep(500);
      }
    }
  };
  // Sends what is due each turn in one batch (at most 500): one awaited send per prediction
  // capped the offered load at one broker round trip each (~730/s here).
  const traffic = (async () => {
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < seconds * 1_000) {
      const due = Math.min(500, Math.max(1, Math.floor(((Date.now() - started) / 1_000) * rate) + 1 - i));
      const raw: { topic: string; message: { key: string; value: string; headers: Record<string, string> } }[] = [];
      const events: OutgoingEvent[] = [];
      for (let k = 0; k < due; k++, i++) {
        const id = `chaos-${run}-${i}`;
        const roll = random();
        if (roll < 0.02) {
          bad.push(id);
          raw.push({ topic: topic(Topics.PredictionSubmitted), message: { key: id, value: '{"predictionId": "broken', headers: { chaos_bad: id } } });
        } else if (roll < 0.02 + humanShare) {
          human.push(id);
          events.push({ topic: Topics.PredictionSubmitted, data: prediction(id, 0.75), id: `ce-${id}` });
        } else {
          auto.push(id);
          events.push({ topic: Topics.PredictionSubmitted, data: prediction(id, 0.99), id: `ce-${id}` });
        }
      }
      if (raw.length > 0) await send(() => publisher.sendRaw(raw));
      if (events.length > 0) await send(() => publisher.publishAll(events));
      const wait = started + (i / rate) * 1_000 - Date.now();
      if (wait > 0) await sleep(wait); // pacing the offered load
    }
  })();

  // --- the reviewer bot --------------------------------------------------------------------
  const users = (parse(readFileSync(resolve(ROOT, 'config/users.default.yaml'), 'utf8')) as { users: { id: string; roles: string[] }[] }).users;
  // A request the overloaded review service never answers must not stall the bot (and the run,
  // which waits for it): undici's own header timeout is 5 minutes. A timed-out approval is tried
  // again next round; one that did land answers 409 "already decided" then, and counts.
  const BOT_TIMEOUT_MS = 15_000;
  const tokens = new Map<string, string>();
  const approved = new Set<string>();
  const reviewUrl = `http://127.0.0.1:${reviewPort}`;
  const tokenFor = async (role: string): Promise<string | undefined> => {
    const user = users.find((u) => u.roles.includes(role));
    if (!user) return undefined;
    if (!tokens.has(user.id)) {
      const r = await fetch(`${reviewUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.id, password: 'review-demo' }), signal: AbortSignal.timeout(BOT_TIMEOUT_MS) });
      if (r.status !== 200) return undefined;
      tokens.set(user.id, ((await r.json()) as { token: string }).token);
    }
    return tokens.get(user.id);
  };
  let botDone = false;
  const bot = (async () => {
    while (!botDone) {
      for (const caseId of human) {
        if (approved.has(caseId)) continue;
        const last = firedOf(caseId).find((f) => f.reason === 'timeout' && f.level === 3);
        if (!last) continue; // approve once the whole ladder has fired
        try {
          const token = await tokenFor(last.escalateTo);
          if (!token) continue;
          const r = await fetch(`${reviewUrl}/api/cases/${caseId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(BOT_TIMEOUT_MS) });
          if (r.status === 200 || (r.status === 409 && /finali[sz]ed|already decided/i.test(await r.text()))) approved.add(caseId);
        } catch {
          // the review service is down this moment: next round
        }
      }
      await sleep(500);
    }
  })();

  // --- faults ------------------------------------------------------------------------------
  // Each fault at its own moment, concurrently; one service's faults one after another (a kill
  // waits for the previous restart of that service), so all of them fall inside the traffic.
  const faults: { at: number; what: string; key: string; act: () => Promise<void> }[] = [];
  const span = seconds * 1_000;
  for (const name of SERVICES) {
    for (let k = 0; k < kills; k++) {
      faults.push({
        at: (0.1 + 0.8 * random()) * span,
        what: `SIGKILL ${name}`,
        key: name,
        act: async () => {
          const r = fleet.get(name)!;
          await r.kill('SIGKILL');
          await sleep(500 + 2_000 * random());
          await r.start();
        },
      });
    }
  }
  const twins = ['routing', 'escalation'] as const;
  if (!soak) faults.push({ at: 0.3 * span, what: 'second replicas of routing and escalation', key: 'twins', act: async () => void (await Promise.all(twins.map((n) => startTwin(n)))) });
  if (!soak) faults.push({ at: 0.7 * span, what: 'second replicas stopped (SIGTERM)', key: 'twins', act: async () => void (await Promise.all(twins.map((n) => fleet.get(`${n}#2`)?.kill('SIGTERM')))) });
  const startTwin = async (name: Service) => {
    const twin = new Replica(name, `${name}#2`, envOf(name));
    fleet.set(`${name}#2`, twin);
    await twin.start();
  };
  if (localStack) {
    faults.push({ at: 0.45 * span, what: 'SIGKILL the broker, start it again', key: 'infra', act: () => restartInfra('kafka') });
    faults.push({ at: 0.6 * span, what: 'SIGKILL FerretDB, start it again', key: 'infra', act: () => restartInfra('ferretdb') });
  }
  faults.sort((a, b) => a.at - b.at);
  const t0 = Date.now();
  // Memory and lag over time (every 10 s; the curve npm run soak reports).
  const samples: { atSeconds: number; rssMb: Record<string, number>; lag: number; lagByGroup: Record<string, number>; decided: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rssMb: Record<string, number> = {};
      for (const name of SERVICES) {
        const pid = fleet.get(name)?.child?.pid;
        try {
          rssMb[name] = Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
        } catch {
          rssMb[name] = Number.NaN; // restarting this moment
        }
      }
      let lag = Number.NaN;
      const lagByGroup: Record<string, number> = {};
      try {
        const groups = await platformGroups(kafka, prefix);
        const lags = await Promise.all(groups.map(({ group, topics }) => consumerLag(kafka, group, topics)));
        for (const [i, { group }] of groups.entries()) lagByGroup[group.startsWith(prefix) ? group.slice(prefix.length) : group] = lags[i];
        lag = lags.reduce((a, b) => a + b, 0);
      } catch {
        // the broker is restarting: no figure for this sample
      }
      samples.push({ atSeconds: Math.round((Date.now() - t0) / 1000), rssMb, lag, lagByGroup, decided: finals.size });
      await sleep(10_000);
    }
  })();
  const applied: { atSeconds: number; what: string; tookSeconds: number }[] = [];
  const chains = new Map<string, Promise<void>>();
  await Promise.all(
    faults.map(async (fault) => {
      await sleep(Math.max(0, t0 + fault.at - Date.now()));
      const turn = (chains.get(fault.key) ?? Promise.resolve()).then(async () => {
        const started = Date.now();
        log(fault.what);
        await fault.act();
        applied.push({ atSeconds: Math.round((started - t0) / 100) / 10, what: fault.what, tookSeconds: Math.round((Date.now() - started) / 100) / 10 });
      });
      chains.set(fault.key, turn);
      await turn;
    }),
  );
  await traffic;
  log(`traffic done: ${auto.length} auto, ${human.length} human, ${bad.length} bad`);

  // --- quiet: every case decided, every ladder fired ---------------------------------------
  const settled = () => [...auto, ...human].every((id) => (finals.get(id) ?? 0) >= 1);
  const deadline = Date.now() + 240_000;
  for (let tick = 0; !settled() && Date.now() < deadline; tick++) {
    for (const r of fleet.values()) if (!r.alive && !r.label.endsWith('#2')) await r.start(); // nothing stays down
    if (tick % 10 === 0) {
      const ladders = human.filter((id) => firedOf(id).some((f) => f.level === 3)).length;
      log(`waiting: auto decided ${auto.filter((id) => finals.has(id)).length}/${auto.length}, human ladders complete ${ladders}/${human.length}, approved ${approved.size}, decided ${human.filter((id) => finals.has(id)).length}`);
    }
    await sleep(1_000);
  }
  botDone = true;
  await bot;
  sampling = false;
  await sampler;
  // Everyone has read everything (lag 0), then the counts are final.
  const groups = await platformGroups(kafka, prefix);
  const lagDeadline = Date.now() + 120_000;
  let lags: { group: string; lag: number }[] = [];
  do {
    lags = await Promise.all(groups.map(async ({ group, topics }) => ({ group, lag: await consumerLag(kafka, group, topics).catch(() => -1) })));
    if (lags.every((l) => l.lag === 0)) break;
    await sleep(1_000);
  } while (Date.now() < lagDeadline);
  await sleep(2_000); // the tail's own fetch after the last commit

  // --- checks ------------------------------------------------------------------------------
  const submitted = [...auto, ...human];
  const missing = submitted.filter((id) => !finals.has(id));
  const duplicated = submitted.filter((id) => (finals.get(id) ?? 0) > 1);
  const ladders = human.map((id) => new Set(firedOf(id).filter((f) => f.reason === 'timeout' && f.level <= 3).map((f) => f.level)).size);
  const incomplete = human.filter((_, i) => ladders[i] !== 3).map((id) => ({ caseId: id, fired: firedOf(id).map((f) => `${f.level}:${f.reason}:${f.escalateTo}`) }));
  const firedIds = new Set(fired.map((f) => f.id));
  // A rung of one case fired under two ids would be a second deadline for it: none may be.
  const idsPerRung = new Map<string, Set<string>>();
  for (const f of fired.filter((x) => x.reason === 'timeout')) idsPerRung.set(`${f.caseId}#${f.level}`, (idsPerRung.get(`${f.caseId}#${f.level}`) ?? new Set()).add(f.id));
  const badDead = dead.filter((d) => d.topic === dlqTopicOf(topic(Topics.PredictionSubmitted)) && d.headers.chaos_bad);
  const otherDead = dead.filter((d) => !d.headers.chaos_bad);
  const checks: Checks = {
    'every prediction decided exactly once': { ok: missing.length === 0 && duplicated.length === 0, detail: `${submitted.length} predictions, ${finals.size} decided; missing ${missing.length}, duplicated ${duplicated.length}` },
    'every human case: its three rungs fired': { ok: ladders.every((n) => n === 3), detail: `${human.length} human cases, ${ladders.filter((n) => n === 3).length} with levels 1-3 fired, approved after: ${approved.size}` },
    'every deadline fired under one id': { ok: [...idsPerRung.values()].every((ids) => ids.size === 1), detail: `${fired.length} escalation.fired records, ${firedIds.size} distinct deadlines (${fired.length - firedIds.size} re-sent after a crash with the same id; consumers ignore those)` },
    'the DLQ holds exactly the deliberately bad events': { ok: new Set(badDead.map((d) => d.headers.chaos_bad)).size === bad.length && badDead.length === bad.length * topology[Topics.PredictionSubmitted].consumedBy.length && otherDead.length === 0, detail: `${bad.length} bad sent, ${badDead.length} in prediction.submitted.dlq, ${otherDead.length} other dead letters${otherDead.length ? `: ${otherDead.slice(0, 3).map((d) => `${d.topic} ${d.headers.dlq_error_code}: ${d.headers.dlq_error}`).join('; ')}` : ''}` },
    'every consumer group back to lag 0': { ok: lags.length >= 8 && lags.every((l) => l.lag === 0), detail: `${lags.length} groups; ${lags.filter((l) => l.lag !== 0).map((l) => `${l.group}: ${l.lag}`).join(', ') || 'all at 0'}` },
    'no unhandled rejection or uncaught exception': { ok: unhandled.length === 0, detail: unhandled.length ? unhandled.slice(0, 3).join(' | ') : 'none in any service output' },
  };
  if (soak) {
    // After the first quarter (warm-up: caches, JIT, pools), memory must not keep growing, and
    // the consumers must keep up: lag in the second half of the traffic stays under 10 s of it.
    const during = samples.filter((x) => x.atSeconds <= seconds);
    const quarter = (k: number) => during.slice(Math.floor((during.length * k) / 4), Math.floor((during.length * (k + 1)) / 4));
    const mean = (list: number[]) => list.filter(Number.isFinite).reduce((a, b) => a + b, 0) / Math.max(1, list.filter(Number.isFinite).length);
    const growth = SERVICES.map((name) => ({ name, early: mean(quarter(1).map((x) => x.rssMb[name])), late: mean(quarter(3).map((x) => x.rssMb[name])) }));
    checks['memory flat (last quarter within 25 % of the second)'] = { ok: growth.every((g) => g.late <= g.early * 1.25), detail: growth.map((g) => `${g.name} ${Math.round(g.early)} → ${Math.round(g.late)} MB`).join(', ') };
    const lateLag = Math.max(...during.slice(Math.floor(during.length / 2)).map((x) => x.lag).filter(Number.isFinite));
    checks['lag flat (second half under 10 s of traffic)'] = { ok: lateLag <= rate * 10, detail: `largest total lag in the second half: ${lateLag} (10 s of traffic: ${rate * 10})` };
  }

  for (const r of fleet.values()) await r.kill('SIGTERM');
  botDone = true;
  await stopTail();
  await publisher.disconnect();

  const restarts = Object.fromEntries([...fleet.values()].map((r) => [r.label, r.starts - 1]));
  const result = { date: new Date().toISOString(), run, seed, seconds, rate, killsPerService: kills, localStack, predictions: { auto: auto.length, human: human.length, bad: bad.length }, restarts, faults: applied.sort((a, b) => a.atSeconds - b.atSeconds), checks, missing: missing.slice(0, 20), duplicated: duplicated.slice(0, 20), incompleteLadders: incomplete.slice(0, 20), samples };
  const dir = resolve(ROOT, 'tmp/chaos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, `chaos-${run}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const width = Math.max(...Object.keys(checks).map((k) => k.length));
  process.stdout.write(`\n${soak ? 'Soak' : 'Chaos'} run ${run} (seed ${seed}): ${seconds} s at ${rate}/s; restarts ${Object.entries(restarts).map(([k, v]) => `${k} ${v}`).join(', ')}; ${applied.length} faults\n`);
  for (const [name, c] of Object.entries(checks)) process.stdout.write(`  ${c.ok ? 'PASS' : 'FAIL'}  ${name.padEnd(width)}  ${c.detail}\n`);
  if (soak) {
    process.stdout.write(`\n  ${'t (s)'.padStart(6)}  ${SERVICES.map((n) => `${n} MB`.padStart(14)).join('')}  ${'lag'.padStart(8)}  ${'decided'.padStart(9)}  most behind\n`);
    const every = Math.max(1, Math.round(samples.length / 20));
    for (const x of samples.filter((_, i) => i % every === 0 || i === samples.length - 1)) {
      const behind = Object.entries(x.lagByGroup)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([g, n]) => `${g} ${n}`)
        .join(', ');
      process.stdout.write(`  ${String(x.atSeconds).padStart(6)}  ${SERVICES.map((n) => String(x.rssMb[n]).padStart(14)).join('')}  ${String(x.lag).padStart(8)}  ${String(x.decided).padStart(9)}  ${behind}\n`);
    }
  }
  process.stdout.write(`  results: tmp/chaos/chaos-${run}.json\n`);
  const passed = Object.values(checks).every((c) => c.ok);
  // A failed run keeps its topics and databases to look into; a passed one removes them.
  if (passed) await removeRunData(brokers, prefix, mongoBase, `chaos_${run}_`);
  else process.stdout.write(`  kept for inspection: topics ${prefix}*, databases chaos_${run}_*\n`);
  return passed ? 0 : 1;
}

/** The consumer groups of this run (they carry its prefix) and the topics each has offsets for. */
async function platformGroups(kafka: ReturnType<typeof createKafka>, prefix: string): Promise<{ group: string; topics: string[] }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Right after a broker restart the coordinator may not be known yet: ask again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await groupsOf(admin, prefix);
      } catch (error) {
        if (attempt >= 30) throw error;
        await sleep(1_000);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function groupsOf(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, prefix: string): Promise<{ group: string; topics: string[] }[]> {
  const { groups } = await admin.listGroups();
  const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}hitl.`));
  return Promise.all(
    ours.map(async (group) => {
      const offsets = await admin.fetchOffsets({ groupId: group });
      return { group, topics: offsets.filter((o) => o.partitions.some((p) => Number(p.offset) >= 0)).map((o) => o.topic) };
    }),
  );
}

/** kill -9 the local broker or FerretDB, then scripts/stack.sh start brings back what is missing. */
async function restartInfra(which: 'kafka' | 'ferretdb'): Promise<void> {
  const pid = Number(readFileSync(resolve(ROOT, `.local/run/${which}.pid`), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await sleep(1_000);
  const env = { ...process.env };
  delete env.KAFKA_BROKERS; // the local stack, as the script knows it
  delete env.MONGODB_URI;
  const r = spawnSync('bash', [resolve(ROOT, 'scripts/stack.sh'), 'start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`stack.sh start failed after killing ${which}: ${r.stderr}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
