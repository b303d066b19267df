// npm run bench:review -- [--reviewers 200] [--cases 4000] [--seconds 20] [--think-ms 0]
// 200 reviewers at once against the review service started as a real process (real broker,
// real FerretDB): first they read their queue, then they work it (read the queue, approve one of
// the cases on it). Prints requests/s, p50/p99 latency, errors, and the decisions that reached
// Kafka. Not a test: it asserts nothing. Two reviewers picking the same case is real contention:
// the loser's 409 is counted apart from errors.
import { exampleOf, Topics, type EventOf } from '@hitl/contracts';
import { createKafka, ensureTopics, EventPublisher, resolveOptions, tailTopics } from '@hitl/messaging';
import { hash } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeRunData } from './run-data';
import { benchBrokers as brokers, benchMongoBase, cpuSeconds, startService } from './service-process';
import { summarize } from '@hitl/platform';
import { writeResults } from './results';

type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;

function request(caseId: string, i: number): ReviewRequested {
  const now = new Date();
  return {
    ...exampleOf(Topics.ReviewRequested),
    caseId,
    predictionId: caseId,
    tier: 'single_approver',
    requiredApprovals: 1,
    eligibleRoles: ['support_lead'],
    reason: 'band',
    priority: i % 100,
    round: 1,
    requestedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + 3_600_000 + i * 1_000).toISOString(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reviewers: { type: 'string', default: '200' }, cases: { type: 'string', default: '4000' }, seconds: { type: 'string', default: '20' }, 'think-ms': { type: 'string', default: '0' }, json: { type: 'string' } } });
  const thinkMs = Number(values['think-ms']);
  const reviewers = Number(values.reviewers);
  const cases = Number(values.cases);
  const seconds = Number(values.seconds);
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-${run}.`;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench' }));
  await ensureTopics(kafka, { partitions: 6, replicationFactor: 1, prefix });

  // The bench's own reviewers: one argon2id hash shared by all (hashing is not what we measure).
  const passwordHash = await hash('bench-password');
  const names = Array.from({ length: reviewers }, (_, i) => `r${String(i).padStart(4, '0')}`);
  const usersFile = join(mkdtempSync(join(tmpdir(), 'hitl-bench-')), 'users.yaml');
  writeFileSync(usersFile, `users:\n${names.map((id) => `  - id: ${id}\n    name: Reviewer ${id}\n    roles: [support_lead]\n    passwordHash: "${passwordHash}"\n`).join('')}`);
  process.stderr.write(`bench ${run}: ${reviewers} reviewers, ${cases} cases, topics ${prefix}*\n`);
  const review = await startService('review', prefix, run, { REVIEW_USERS_FILE: usersFile, REVIEW_SESSION_SECRET: randomBytes(32).toString('hex') });
  const url = review.url!;

  let decided = 0;
  const stopTail = await tailTopics(kafka, [`${prefix}${Topics.ReviewDecided}`], true, () => void decided++);
  const publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-producer', topicPrefix: prefix }));
  await publisher.connect();
  for (let i = 0; i < cases; i += 500) {
    await publisher.publishAll(Array.from({ length: Math.min(500, cases - i) }, (_, j) => ({ topic: Topics.ReviewRequested, data: request(`rc-${run}-${i + j}`, i + j) })));
  }
  await publisher.disconnect();

  const tokens: string[] = [];
  for (let i = 0; i < names.length; i += 8) {
    tokens.push(
      ...(await Promise.all(
        names.slice(i, i + 8).map(async (username) => {
          const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'bench-password' }) });
          return ((await response.json()) as { token: string }).token;
        }),
      )),
    );
  }
  // The read model is filled by the service's consumer: wait until the queue holds every case.
  for (;;) {
    const response = await fetch(`${url}/api/queue?limit=1`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    if (((await response.json()) as { total: number }).total >= cases) break;
    await new Promise((r) => setTimeout(r, 200)); // polling the service's own state
  }

  let next = 0;
  // Authorization only: autocannon shares one header object between a connection's requests, and
  // a content-length set for a POST would then hang the next GET. Approve needs no body.
  const setupClient = (client: autocannon.Client) => client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });
  const cpuBefore = await cpuSeconds(review.pid!);
  const reading = await autocannon({ url, connections: reviewers, duration: seconds / 2, setupClient, requests: [{ method: 'GET', path: '/api/queue?limit=20' }] });
  const decidedBefore = decided;
  // Working the queue as the UI does: each reviewer reads their queue, opens one of the first 20
  // nobody has claimed (opening claims it), and approves it; again and again, without pause. A loop per reviewer rather than autocannon: its request chaining could
  // not carry the case id from one answer into the next request here (the approvals hung).
  const statuses = new Map<number, number>();
  const claims = new Map<number, number>();
  const latencies = { read: [] as number[], claim: [] as number[], approve: [] as number[] };
  let failures = 0;
  const conflictSamples = new Set<string>();
  const until = Date.now() + (seconds / 2) * 1_000;
  const started = Date.now();
  await Promise.all(
    tokens.map(async (token) => {
      const headers = { authorization: `Bearer ${token}` };
      while (Date.now() < until) {
        try {
          let t = performance.now();
          const queue = (await (await fetch(`${url}/api/queue?limit=20`, { headers })).json()) as { items: { caseId: string; claimedBy: unknown }[] };
          latencies.read.push(performance.now() - t);
          const free = queue.items.filter((item) => !item.claimedBy);
          if (queue.items.length === 0) break;
          const pause = () => (thinkMs > 0 ? new Promise((r) => setTimeout(r, thinkMs / 4)) : Promise.resolve());
          if (free.length === 0) {
            await pause();
            continue;
          }
          const pick = free[Math.floor(Math.random() * free.length)].caseId;
          t = performance.now();
          const claim = await fetch(`${url}/api/cases/${encodeURIComponent(pick)}/claim`, { method: 'POST', headers });
          await claim.arrayBuffer();
          latencies.claim.push(performance.now() - t);
          claims.set(claim.status, (claims.get(claim.status) ?? 0) + 1);
          if (claim.status !== 200) {
            await pause(); // someone else opened it first: back to the queue
            continue;
          }
          t = performance.now();
          const answer = await fetch(`${url}/api/cases/${encodeURIComponent(pick)}/approve`, { method: 'POST', headers });
          const text = await answer.text();
          if (answer.status === 409 && conflictSamples.size < 5) conflictSamples.add(text.replace(/[a-z0-9-]+-\d+/g, '<case>').slice(0, 160));
          latencies.approve.push(performance.now() - t);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random()))); // a person reading the next case
        } catch {
          failures++;
        }
      }
    }),
  );
  const workSeconds = (Date.now() - started) / 1_000;
  const conflicts = { n: statuses.get(409) ?? 0 };
  const cpu = (await cpuSeconds(review.pid!)) - cpuBefore;
  // Let the tail read what was published during the run: until the count stops growing.
  for (let last = -1; decided !== last; ) {
    last = decided;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  review.kill('SIGTERM');
  await stopTail();
  await removeRunData(brokers, prefix, benchMongoBase, `bench_${run}_`);

  const row = (name: string, r: autocannon.Result, errors: number) =>
    [name, `${Math.round(r.requests.average).toLocaleString('en')}/s`, `${r.latency.p50} ms`, `${r.latency.p99} ms`, `${errors}`] as const;
  const loopRow = (name: string, values: number[], errors: number) => {
    const s = summarize(values.map((v) => Math.round(v)));
    return [name, `${Math.round(values.length / workSeconds).toLocaleString('en')}/s`, `${s.p50} ms`, `${s.p99} ms`, `${errors}`] as const;
  };
  const serverErrors = [...statuses].filter(([status]) => status >= 500 || (status >= 400 && status !== 409)).reduce((n, [, c]) => n + c, 0);
  const rows = [
    ['phase', 'requests', 'p50', 'p99', 'errors'],
    row(`read the queue (${reviewers} reviewers, autocannon)`, reading, reading.errors + reading.non2xx),
    loopRow(`work the queue: read (${reviewers} reviewers)`, latencies.read, failures),
    loopRow(`work the queue: claim (${reviewers} reviewers)`, latencies.claim, [...claims].filter(([status]) => status !== 200 && status !== 409).reduce((n, [, c]) => n + c, 0)),
    loopRow(`work the queue: approve (${reviewers} reviewers)`, latencies.approve, serverErrors),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  process.stdout.write(`\nReview API benchmark (${cases} open cases, one review replica, broker and FerretDB on the same 2 cores; think time ${thinkMs} ms)\n`);
  for (const r of rows) process.stdout.write(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`);
  process.stdout.write(`  claims that lost the race to another reviewer (409): ${claims.get(409) ?? 0}; approvals refused (409): ${conflicts.n}\n`);
  process.stdout.write(`  approvals (review.decided read back from Kafka): ${decided - decidedBefore} (${((decided - decidedBefore) / workSeconds).toFixed(0)}/s)\n`);
  for (const sample of conflictSamples) process.stdout.write(`  a 409: ${sample}\n`);
  process.stdout.write(`  approve answers by status: ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}\n`);
  process.stdout.write(`  review service CPU: ${cpu.toFixed(1)} s over ${seconds} s\n`);
  if (values.json) {
    const loop = (values: number[]) => ({ perSecond: Math.round(values.length / workSeconds), ...summarize(values.map((v) => Math.round(v))) });
    writeResults(values.json, {
      bench: 'review-api',
      result: {
        options: { reviewers, cases, seconds, thinkMs },
        readQueue: { perSecond: Math.round(reading.requests.average), p50: reading.latency.p50, p99: reading.latency.p99, errors: reading.errors + reading.non2xx },
        work: { read: loop(latencies.read), claim: loop(latencies.claim), approve: loop(latencies.approve) },
        approvals: decided - decidedBefore,
        serverErrors,
        cpuSeconds: cpu,
      },
    });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
