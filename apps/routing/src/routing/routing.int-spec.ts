import { ALL_TOPICS, dlqTopicOf, physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, policyFileWith, RunningService, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { decision, scored } from './fixtures.test-helper';

type Finalized = EventOf<typeof Topics.DecisionFinalized>;
type Requested = EventOf<typeof Topics.ReviewRequested>;

/** The default policy plus a category in the rollout's shadow stage. */
const policyFile = () => policyFileWith((policy) => (policy.categories = { ...policy.categories, shadow_claims: { rollout: 'shadow' } }));

describe('routing through the real broker and database', () => {
  const prefix = testTopicPrefix();
  const t = (topic: (typeof ALL_TOPICS)[number]) => physicalTopic(topic, prefix);
  let routing: RunningService;
  let publisher: EventPublisher;
  let collector: TopicCollector;
  const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('routing'), POLICY_FILE: policyFile(), CONSUMER_SESSION_TIMEOUT_MS: '6000' };

  const finalized = (caseId: string) => collector.on(t(Topics.DecisionFinalized)).filter((m) => m.key === caseId).map((m) => m.json<Finalized>());
  const requested = (caseId: string) => collector.on(t(Topics.ReviewRequested)).filter((m) => m.key === caseId).map((m) => m.json<Requested>());
  const waitFinal = (caseId: string) => waitFor(() => finalized(caseId)[0], { description: `decision.finalized for ${caseId}` });
  const waitRequests = async (caseId: string, n: number): Promise<Requested[]> => {
    await waitFor(() => requested(caseId).length >= n, { description: `${n} review.requested for ${caseId}` });
    return requested(caseId);
  };

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [t(topic), dlqTopicOf(t(topic))]), 3);
    collector = await TopicCollector.start(kafka, [t(Topics.DecisionFinalized), t(Topics.ReviewRequested), t(Topics.RevisionRequested), dlqTopicOf(t(Topics.ReviewDecided)), dlqTopicOf(t(Topics.PredictionScored))]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    routing = RunningService.start('routing', env);
    await routing.waitUntilListening();
    await routing.waitUntilReady();
  });

  afterAll(async () => {
    await routing?.process.stop();
    await publisher?.disconnect();
    await collector?.stop();
  });

  it('auto-approves a confident case of an automatable tier: one decision, decided by auto', async () => {
    await publisher.publish(Topics.PredictionScored, scored('auto-1', { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40, riskLevel: 'low' }));
    expect(await waitFinal('auto-1')).toMatchObject({ outcome: 'approve', decidedBy: 'auto', approvers: [], band: 'auto_approve', tier: 'single_approver' });
    expect(requested('auto-1')).toEqual([]);
  });

  it('audits: over 10,000 auto-approvals in the audit band, the sampled share is the policy rate (5%) within tolerance, each with its audit request', async () => {
    const run = `audit-${Date.now().toString(36)}`;
    const ids = Array.from({ length: 10_000 }, (_, i) => `${run}-${i}`);
    for (let i = 0; i < ids.length; i += 500) {
      await publisher.publishAll(ids.slice(i, i + 500).map((id) => ({ topic: Topics.PredictionScored, data: scored(id, { overall: 0.9, band: 'auto_approve_audit', category: 'refund', value: 40, riskLevel: 'low' }) })));
    }
    const mine = new Set(ids);
    const finals = () => collector.on(t(Topics.DecisionFinalized)).filter((m) => mine.has(m.key ?? ''));
    await waitFor(() => finals().length >= ids.length, { timeoutMs: 110_000, intervalMs: 500, description: '10,000 decisions' });
    const decided = finals().map((m) => m.json<EventOf<typeof Topics.DecisionFinalized>>());
    expect(new Set(decided.map((d) => d.caseId)).size).toBe(ids.length);
    expect(decided.every((d) => d.decidedBy === 'auto')).toBe(true);
    const sampled = new Set(decided.filter((d) => d.auditSampled).map((d) => d.caseId));
    // Deterministic by case id; over 10,000 ids the share is 5% ± 1 point (binomial sd 0.22 points).
    expect(sampled.size / ids.length).toBeGreaterThan(0.04);
    expect(sampled.size / ids.length).toBeLessThan(0.06);
    // Each sampled one, and only those, goes to a person as an audit.
    await waitFor(() => collector.on(t(Topics.ReviewRequested)).filter((m) => mine.has(m.key ?? '')).length >= sampled.size, { description: 'the audit requests' });
    const audits = collector.on(t(Topics.ReviewRequested)).filter((m) => mine.has(m.key ?? '')).map((m) => m.json<EventOf<typeof Topics.ReviewRequested>>());
    expect(audits.every((r) => r.reason === 'audit')).toBe(true);
    expect(new Set(audits.map((r) => r.caseId))).toEqual(sampled);
  });

  it('asks a person, and the approval becomes the decision', async () => {
    await publisher.publish(Topics.PredictionScored, scored('human-1', { category: 'refund' }));
    const [request] = await waitRequests('human-1', 1);
    expect(request).toMatchObject({ tier: 'single_approver', eligibleRoles: ['support_lead', 'account_manager'], reason: 'band', round: 1 });
    await publisher.publish(Topics.ReviewDecided, decision('human-1', 'ann', 'support_lead', 'approve'));
    expect(await waitFinal('human-1')).toMatchObject({ decidedBy: 'human', approvers: [{ reviewerId: 'ann', role: 'support_lead' }] });
  });

  it('dual approval: the same reviewer twice is refused; two distinct approvers decide', async () => {
    await publisher.publish(Topics.PredictionScored, scored('dual-1', { category: 'large_refund' }));
    await waitRequests('dual-1', 1);
    await publisher.publish(Topics.ReviewDecided, decision('dual-1', 'mia', 'manager', 'approve'));
    await publisher.publish(Topics.ReviewDecided, decision('dual-1', 'mia', 'manager', 'approve'));
    await publisher.publish(Topics.ReviewDecided, decision('dual-1', 'carl', 'compliance_officer', 'approve'));
    expect((await waitFinal('dual-1')).approvers).toEqual([
      { reviewerId: 'mia', role: 'manager' },
      { reviewerId: 'carl', role: 'compliance_officer' },
    ]);
  });

  it('a disagreement goes to a senior arbiter whose decision is final', async () => {
    await publisher.publish(Topics.PredictionScored, scored('split-1', { category: 'large_refund' }));
    await waitRequests('split-1', 1);
    await publisher.publish(Topics.ReviewDecided, decision('split-1', 'mia', 'manager', 'approve'));
    await publisher.publish(Topics.ReviewDecided, decision('split-1', 'carl', 'compliance_officer', 'override'));
    const requests = await waitRequests('split-1', 2);
    expect(requests[1]).toMatchObject({ reason: 'disagreement', eligibleRoles: ['senior_reviewer'] });
    await publisher.publish(Topics.ReviewDecided, decision('split-1', 'sam', 'senior_reviewer', 'override'));
    expect(await waitFinal('split-1')).toMatchObject({ outcome: 'deny' });
  });

  it('request info goes back to the producer; refined predictions re-enter the case; past the maximum rounds it escalates', async () => {
    await publisher.publish(Topics.PredictionScored, scored('rev-1', { category: 'refund' }));
    await waitRequests('rev-1', 1);
    for (let round = 1; round <= 2; round++) {
      await publisher.publish(Topics.ReviewDecided, decision('rev-1', 'ann', 'support_lead', 'request_info', { round }));
      await waitFor(() => collector.on(t(Topics.RevisionRequested)).filter((m) => m.key === 'rev-1').length === round, { description: `revision ${round}` });
      await publisher.publish(Topics.PredictionScored, scored('rev-1', { category: 'refund', round: round + 1 }));
      expect((await waitRequests('rev-1', round + 1))[round]).toMatchObject({ reason: 'revision', round: round + 1 });
    }
    await publisher.publish(Topics.ReviewDecided, decision('rev-1', 'ann', 'support_lead', 'request_info', { round: 3 }));
    expect((await waitRequests('rev-1', 4))[3]).toMatchObject({ reason: 'max_rounds', round: 3 });
    expect(finalized('rev-1')).toEqual([]);
  });

  it('shadow mode: what automation would approve goes to a person, and the decision says shadow', async () => {
    await publisher.publish(Topics.PredictionScored, scored('shadow-1', { overall: 0.99, band: 'auto_approve', category: 'shadow_claims', value: 10, riskLevel: 'low' }));
    const [request] = await waitRequests('shadow-1', 1);
    expect(request.reason).toBe('shadow');
    expect(request.rollout).toBe('shadow'); // the reviewer decides blind
    await publisher.publish(Topics.ReviewDecided, decision('shadow-1', 'ann', 'support_lead', 'approve'));
    expect(await waitFinal('shadow-1')).toMatchObject({ shadow: true, decidedBy: 'human' });
  });

  it('a verdict on a calibration exercise decides nothing: routing skips it, while a decision on an unknown case goes to the DLQ', async () => {
    const caseId = 'exercise-unknown-1';
    // Same key, same partition, in order: the exercise verdict first, then an ordinary decision on the same (unknown) case.
    await publisher.publish(Topics.ReviewDecided, decision(caseId, 'ann', 'support_lead', 'approve', { decisionId: 'ex-verdict', exercise: true }));
    await publisher.publish(Topics.ReviewDecided, decision(caseId, 'ann', 'support_lead', 'approve', { decisionId: 'live-decision' }));
    const dead = () => collector.on(dlqTopicOf(t(Topics.ReviewDecided))).filter((m) => m.key === caseId);
    await waitFor(() => dead().length >= 1, { description: 'the unknown-case decision in the DLQ' });
    expect(dead().map((m) => m.json<{ decisionId: string }>().decisionId)).toEqual(['live-decision']);
  });

  it('drops no prediction in silence: an exact copy is a counted no-op; a changed one after the decision, or a round nobody asked for, goes to the dead-letter topic with its code', async () => {
    const id = `resent-${Date.now().toString(36)}`;
    const first = scored(id, { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40, riskLevel: 'low' });
    await publisher.publish(Topics.PredictionScored, first);
    expect(await waitFinal(id)).toMatchObject({ decidedBy: 'auto' });
    const scrape = async () => (await fetch(`${routing.url}/metrics`)).text();
    const duplicates = async () => Number(/^hitl_predictions_duplicate_total\{[^}]*\} (\S+)$/m.exec(await scrape())?.[1] ?? 0);
    const before = await duplicates();
    await publisher.publish(Topics.PredictionScored, first); // the producer sent it twice
    await publisher.publish(Topics.PredictionScored, { ...first, prediction: { ...first.prediction, recommendation: 'deny' } });
    await publisher.publish(Topics.PredictionScored, { ...first, prediction: { ...first.prediction, round: 2 } });
    const dead = () => collector.on(dlqTopicOf(t(Topics.PredictionScored))).filter((m) => m.key === id);
    await waitFor(() => dead().length >= 2, { description: 'the two refused predictions in the DLQ' });
    expect(dead().map((m) => [m.json<{ prediction: { recommendation: string; round: number } }>().prediction.round, m.headers.dlq_error_code, m.headers.dlq_error])).toEqual([
      [1, 'PREDICTION_ALREADY_DECIDED', expect.stringMatching(/the case was finalized \(approve\)/)],
      [2, 'REVISION_NOT_REQUESTED', expect.stringMatching(/no revision was asked for that round/)],
    ]);
    expect(await duplicates()).toBe(before + 1);
    // One decision, never a second.
    expect(finalized(id)).toHaveLength(1);
    const metrics = await scrape();
    for (const code of ['PREDICTION_ALREADY_DECIDED', 'REVISION_NOT_REQUESTED']) expect(metrics).toMatch(new RegExp(`^hitl_dead_letters_total\\{[^}]*code="${code}"[^}]*\\} 1$`, 'm'));
  });

  it('GET /metrics: Prometheus counters of what the tests above consumed, produced and dead-lettered, handler latency, lag, HTTP, process', async () => {
    // The unknown-case decision of the test above is dead-lettered: wait until routing counted it.
    const scrape = async () => (await fetch(`${routing.url}/metrics`)).text();
    // A sample: its metric name and labels (in any order), and its value.
    const samples = (text: string) =>
      text
        .split('\n')
        .map((line) => /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line))
        .filter((m) => m !== null)
        .map(([, name, labels, v]) => ({ name, labels: Object.fromEntries([...(labels ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, x]) => [k, x])), value: Number(v) }));
    const value = (text: string, series: { name: string; labels: Record<string, string> }) =>
      samples(text).find((x) => x.name === series.name && Object.entries({ ...series.labels, service: 'hitl-routing' }).every(([k, v]) => x.labels[k] === v))?.value;
    const label = (name: string, labels: Record<string, string>) => ({ name, labels });
    await waitFor(async () => (value(await scrape(), label('hitl_dead_letters_total', { topic: t(Topics.ReviewDecided), code: 'UNKNOWN_CASE' })) ?? 0) >= 1, { description: 'the dead letter counted' });
    const response = await fetch(`${routing.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    // Routing consumed predictions and decisions, and produced decisions and review requests.
    expect(value(text, label('hitl_messages_consumed_total', { topic: t(Topics.PredictionScored), outcome: 'ok' }))).toBeGreaterThanOrEqual(10_000);
    expect(value(text, label('hitl_messages_produced_total', { topic: t(Topics.DecisionFinalized) }))).toBeGreaterThanOrEqual(10_000);
    expect(value(text, label('hitl_messages_produced_total', { topic: t(Topics.ReviewRequested) }))).toBeGreaterThan(0);
    expect(value(text, label('hitl_handler_duration_seconds_count', { topic: t(Topics.PredictionScored) }))).toBeGreaterThan(0);
    // Caught up: no lag left on the partitions it consumed.
    const lags = samples(text).filter((x) => x.name === 'hitl_consumer_lag' && x.labels.topic === t(Topics.PredictionScored));
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.map((x) => x.value)).toEqual(lags.map(() => 0));
    // HTTP by route pattern, and the process itself.
    expect(value(text, label('hitl_http_request_duration_seconds_count', { method: 'GET', route: '/health/ready', status: '200' }))).toBeGreaterThan(0);
    expect(text).toMatch(/^process_cpu_seconds_total\{service="hitl-routing"\} \d/m);
  });

  it('duplicated and reordered events still give exactly one decision', async () => {
    const event = scored('dup-1', { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40 });
    await publisher.publish(Topics.PredictionScored, event, { id: 'same-id' });
    await publisher.publish(Topics.PredictionScored, event, { id: 'same-id' });
    await publisher.publish(Topics.PredictionScored, event, { id: 'another-id' }); // the producer sent it twice
    await publisher.publish(Topics.ReviewDecided, decision('dup-1', 'ann', 'support_lead', 'override')); // late, on a finalized case
    await publisher.publish(Topics.PredictionScored, scored('marker-1', { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40 }));
    await waitFinal('marker-1');
    await waitFor(() => finalized('dup-1').length >= 1);
    expect(finalized('dup-1')).toHaveLength(1);
  });

  it('SIGKILL mid-flow, then restart: every prediction is decided exactly once', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `kill-${i}`);
    await publisher.publishAll(ids.map((id) => ({ topic: Topics.PredictionScored, data: scored(id, { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40 }) })));
    await waitFor(() => ids.some((id) => finalized(id).length > 0), { description: 'the first decisions' }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- routing output ---\n${routing.process.output.slice(-4_000)}`);
    });
    routing.process.kill('SIGKILL');
    await routing.process.waitForExit();
    routing = RunningService.start('routing', env);
    await routing.waitUntilListening();
    await waitFor(() => ids.every((id) => finalized(id).length > 0), { timeoutMs: 90_000, description: 'all 120 decisions' });
    await publisher.publish(Topics.PredictionScored, scored('marker-2', { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40 }));
    await waitFinal('marker-2');
    const counts = ids.map((id) => finalized(id).length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
  });
});
