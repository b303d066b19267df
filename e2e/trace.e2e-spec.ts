import { ALL_TOPICS, dlqTopicOf, exampleOf, physicalTopic, Topics, type TopicName } from '@hitl/contracts';
import { createTopics, freshDatabaseUri, OtlpReceiver, produceRaw, RunningService, SERVICES, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor, type ReceivedSpan } from '@hitl/testing';
import { randomBytes } from 'node:crypto';

// One case is one trace: the five services exporting to a real OTLP/HTTP receiver, a prediction
// submitted with the producer's trace context, and every span the platform makes about that
// case, however long a person takes, in that one trace.
describe('one trace per case, across every service', () => {
  const prefix = testTopicPrefix();
  const topic = (name: TopicName) => physicalTopic(name, prefix);
  const services: Record<string, RunningService> = {};
  let receiver: OtlpReceiver;
  let collector: TopicCollector;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    await createTopics(testKafka(), ALL_TOPICS.flatMap((t) => [topic(t), dlqTopicOf(topic(t))]), 3);
    const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, ...receiver.env() };
    // Escalation's clock 600 times faster: the ladder's first rung (30 minutes) after 3 s.
    for (const name of SERVICES) services[name] = RunningService.start(name, { ...env, MONGODB_URI: freshDatabaseUri(name), ...(name === 'escalation' ? { ESCALATION_TIME_SCALE: '600' } : {}) });
    await Promise.all(Object.values(services).map((s) => s.waitUntilListening()));
    await Promise.all(Object.values(services).map((s) => s.waitUntilReady()));
    collector = await TopicCollector.start(testKafka(), [topic(Topics.DecisionFinalized), topic(Topics.ReviewRequested), topic(Topics.EscalationFired)]);
  });

  afterAll(async () => {
    await collector?.stop();
    await Promise.all(Object.values(services).map((s) => s.process.stop()));
    await receiver?.stop();
  });

  /** A refund as a producer sends it, in a trace the producer started. */
  async function submit(caseId: string, modelConfidence: number): Promise<string> {
    const traceId = randomBytes(16).toString('hex');
    const base = exampleOf(Topics.PredictionSubmitted);
    const prediction = {
      ...base,
      predictionId: caseId,
      category: 'refund',
      value: 40,
      riskLevel: 'low' as const,
      tags: [],
      submittedAt: new Date().toISOString(),
      signals: { modelConfidence, trainingDataCoverage: modelConfidence, inputQuality: 1, edgeCaseIndicators: 0.05 },
    };
    await produceRaw(testKafka(), topic(Topics.PredictionSubmitted), [{ key: caseId, value: JSON.stringify(prediction), headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } }]);
    return traceId;
  }

  const seen = (t: string, caseId: string) => collector.on(topic(t as TopicName)).some((m) => m.key === caseId);
  const servicesIn = (spans: ReceivedSpan[]) => new Set(spans.map((s) => s.service));

  /** Every span that names the case is in its one trace. */
  function expectOneTrace(caseId: string, traceId: string): void {
    const named = receiver.ofCase(caseId);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named.map((s) => s.traceId))).toEqual(new Set([traceId]));
  }

  it('auto path: scoring and routing continue the producer trace to decision.finalized', async () => {
    const caseId = `trace-auto-${run}`;
    const traceId = await submit(caseId, 0.99);
    await waitFor(() => seen(Topics.DecisionFinalized, caseId), { timeoutMs: 60_000, description: 'the auto decision' });
    const expected = [`hitl-scoring send ${topic(Topics.PredictionScored)}`, `hitl-routing send ${topic(Topics.DecisionFinalized)}`];
    await waitFor(() => expected.every((n) => receiver.inTrace(traceId).some((s) => `${s.service} ${s.name}` === n)), { timeoutMs: 30_000, description: "scoring's and routing's spans in the trace" });
    expectOneTrace(caseId, traceId);
  });

  it('human path: the review, the reviewer\'s action after the wait, escalation and feedback are all in the case\'s trace', async () => {
    const caseId = `trace-human-${run}`;
    const traceId = await submit(caseId, 0.75);
    await waitFor(() => seen(Topics.ReviewRequested, caseId), { timeoutMs: 60_000, description: 'the review request' });
    // A support lead opens the case in the review API and approves it.
    const login = await fetch(`${services.review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sam', password: 'review-demo' }) });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    await waitFor(async () => (await fetch(`${services.review.url}/api/cases/${caseId}`, { headers: auth })).status === 200, { description: 'the case in the review queue' });
    expect((await fetch(`${services.review.url}/api/cases/${caseId}/approve`, { method: 'POST', headers: auth })).status).toBe(200);
    await waitFor(() => seen(Topics.DecisionFinalized, caseId), { timeoutMs: 60_000, description: 'the human decision' });
    // Each service exports on its own schedule: wait until every expected span has arrived.
    const expected = [
      `hitl-scoring send ${topic(Topics.PredictionScored)}`,
      `hitl-routing send ${topic(Topics.ReviewRequested)}`,
      `hitl-review process ${topic(Topics.ReviewRequested)}`,
      `hitl-review send ${topic(Topics.ReviewDecided)}`,
      `hitl-escalation process ${topic(Topics.ReviewDecided)}`,
      `hitl-routing send ${topic(Topics.DecisionFinalized)}`,
      `hitl-feedback send ${topic(Topics.FeedbackCaptured)}`,
    ];
    const names = () => new Set(receiver.inTrace(traceId).map((s) => `${s.service} ${s.name}`));
    await waitFor(() => expected.every((n) => names().has(n)), { timeoutMs: 30_000, description: 'every service\'s span in the trace' });
    expect([...servicesIn(receiver.inTrace(traceId))].sort()).toEqual(['hitl-escalation', 'hitl-feedback', 'hitl-review', 'hitl-routing', 'hitl-scoring']);
    expectOneTrace(caseId, traceId);
    // The batches that handled it (escalation's ladders, feedback's counters) are traces of their own that link to it.
    const linking = receiver.spans.filter((s) => s.links.some((l) => l.traceId === traceId));
    expect([...servicesIn(linking)]).toEqual(expect.arrayContaining(['hitl-escalation', 'hitl-feedback']));
  });

  it('the libraries a case passes are traced too: the reviewer\'s HTTP request, its Nest handler, the MongoDB commands under it; probes are not', async () => {
    // The human path above approved trace-human-<run> over HTTP.
    const caseId = `trace-human-${run}`;
    const approve = () => receiver.spans.find((s) => s.service === 'hitl-review' && s.kind === 2 && s.attributes['url.path'] === `/api/cases/${caseId}/approve`);
    const server = await waitFor(approve, { timeoutMs: 30_000, description: "the approve request's server span" });
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const inRequest = () => receiver.spans.filter((s) => s.traceId === server.traceId);
    await waitFor(() => inRequest().some((s) => s.attributes['nestjs.type'] !== undefined) && inRequest().some((s) => s.attributes['db.system.name'] === 'mongodb'), { timeoutMs: 30_000, description: "Nest's and MongoDB's spans in the request's trace" });
    expect(inRequest().filter((s) => s.attributes['nestjs.type'] === 'handler').map((s) => s.name)).toContain('approve');
    const commands = inRequest().filter((s) => s.attributes['db.system.name'] === 'mongodb');
    expect(commands.map((s) => s.attributes['db.collection.name'])).toContain('queue');
    // Statements are recorded without their values (they may hold personal data).
    for (const c of commands) expect(String(c.attributes['db.query.text'] ?? '')).not.toContain(caseId);
    // The case's trace leads to the request: the approval's send links to it.
    const decided = receiver.ofCase(caseId).find((s) => s.service === 'hitl-review' && s.name === `send ${topic(Topics.ReviewDecided)}`)!;
    expect(decided.links.map((l) => l.traceId)).toContain(server.traceId);
    // Kubernetes' probes and Prometheus' scrapes make no spans (the tests polled /health/ready throughout).
    expect(receiver.spans.filter((s) => /^\/(health|metrics)/.test(String(s.attributes['url.path'] ?? '')))).toEqual([]);
  });

  it('a review nobody takes: the deadline stored with it fires into the case\'s trace', async () => {
    const caseId = `trace-stall-${run}`;
    const traceId = await submit(caseId, 0.75);
    await waitFor(() => seen(Topics.EscalationFired, caseId), { timeoutMs: 60_000, description: 'the first rung of the ladder' });
    await waitFor(() => receiver.inTrace(traceId).some((s) => s.service === 'hitl-escalation' && s.name === `send ${topic(Topics.EscalationFired)}`), { timeoutMs: 30_000, description: 'the escalation in the trace' });
    expectOneTrace(caseId, traceId);
  });
});
