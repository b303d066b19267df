// npm run bench:review -- [--reviewers 200] [--cases 4000] [--seconds 20]
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
import { benchBrokers as brokers, cpuSeconds, startService } from './service-process';

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
  const { values } = parseArgs({ options: { reviewers: { type: 'string', default: '200' }, cases: { type: 'string', default: '4000' }, seconds: { type: 'string', default: '20' } } });
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
  const setupClient = (client: autocannon.Client) => client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}`, 'content-type': 'application/json' });
  const cpuBefore = await cpuSeconds(review.pid!);
  const reading = await autocannon({ url, connections: reviewers, duration: seconds / 2, setupClient, requests: [{ method: 'GET', path: '/api/queue?limit=20' }] });
  const decidedBefore = decided;
  const conflicts = { n: 0 };
  const approved = { n: 0 };
  const working = await autocannon({
    url,
    connections: reviewers,
    duration: seconds / 2,
    setupClient,
    requests: [
      {
        method: 'GET',
        path: '/api/queue?limit=20',
        onResponse: (status: number, body: string, ctx: object) => {
          const context = ctx as { caseId?: string };
          const items = status === 200 ? (JSON.parse(body) as { items: { caseId: string }[] }).items : [];
          context.caseId = items.length > 0 ? items[Math.floor(Math.random() * items.length)].caseId : undefined;
        },
      },
      {
        method: 'POST',
        setupRequest: (req: autocannon.Request, ctx: object) => {
          const context = ctx as { caseId?: string };
          return context.caseId ? { ...req, path: `/api/cases/${encodeURIComponent(String(context.caseId))}/approve`, body: '{}' } : (undefined as unknown as autocannon.Request);
        },
        onResponse: (status: number) => {
          if (status === 409) conflicts.n++;
          if (status === 200) approved.n++;
        },
      },
    ],
  });
  const cpu = (await cpuSeconds(review.pid!)) - cpuBefore;
  // Every approval answered 200 was published before the answer: wait until the tail has read them all.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && decided - decidedBefore < approved.n) await new Promise((r) => setTimeout(r, 100));
  review.kill('SIGTERM');
  await stopTail();

  const row = (name: string, r: autocannon.Result, errors: number) =>
    [name, `${Math.round(r.requests.average).toLocaleString('en')}/s`, `${r.latency.p50} ms`, `${r.latency.p99} ms`, `${errors}`] as const;
  const rows = [
    ['phase', 'requests', 'p50', 'p99', 'errors'],
    row(`read the queue (${reviewers} reviewers)`, reading, reading.errors + reading.non2xx),
    row(`work the queue: read + approve (${reviewers} reviewers)`, working, working.errors + working.non2xx - conflicts.n),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  process.stdout.write(`\nReview API benchmark (${cases} open cases, one review replica, broker and FerretDB on the same 2 cores)\n`);
  for (const r of rows) process.stdout.write(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`);
  process.stdout.write(`  approvals that lost the race to another reviewer (409): ${conflicts.n}\n`);
  process.stdout.write(`  approvals answered 200: ${approved.n} (${(approved.n / (seconds / 2)).toFixed(0)}/s); review.decided read back from Kafka: ${decided - decidedBefore}\n`);
  process.stdout.write(`  review service CPU: ${cpu.toFixed(1)} s over ${seconds} s\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
