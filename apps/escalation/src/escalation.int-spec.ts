import { ALL_TOPICS, dlqTopicOf, exampleOf, physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { MongoClient } from 'mongodb';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

/** A webhook receiver: records every request; answers 500 to the first `failures` per delivery, and to all while `down`. */
async function receiver(failures = 0): Promise<{ server: Server; url: string; received: Received[]; down: boolean }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const state = { down: false };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const delivery = String(req.headers['x-hitl-delivery']);
      const n = (seen.get(delivery) ?? 0) + 1;
      seen.set(delivery, n);
      res.statusCode = state.down || n <= failures ? 500 : 200;
      received.push({ headers: req.headers, body, status: res.statusCode });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received });
}

type Fired = EventOf<typeof Topics.EscalationFired>;
type Requested = EventOf<typeof Topics.ReviewRequested>;

// 3,600× real time: the ladder's 30 / 60 / 120 minutes become 0.5 / 1 / 2 s, through the same
// durable code path (buckets, claims) as in production.
const SCALE = 3_600;

describe('escalation through the real broker and database', () => {
  const prefix = testTopicPrefix();
  const t = (topic: (typeof ALL_TOPICS)[number]) => physicalTopic(topic, prefix);
  const databaseUri = freshDatabaseUri('escalation');
  const webhooksFile = join(mkdtempSync(join(tmpdir(), 'hitl-hooks-')), 'webhooks.yaml');
  const SECRET = 'a-long-enough-test-secret';
  let good: Awaited<ReturnType<typeof receiver>>;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  // The senior investigator's receiver (critical flags escalate to that role at once), taken down at will.
  let investigator: Awaited<ReturnType<typeof receiver>>;
  const env = {
    ESCALATION_WEBHOOKS_FILE: webhooksFile,
    ESCALATION_WEBHOOK_BACKOFF_MS: '300',
    KAFKA_BROKERS: testBrokers().join(','),
    TOPIC_PREFIX: prefix,
    MONGODB_URI: databaseUri,
    ESCALATION_TIME_SCALE: String(SCALE),
    ESCALATION_TICK_MS: '200',
    ESCALATION_BUCKET_MS: '1000',
    ESCALATION_LEASE_MS: '3000',
    ESCALATION_PENDING_SCAN_MS: '100',
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
  };
  let publisher: EventPublisher;
  let collector: TopicCollector;
  const running: RunningService[] = [];

  const fired = (caseId: string) => collector.on(t(Topics.EscalationFired)).filter((m) => m.key === caseId).map((m) => m.json<Fired>());
  const request = (caseId: string, overrides: Partial<Requested> = {}): Requested => {
    const now = new Date();
    return { ...exampleOf(Topics.ReviewRequested), caseId, predictionId: caseId, round: 1, reason: 'band', triggers: [], requestedAt: now.toISOString(), dueAt: new Date(now.getTime() + 3_600_000).toISOString(), ...overrides };
  };
  const start = async (): Promise<RunningService> => {
    const service = RunningService.start('escalation', env);
    running.push(service);
    await service.waitUntilListening();
    await service.waitUntilReady();
    return service;
  };
  /** Waits for a whole fresh ladder to fire: everything published before it has been seen too. */
  const barrier = async () => {
    const id = `barrier-${secureRandom(3)}`;
    await publisher.publish(Topics.ReviewRequested, request(id));
    await waitFor(() => fired(id).length >= 3, { timeoutMs: 30_000, description: `the ladder of ${id}` });
  };

  beforeAll(async () => {
    good = await receiver();
    flaky = await receiver(2);
    investigator = await receiver();
    writeFileSync(
      webhooksFile,
      `webhooks:\n  - role: team_lead\n    url: ${good.url}\n    secret: ${SECRET}\n  - role: "*"\n    url: ${flaky.url}\n    secret: ${SECRET}\n    format: slack\n  - role: senior_investigator\n    url: ${investigator.url}\n    secret: ${SECRET}\n`,
    );
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [t(topic), dlqTopicOf(t(topic))]), 3);
    collector = await TopicCollector.start(kafka, [t(Topics.EscalationFired)]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    await start();
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.process.stop()));
    good?.server.close();
    flaky?.server.close();
    investigator?.server.close();
    await publisher?.disconnect();
    await collector?.stop();
  });

  it('an untouched review climbs the ladder: team lead, department head, on-call manager, in order, each once', async () => {
    const caseId = `ladder-${secureRandom(3)}`;
    const sent = request(caseId);
    await publisher.publish(Topics.ReviewRequested, sent);
    await waitFor(() => fired(caseId).length >= 3, { timeoutMs: 30_000, description: 'three escalations' });
    await barrier();
    const events = fired(caseId);
    expect(events.map((e) => [e.level, e.escalateTo, e.reason])).toEqual([
      [1, 'team_lead', 'timeout'],
      [2, 'department_head', 'timeout'],
      [3, 'on_call_manager', 'timeout'],
    ]);
    // Not before its time: 30, 60, 120 scaled minutes after the request.
    const requested = Date.parse(sent.requestedAt);
    events.forEach((e, i) => expect(Date.parse(e.firedAt) - requested).toBeGreaterThanOrEqual(([30, 60, 120][i] * 60_000) / SCALE));
  });

  it('a decision before the first deadline cancels all of them', async () => {
    const caseId = `decided-${secureRandom(3)}`;
    const sent = request(caseId, { requestedAt: new Date(Date.now() + 1_000).toISOString(), dueAt: new Date(Date.now() + 3_600_000).toISOString() });
    await publisher.publish(Topics.ReviewRequested, sent);
    const decidedAt = new Date().toISOString();
    await publisher.publish(Topics.ReviewDecided, { caseId, decisionId: `d-${caseId}`, reviewerId: 'sam', role: 'support_lead', action: 'approve', outcome: 'approve', agreesWithAi: true, round: 1, startedAt: decidedAt, decidedAt });
    await barrier();
    await barrier(); // the second ladder starts after the first deadline of the decided case was due
    expect(fired(caseId)).toEqual([]);
  });

  it('/metrics shows the timer wheel: deadlines pending (cancelled ones leave), how far behind it runs, escalations fired', async () => {
    const metricsOf = async () => {
      const text = await (await fetch(`${running[0].url}/metrics`)).text();
      return (name: string) => Number(new RegExp(`^${name}\\{service="hitl-escalation"\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    };
    await barrier(); // every earlier ladder has fired (the decided case's was cancelled): none pending
    // Four reviews requested for an hour from now: three rungs each wait.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const ids = [0, 1, 2, 3].map((i) => `pending-${i}-${secureRandom(3)}`);
    for (const id of ids) await publisher.publish(Topics.ReviewRequested, request(id, { requestedAt: later }));
    const pendingIs = (expected: number) => async () => {
      const pending = (await metricsOf())('hitl_timers_pending');
      if (pending !== expected) throw new Error(`hitl_timers_pending is ${pending}`);
      return true;
    };
    await waitFor(pendingIs(12), { timeoutMs: 20_000, description: '12 pending deadlines' });
    // Two of them decided: their six deadlines are cancelled.
    for (const id of ids.slice(0, 2)) {
      const at = new Date().toISOString();
      await publisher.publish(Topics.ReviewDecided, { caseId: id, decisionId: `d-${id}`, reviewerId: 'sam', role: 'support_lead', action: 'approve', outcome: 'approve', agreesWithAi: true, round: 1, startedAt: at, decidedAt: at });
    }
    await waitFor(pendingIs(6), { timeoutMs: 20_000, description: '6 pending deadlines' });
    const metric = await metricsOf();
    // The wheel keeps up: its oldest open bucket began within a couple of buckets (1 s here).
    expect(metric('hitl_timers_cursor_lag_seconds')).toBeLessThan(5);
    expect(metric('hitl_timers_due_unfired')).toBe(0);
    // Every escalation.fired this replica (the only one so far) published, and no more.
    expect(metric('hitl_escalations_fired_total')).toBe(new Set(collector.on(t(Topics.EscalationFired)).map((m) => m.headers.ce_id)).size);
  });

  it('a critical flag escalates when the review is requested, before any timer', async () => {
    const caseId = `fraud-${secureRandom(3)}`;
    const sent = request(caseId, { triggers: [{ kind: 'critical_flag', name: 'fraud_suspected' }] });
    await publisher.publish(Topics.ReviewRequested, sent);
    const [first] = await waitFor(() => (fired(caseId).length > 0 ? fired(caseId) : undefined), { description: 'the immediate escalation' });
    expect(first).toMatchObject({ level: 1, escalateTo: 'senior_investigator', reason: 'critical' });
    expect(Date.parse(first.firedAt)).toBeLessThan(Date.parse(sent.requestedAt) + (30 * 60_000) / SCALE);
  });

  it('a manual escalation goes to the next rung at once', async () => {
    const caseId = `manual-${secureRandom(3)}`;
    await publisher.publish(Topics.ReviewRequested, request(caseId, { requestedAt: new Date(Date.now() + 60_000).toISOString(), dueAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const at = new Date().toISOString();
    await publisher.publish(Topics.ReviewDecided, { caseId, decisionId: `m-${caseId}`, reviewerId: 'alex', role: 'account_manager', action: 'escalate', reason: 'Customer threatens to churn', agreesWithAi: true, round: 1, startedAt: at, decidedAt: at });
    const [first] = await waitFor(() => (fired(caseId).length > 0 ? fired(caseId) : undefined), { description: 'the manual escalation' });
    expect(first).toMatchObject({ level: 1, escalateTo: 'team_lead', reason: 'manual', detail: 'Customer threatens to churn' });
  });

  it('notifies the webhook of the role with a signed body; a failing receiver is retried and does not hold up the ladder', async () => {
    const caseId = `hook-${secureRandom(3)}`;
    await publisher.publish(Topics.ReviewRequested, request(caseId));
    const hit = await waitFor(() => good.received.find((r) => r.body.includes(caseId)), { timeoutMs: 30_000, description: 'the team lead webhook' });
    const timestamp = String(hit.headers['x-hitl-timestamp']);
    expect(hit.headers['x-hitl-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${hit.body}`).digest('hex')}`);
    expect(JSON.parse(hit.body)).toMatchObject({ type: Topics.EscalationFired, data: { caseId, level: 1, escalateTo: 'team_lead', reason: 'timeout' } });
    // The ladder went on while the failing receiver was being retried.
    await waitFor(() => fired(caseId).length >= 3, { timeoutMs: 30_000, description: 'the rest of the ladder' });
    const firstDelivery = (r: Received) => String(r.headers['x-hitl-delivery']).startsWith(`${caseId}:`) && r.body.includes('level 1');
    await waitFor(() => flaky.received.filter(firstDelivery).length >= 3, { timeoutMs: 30_000, description: 'two retries after two failures' });
    const attempts = flaky.received.filter(firstDelivery);
    expect(attempts).toHaveLength(3);
    expect(JSON.parse(attempts[0].body).text).toMatch(new RegExp(`Case ${caseId} escalated to team_lead \\(level 1, timeout\\)`));
    const client = await MongoClient.connect(databaseUri);
    try {
      const log = await client.db().collection('webhook_deliveries').find({ escalationId: { $regex: `^${caseId}:` } } as never).toArray();
      expect(log.filter((l) => l.url === flaky.url && !l.delivered).length).toBeGreaterThanOrEqual(2);
      expect(log.some((l) => l.url === good.url && l.delivered)).toBe(true);
    } finally {
      await client.close();
    }
    // The same attempts as Prometheus counters: at least the two failures and the deliveries.
    const metrics = await (await fetch(`${running[0].url}/metrics`)).text();
    const count = (outcome: string) => Number(new RegExp(`^hitl_webhook_deliveries_total\\{outcome="${outcome}",service="hitl-escalation"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('failed')).toBeGreaterThanOrEqual(2);
    expect(count('delivered')).toBeGreaterThanOrEqual(2);
  });

  it('SIGKILL with pending deadlines, then restart: each fires exactly once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `kill-${secureRandom(2)}-${i}`);
    // Due 4 s from now and later: pending while the service dies.
    const requestedAt = new Date(Date.now() + 3_500).toISOString();
    for (const id of ids) await publisher.publish(Topics.ReviewRequested, request(id, { requestedAt, dueAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const client = await MongoClient.connect(databaseUri);
    try {
      await waitFor(async () => (await client.db().collection('cases').countDocuments({ _id: { $in: ids } } as never)) === ids.length, { description: 'the requests stored' });
    } finally {
      await client.close();
    }
    for (const service of running.splice(0)) {
      service.process.kill('SIGKILL');
      await service.process.waitForExit(10_000);
    }
    await start();
    await waitFor(() => ids.every((id) => fired(id).length >= 3), { timeoutMs: 60_000, description: 'every ladder after the restart' });
    await barrier();
    for (const id of ids) expect({ id, levels: fired(id).map((e) => e.level).sort() }).toEqual({ id, levels: [1, 2, 3] });
  });

  it('a webhook delivery still pending when the service is killed (SIGKILL) is resumed by the next one: same delivery id, delivered once', async () => {
    const caseId = `resume-${secureRandom(3)}`;
    investigator.down = true;
    await publisher.publish(Topics.ReviewRequested, request(caseId, { triggers: [{ kind: 'critical_flag', name: 'fraud_suspected' }] }));
    const mine = () => investigator.received.filter((r) => r.body.includes(caseId));
    await waitFor(() => mine().length >= 1, { timeoutMs: 30_000, description: 'a first, failed attempt' });
    // Killed once the failed attempt is in the delivery log (killed between the 500 and its log
    // line, the attempt is simply not logged: CI once saw that race).
    const pending = String(mine()[0].headers['x-hitl-delivery']);
    const logClient = await MongoClient.connect(databaseUri);
    try {
      await waitFor(async () => (await logClient.db().collection('webhook_deliveries').countDocuments({ delivery: pending, delivered: false } as never)) >= 1, { description: 'the failed attempt logged' });
    } finally {
      await logClient.close();
    }
    for (const service of running.splice(0)) {
      service.process.kill('SIGKILL');
      await service.process.waitForExit(10_000);
    }
    const failedBefore = mine().length;
    expect(mine().every((r) => r.status === 500)).toBe(true);
    investigator.down = false;
    await start();
    const delivered = await waitFor(() => mine().find((r) => r.status === 200), { timeoutMs: 30_000, description: 'the delivery resumed after the restart' });
    const ids = new Set(mine().map((r) => String(r.headers['x-hitl-delivery'])));
    expect(ids).toEqual(new Set([String(delivered.headers['x-hitl-delivery'])]));
    expect(mine().filter((r) => r.status === 200)).toHaveLength(1);
    expect(mine().length).toBeGreaterThan(failedBefore);
    const client = await MongoClient.connect(databaseUri);
    try {
      const db = client.db();
      const delivery = String(delivered.headers['x-hitl-delivery']);
      await waitFor(async () => (await db.collection('webhook_outbox').countDocuments({ _id: delivery } as never)) === 0, { description: 'the delivery out of the outbox' });
      const log = await db.collection('webhook_deliveries').find({ delivery } as never).toArray();
      expect(log.filter((l) => l.delivered)).toHaveLength(1);
      expect(log.filter((l) => !l.delivered).length).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
    }
  });

  it('two replicas against the same data: each deadline fires once', async () => {
    await start(); // a second replica next to the one running
    const ids = Array.from({ length: 10 }, (_, i) => `pair-${secureRandom(2)}-${i}`);
    for (const id of ids) await publisher.publish(Topics.ReviewRequested, request(id));
    await waitFor(() => ids.every((id) => fired(id).length >= 3), { timeoutMs: 60_000, description: 'every ladder with two replicas' });
    await barrier();
    for (const id of ids) expect({ id, levels: fired(id).map((e) => e.level).sort() }).toEqual({ id, levels: [1, 2, 3] });
  });
});
