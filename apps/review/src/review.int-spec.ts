import { ALL_TOPICS, dlqTopicOf, exampleOf, physicalTopic, Topics, type EventOf } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, policyFileWith, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { MongoClient } from 'mongodb';
import type { EncodedDocument } from '@hitl/platform';
import { exerciseIdOf } from './queue/exercises';
import { itemCodec } from './queue/queue-store';
import { AuditLog } from './audit';
import { ReviewClient, reviewRequest } from './review-client.test-helper';

type Decided = EventOf<typeof Topics.ReviewDecided>;

const LEASE_SECONDS = 3;

// The review API against the real broker and FerretDB. The test plays routing: it publishes
// review.requested / decision.finalized and reads the review.decided the API emits.
describe('review API through the real broker and database', () => {
  const prefix = testTopicPrefix();
  const t = (topic: (typeof ALL_TOPICS)[number]) => physicalTopic(topic, prefix);
  const databaseUri = freshDatabaseUri('review');
  let review: RunningService;
  let publisher: EventPublisher;
  let collector: TopicCollector;
  const as: Record<string, ReviewClient> = {};
  const id = (name: string) => `${name}-${secureRandom(3)}`;

  const decided = (caseId: string) => collector.on(t(Topics.ReviewDecided)).filter((m) => m.key === caseId).map((m) => m.json<Decided>());
  const waitDecided = (caseId: string, n = 1) => waitFor(() => (decided(caseId).length >= n ? decided(caseId) : undefined), { description: `${n} review.decided for ${caseId}` });

  /** Publishes a request as routing would and waits until the read model has it. */
  async function request(caseId: string, overrides: Parameters<typeof reviewRequest>[1] = {}, viewer = 'admin'): Promise<void> {
    await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId, overrides));
    const client = as[viewer] ?? as.sam;
    await waitFor(async () => (await client.get(`/api/cases/${caseId}`)).status !== 404, { description: `case ${caseId} in the review read model` });
  }

  /** The default policy with calibration exercises after every live request (only categories with past mistakes have any). */
  const policyFile = () => policyFileWith((policy) => (policy.feedback = { ...policy.feedback, exercises: { rate: 1 } }));

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [t(topic), dlqTopicOf(t(topic))]), 3);
    collector = await TopicCollector.start(kafka, [t(Topics.ReviewDecided), t(Topics.ReviewRequested)]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    review = RunningService.start('review', { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: databaseUri, REVIEW_LEASE_SECONDS: String(LEASE_SECONDS), REVIEW_VIEW_REFRESH_MS: '1000', POLICY_FILE: policyFile() });
    await review.waitUntilListening();
    await review.waitUntilReady();
    for (const user of ['sam', 'jamie', 'alex', 'morgan', 'quinn', 'casey', 'riley', 'robin', 'dana']) as[user] = await ReviewClient.login(review.url, user);
  });

  afterAll(async () => {
    await review?.process.stop();
    await publisher?.disconnect();
    await collector?.stop();
  });

  it('approve: one call emits review.decided agreeing with the AI, with when the reviewer started', async () => {
    const caseId = id('approve');
    await request(caseId, {}, 'sam');
    const opened = await as.sam.get<{ recommendation: string; canAct: { role: string } }>(`/api/cases/${caseId}`);
    expect(opened.body.canAct).toEqual({ role: 'support_lead' });
    const answer = await as.sam.act(caseId, 'approve');
    expect(answer.status).toBe(200);
    const [event] = await waitDecided(caseId);
    expect(event).toMatchObject({ caseId, reviewerId: 'sam', role: 'support_lead', action: 'approve', outcome: opened.body.recommendation, agreesWithAi: true, round: 1 });
    expect(Date.parse(event.startedAt)).toBeLessThanOrEqual(Date.parse(event.decidedAt));
    // Decided: nobody can act on it any more, and it left every queue.
    expect(await as.sam.act(caseId, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('already decided') } });
    expect(await as.jamie.act(caseId, 'approve')).toMatchObject({ status: 409 });
    const queue = await as.jamie.get<{ items: { caseId: string }[] }>('/api/queue?limit=100');
    expect(queue.body.items.map((i) => i.caseId)).not.toContain(caseId);
  });

  it('shadow stage: the case is decided blind; the decision reads as approve or override against the hidden recommendation', async () => {
    const [same, other, seen] = [id('blind-same'), id('blind-other'), id('seen')];
    for (const caseId of [same, other]) await request(caseId, { recommendation: 'approve_refund', rollout: 'shadow', explanation: 'auto approve (0.97): automation would have approved' }, 'sam');
    await request(seen, { rollout: 'assist' }, 'sam');
    const detail = await as.sam.get<Record<string, unknown> & { context: Record<string, unknown> }>(`/api/cases/${same}`);
    expect(detail.body).toMatchObject({ blind: true, recommendation: null, confidence: null, band: null, score: null, explanation: null, similar: [] });
    expect(detail.body.context.reasoning).toBeNull();
    expect(JSON.stringify(detail.body)).not.toContain('approve_refund');
    const queue = await as.sam.get<{ items: { caseId: string; blind: boolean; recommendation: string | null }[] }>('/api/queue?limit=100');
    expect(queue.body.items.find((i) => i.caseId === same)).toMatchObject({ blind: true, recommendation: null });
    // An unseen recommendation cannot be approved; a seen one is not decided blind.
    expect(await as.sam.act(same, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('decide it with POST') } });
    expect(await as.sam.act(seen, 'decide', { outcome: 'x' })).toMatchObject({ status: 409 });
    expect(await as.sam.act(same, 'decide', {})).toMatchObject({ status: 400, body: { message: expect.stringContaining('outcome') } });
    expect((await as.sam.act(same, 'decide', { outcome: 'approve_refund' })).status).toBe(200);
    // The blind form offers the category's outcomes; one outside them is refused, naming the field.
    // (The refusal lists the category's outcomes only: the hidden recommendation shows nowhere.)
    expect(await as.sam.act(other, 'decide', { outcome: 'deny_refund' })).toMatchObject({ status: 422, body: { field: 'outcome', message: expect.stringMatching(/not one of refund's outcomes: approve, deny, partial_refund, store_credit$/) } });
    expect(detail.body).toMatchObject({ choices: { outcomes: ['approve', 'deny', 'partial_refund', 'store_credit'], freeText: false } });
    expect((await as.sam.act(other, 'decide', { outcome: 'deny' })).status).toBe(200);
    expect((await waitDecided(same))[0]).toMatchObject({ action: 'approve', outcome: 'approve_refund', agreesWithAi: true });
    expect((await waitDecided(other))[0]).toMatchObject({ action: 'override', outcome: 'deny', agreesWithAi: false, reason: expect.stringContaining('decided blind') });
  });

  it('calibration exercise: a past case where people overruled the AI comes back unannounced; the verdict is revealed and decides nothing live', async () => {
    const category = `returns-${secureRandom(2)}`;
    const [past, next] = [id('past'), id('next')];
    const context = { ...exampleOf(Topics.ReviewRequested).context, category };
    // A case where the AI said approve_refund and the reviewer, then the final decision, said deny_refund.
    await request(past, { recommendation: 'approve_refund', context }, 'sam');
    expect((await as.sam.act(past, 'override', { outcome: 'deny_refund', reasonCode: 'suspected_fraud', reason: 'receipt forged' })).status).toBe(200);
    await publisher.publish(Topics.DecisionFinalized, { ...exampleOf(Topics.DecisionFinalized), caseId: past, predictionId: past, outcome: 'deny_refund', decidedBy: 'human', approvers: [{ reviewerId: 'sam', role: 'support_lead' }] });
    await waitFor(async () => (await as.sam.get<{ status: string }>(`/api/cases/${past}`)).body.status === 'finalized', { description: 'the past case closed' });
    // The next live request of the category is followed by an exercise replaying it.
    await request(next, { context }, 'sam');
    const exerciseId = exerciseIdOf(next);
    const published = await waitFor(() => collector.on(t(Topics.ReviewRequested)).map((m) => m.json<EventOf<typeof Topics.ReviewRequested>>()).find((e) => e.caseId === exerciseId), { description: 'the exercise request' });
    expect(published).toMatchObject({ reason: 'exercise', recommendation: 'approve_refund', requiredApprovals: 1, exercise: { sourceCaseId: past, knownOutcome: 'deny_refund' } });
    // In the queue it looks like any first review: no reason, no known outcome.
    const shown = await waitFor(async () => {
      const answer = await as.jamie.get<Record<string, unknown>>(`/api/cases/${exerciseId}`);
      return answer.status === 200 ? answer.body : undefined;
    }, { description: 'the exercise in the queue' });
    expect(shown).toMatchObject({ reason: 'band', recommendation: 'approve_refund' });
    expect(JSON.stringify(shown)).not.toContain('deny_refund');
    expect(JSON.stringify(shown)).not.toContain('exercise');
    // Jamie follows the AI: the verdict says the AI was wrong and names the confirmed outcome.
    const verdict = await as.jamie.act(exerciseId, 'approve');
    expect(verdict).toMatchObject({ status: 200, body: { action: 'approve', exercise: true, reveal: { caught: false, knownOutcome: 'deny_refund', aiRecommendation: 'approve_refund' } } });
    expect((await waitDecided(exerciseId))[0]).toMatchObject({ exercise: true, reviewerId: 'jamie' });
    // Done: out of the queue, and not a past case of its own.
    await waitFor(async () => (await as.jamie.get<{ status: string }>(`/api/cases/${exerciseId}`)).body.status === 'finalized', { description: 'the exercise closed' });
    const queue = await as.jamie.get<{ items: { caseId: string }[] }>('/api/queue?limit=100');
    expect(queue.body.items.map((i) => i.caseId)).not.toContain(exerciseId);
  });

  it('audit of an auto-approval: approve (the AI was right) and override (it was wrong) each close it with the auto-approval standing; no decision.finalized needed', async () => {
    // Routing sends an audit with the auto-approval's decision.finalized, which the review app skips
    // (most final decisions are auto-approvals): the request alone must be enough.
    const context = { ...exampleOf(Topics.ReviewRequested).context, category: `audited-${secureRandom(2)}` };
    const [right, wrong] = [id('audit-right'), id('audit-wrong')];
    for (const caseId of [right, wrong]) await request(caseId, { reason: 'audit', priority: 1, recommendation: 'approve_refund', context }, 'sam');
    const opened = await as.sam.get(`/api/cases/${right}`);
    expect(opened).toMatchObject({ status: 200, body: { reason: 'audit', status: 'open', finalized: { outcome: 'approve_refund', decidedBy: 'auto' }, audit: { autoApproved: { outcome: 'approve_refund' }, verdict: null } } });
    // The decision is final: there is no producer round to ask for.
    expect(await as.sam.act(right, 'request-info', { question: 'Which receipt?' })).toMatchObject({ status: 409, body: { message: expect.stringContaining('audit of an auto-approval') } });
    expect(await as.sam.act(right, 'approve')).toMatchObject({ status: 200, body: { action: 'approve', outcome: 'approve_refund', agreesWithAi: true } });
    expect(await as.jamie.act(wrong, 'override', { outcome: 'deny_refund', reasonCode: 'suspected_fraud', reason: 'The receipt is forged' })).toMatchObject({ status: 200, body: { action: 'override', outcome: 'deny_refund' } });
    for (const [caseId, verdict] of [
      [right, { upheld: true, outcome: 'approve_refund', reviewerId: 'sam' }],
      [wrong, { upheld: false, outcome: 'deny_refund', reviewerId: 'jamie' }],
    ] as const) {
      const shown = await as.sam.get<{ decisions: unknown[] }>(`/api/cases/${caseId}`);
      expect(shown).toMatchObject({ status: 200, body: { status: 'finalized', finalized: { outcome: 'approve_refund', decidedBy: 'auto' }, audit: { verdict } } });
      expect(shown.body.decisions).toHaveLength(1);
      expect(await as.alex.act(caseId, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('its audit was given') } });
    }
    expect((await waitDecided(right))[0]).toMatchObject({ action: 'approve', reviewerId: 'sam' });
    expect((await waitDecided(wrong))[0]).toMatchObject({ action: 'override', reviewerId: 'jamie' });
    // Both are past cases of the category now, with their verdicts.
    const next = id('after-audits');
    await request(next, { context }, 'sam');
    const similar = (await as.sam.get<{ similar: { caseId: string }[] }>(`/api/cases/${next}`)).body.similar;
    expect(similar).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: right, outcome: 'approve_refund', decidedBy: 'auto', audit: { upheld: true, outcome: 'approve_refund' } }),
        expect.objectContaining({ caseId: wrong, outcome: 'approve_refund', decidedBy: 'auto', audit: { upheld: false, outcome: 'deny_refund' } }),
      ]),
    );
  });

  it('override needs an outcome and a reason; request_info a question; escalate a reason (400 names the field)', async () => {
    const caseId = id('rules');
    await request(caseId, {}, 'sam');
    expect(await as.sam.act(caseId, 'override', { outcome: 'deny' })).toMatchObject({ status: 400, body: { field: 'reason', message: expect.stringMatching(/^reason: /) } });
    expect(await as.sam.act(caseId, 'override', { outcome: 'deny', reason: '   ' })).toMatchObject({ status: 400, body: { field: 'reason' } });
    expect(await as.sam.act(caseId, 'override', { reason: 'x' })).toMatchObject({ status: 400, body: { field: 'outcome' } });
    expect(await as.sam.act(caseId, 'request-info', {})).toMatchObject({ status: 400, body: { field: 'question' } });
    expect(await as.sam.act(caseId, 'escalate', {})).toMatchObject({ status: 400, body: { field: 'reason' } });
    expect(await as.sam.act(caseId, 'approve', { verdict: 'yes' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('unknown field verdict') } });
    expect(decided(caseId)).toEqual([]);

    // The outcome comes from the category's list; the reason code from the policy's (both shown on the
    // case): a well-formed choice the policy does not offer is a 422 naming the field; a malformed code a 400.
    const shown = await as.sam.get<{ choices: unknown }>(`/api/cases/${caseId}`);
    expect(shown.body.choices).toEqual({
      outcomes: ['approve_refund', 'approve', 'deny', 'partial_refund', 'store_credit'],
      freeText: false,
      overrideReasons: expect.arrayContaining([{ code: 'suspected_fraud', label: 'Signs of fraud or abuse' }]),
    });
    expect(await as.sam.act(caseId, 'override', { outcome: 'denyy', reasonCode: 'suspected_fraud', reason: 'typo' })).toMatchObject({ status: 422, body: { field: 'outcome', message: expect.stringMatching(/^outcome: outcome "denyy" is not one of refund's outcomes/) } });
    expect(await as.sam.act(caseId, 'override', { outcome: 'deny', reason: 'no code' })).toMatchObject({ status: 422, body: { field: 'reasonCode', message: expect.stringContaining("an override needs one of the policy's reason codes: missed_evidence, ") } });
    expect(await as.sam.act(caseId, 'override', { outcome: 'deny', reasonCode: 'gut_feeling', reason: 'x' })).toMatchObject({ status: 422, body: { field: 'reasonCode', message: expect.stringContaining('"gut_feeling" is not one of') } });
    expect(await as.sam.act(caseId, 'override', { outcome: 'deny', reasonCode: 'Suspected Fraud', reason: 'x' })).toMatchObject({ status: 400, body: { field: 'reasonCode' } });
    expect(decided(caseId)).toEqual([]);

    expect((await as.sam.act(caseId, 'override', { outcome: 'deny', reasonCode: 'suspected_fraud', reason: 'Serial number is on the fraud list' })).status).toBe(200);
    expect((await waitDecided(caseId))[0]).toMatchObject({ action: 'override', outcome: 'deny', reasonCode: 'suspected_fraud', reason: 'Serial number is on the fraud list', agreesWithAi: false });
    // The case's history shows the code beside the reason.
    expect((await as.sam.get<{ decisions: unknown[] }>(`/api/cases/${caseId}`)).body.decisions).toEqual([expect.objectContaining({ action: 'override', reasonCode: 'suspected_fraud' })]);
  });

  it('request_info and escalate each emit their review.decided; a case waiting for the producer takes no action', async () => {
    const ask = id('ask');
    await request(ask, {}, 'sam');
    expect((await as.sam.act(ask, 'request-info', { question: 'Which serial number?' })).status).toBe(200);
    expect((await waitDecided(ask))[0]).toMatchObject({ action: 'request_info', reason: 'Which serial number?', reviewerId: 'sam' });
    expect(await as.jamie.act(ask, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('waiting for the producer') } });

    const up = id('escalate');
    await request(up, {}, 'sam');
    expect((await as.alex.act(up, 'escalate', { reason: 'Customer threatens to churn; above my authority' })).status).toBe(200);
    expect((await waitDecided(up))[0]).toMatchObject({ action: 'escalate', reviewerId: 'alex', role: 'account_manager', reason: 'Customer threatens to churn; above my authority' });
  });

  it('401 without a session, 403 for a role not eligible, 404 for an unknown case', async () => {
    const exec = id('exec');
    await request(exec, { tier: 'executive_review', eligibleRoles: ['director', 'legal_counsel'] }, 'dana');
    expect((await ReviewClient.anonymous(review.url).get('/api/queue')).status).toBe(401);
    expect((await ReviewClient.anonymous(review.url).act(exec, 'approve')).status).toBe(401);
    expect((await as.sam.get(`/api/cases/${exec}`)).status).toBe(403);
    expect(await as.sam.act(exec, 'approve')).toMatchObject({ status: 403, body: { message: expect.stringContaining('director, legal_counsel') } });
    const queue = await as.sam.get<{ items: { caseId: string }[] }>('/api/queue?limit=100');
    expect(queue.body.items.map((i) => i.caseId)).not.toContain(exec);
    expect((await as.dana.get<{ items: { caseId: string }[] }>('/api/queue?tier=executive_review&limit=100')).body.items.map((i) => i.caseId)).toContain(exec);
    expect((await as.sam.get('/api/cases/no-such-case')).status).toBe(404);
    expect((await as.sam.act('no-such-case', 'approve')).status).toBe(404);
  });

  it('a claim is a lease: others get 409 and see who holds it; after it expires they can take the case', async () => {
    const caseId = id('lease');
    await request(caseId, {}, 'sam');
    const claimed = await as.jamie.post<{ claimedBy: { id: string; name: string } }>(`/api/cases/${caseId}/claim`);
    expect(claimed).toMatchObject({ status: 200, body: { claimedBy: { id: 'jamie', name: 'Jamie Support' } } });
    expect(await as.sam.act(caseId, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('claimed by Jamie Support') } });
    expect(await as.sam.post(`/api/cases/${caseId}/claim`)).toMatchObject({ status: 409 });
    const row = (await as.sam.get<{ items: { caseId: string; claimedBy: { id: string } | null }[] }>('/api/queue?limit=100')).body.items.find((i) => i.caseId === caseId);
    expect(row?.claimedBy?.id).toBe('jamie');
    // The lease runs out without jamie acting: the case is free again.
    await waitFor(async () => (await as.sam.post(`/api/cases/${caseId}/claim`)).status === 200, { timeoutMs: (LEASE_SECONDS + 10) * 1_000, description: 'the lease to expire' });
    expect((await as.sam.act(caseId, 'approve')).status).toBe(200);
    expect((await waitDecided(caseId))[0]).toMatchObject({ reviewerId: 'sam' });
  });

  it('separation of duties: one person cannot give both approvals of a dual case, nor arbitrate a disagreement they are part of', async () => {
    const caseId = id('dual');
    const dual = { tier: 'dual_approval' as const, requiredApprovals: 2, eligibleRoles: ['manager', 'compliance_officer', 'senior_reviewer'] };
    await request(caseId, dual, 'morgan');
    expect((await as.morgan.act(caseId, 'approve')).status).toBe(200);
    expect(await as.morgan.act(caseId, 'approve')).toMatchObject({ status: 403, body: { message: expect.stringContaining('separation of duties') } });
    // The second approver still sees it; the first no longer does.
    expect((await as.quinn.get<{ items: { caseId: string; approvals: string }[] }>('/api/queue?limit=100')).body.items.find((i) => i.caseId === caseId)?.approvals).toBe('1/2');
    expect((await as.morgan.get<{ items: { caseId: string }[] }>('/api/queue?limit=100')).body.items.map((i) => i.caseId)).not.toContain(caseId);
    expect((await as.riley.act(caseId, 'override', { outcome: 'deny', reasonCode: 'policy_exception', reason: 'Goods were not returned' })).status).toBe(200);
    await waitDecided(caseId, 2);

    // The approvers disagree: routing asks a senior arbiter in the same round.
    await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId, { ...dual, requiredApprovals: 1, eligibleRoles: ['senior_reviewer'], reason: 'disagreement', priority: 80 }));
    await waitFor(async () => (await as.robin.get<{ reason: string }>(`/api/cases/${caseId}`)).body.reason === 'disagreement', { description: 'the arbiter request' });
    expect(await as.riley.act(caseId, 'approve')).toMatchObject({ status: 403, body: { message: expect.stringContaining('cannot arbitrate a disagreement you are part of') } });
    expect((await as.robin.act(caseId, 'approve')).status).toBe(200);
    expect((await waitDecided(caseId, 3))[2]).toMatchObject({ reviewerId: 'robin', role: 'senior_reviewer' });
  });

  it('a finalized case takes no action (409) and shows its outcome', async () => {
    const caseId = id('final');
    await request(caseId, {}, 'sam');
    await publisher.publish(Topics.DecisionFinalized, { ...exampleOf(Topics.DecisionFinalized), caseId, predictionId: caseId, outcome: 'approve', decidedBy: 'human', approvers: [{ reviewerId: 'x', role: 'support_lead' }] });
    await waitFor(async () => (await as.sam.get<{ status: string }>(`/api/cases/${caseId}`)).body.status === 'finalized', { description: 'the case to be finalized' });
    expect(await as.sam.act(caseId, 'approve')).toMatchObject({ status: 409, body: { message: expect.stringContaining('already finalized') } });
  });

  it('the queue: only your roles, by priority then due time, filterable and paginated', async () => {
    const tag = secureRandom(3);
    const soon = new Date(Date.now() + 600_000).toISOString();
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const context = { ...exampleOf(Topics.ReviewRequested).context, category: `q_${tag}` };
    const cases = [
      [`q-${tag}-low`, { priority: 10 }],
      [`q-${tag}-high-late`, { priority: 90, dueAt: later }],
      [`q-${tag}-high-soon`, { priority: 90, dueAt: soon }],
      [`q-${tag}-mid`, { priority: 50, tier: 'dual_approval' as const }],
    ] as const;
    for (const [caseId, extra] of cases) await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId, { ...extra, context }));
    await waitFor(async () => (await as.sam.get<{ total: number }>(`/api/queue?category=q_${tag}`)).body.total === 4, { description: 'four cases in the category' });

    const all = await as.sam.get<{ total: number; items: { caseId: string }[] }>(`/api/queue?category=q_${tag}`);
    expect(all.body.items.map((i) => i.caseId)).toEqual([`q-${tag}-high-soon`, `q-${tag}-high-late`, `q-${tag}-mid`, `q-${tag}-low`]);
    const page = await as.sam.get<{ total: number; items: { caseId: string }[] }>(`/api/queue?category=q_${tag}&limit=2&offset=2`);
    expect(page.body).toMatchObject({ total: 4, items: [{ caseId: `q-${tag}-mid` }, { caseId: `q-${tag}-low` }] });
    expect((await as.sam.get<{ items: { caseId: string }[] }>(`/api/queue?category=q_${tag}&tier=dual_approval`)).body.items.map((i) => i.caseId)).toEqual([`q-${tag}-mid`]);
    expect((await as.sam.get<{ items: { caseId: string }[] }>(`/api/queue?category=q_${tag}&minPriority=50`)).body.items).toHaveLength(3);
    expect((await as.sam.get<{ items: { caseId: string }[] }>(`/api/queue?category=q_${tag}&dueBefore=${encodeURIComponent(new Date(Date.now() + 1_200_000).toISOString())}`)).body.items.map((i) => i.caseId)).toEqual([`q-${tag}-high-soon`]);
    expect(await as.sam.get(`/api/queue?limit=500`)).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await as.sam.get(`/api/queue?dueBefore=tomorrow`)).toMatchObject({ status: 400, body: { field: 'dueBefore' } });
  });

  it('escalation.fired marks the case escalated and lets the escalated-to role see it', async () => {
    const caseId = id('esc');
    await request(caseId, {}, 'sam');
    await publisher.publish(Topics.EscalationFired, { caseId, level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: new Date().toISOString() });
    await waitFor(async () => (await as.sam.get<{ escalated: boolean }>(`/api/cases/${caseId}`)).body.escalated === true, { description: 'the case marked escalated' });
    const escalated = await as.sam.get<{ items: { caseId: string }[] }>('/api/queue?escalated=true&limit=100');
    expect(escalated.body.items.map((i) => i.caseId)).toContain(caseId);
    const lead = await ReviewClient.login(review.url, 'taylor');
    expect((await lead.get(`/api/cases/${caseId}`)).status).toBe(200);
  });

  it('pushes changes to open pages (server-sent events)', async () => {
    const response = await fetch(`${review.url}/api/stream`, { headers: { authorization: `Bearer ${as.sam.token}` } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const caseId = id('live');
    let seen = '';
    try {
      await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId));
      await waitFor(
        async () => {
          const { value } = await reader.read();
          seen += new TextDecoder().decode(value);
          return seen.includes(caseId);
        },
        { description: `an event for ${caseId} on the stream` },
      );
    } finally {
      await reader.cancel();
    }
    expect(seen).toMatch(new RegExp(`event: case\\nid: \\d+\\ndata: \\{"caseId":"${caseId}","status":"open"`));
    // Only what happened after the page opened: no backlog of earlier changes.
    expect(seen).not.toContain('"caseId":"approve-');
  });

  it('/metrics counts the cases waiting for people as the database holds them: by status and claim, and the oldest open one', async () => {
    const caseId = id('census');
    await request(caseId, {}, 'sam');
    expect((await as.jamie.post(`/api/cases/${caseId}/claim`)).status).toBe(200);
    const client = await MongoClient.connect(databaseUri);
    try {
      // Stored encoded (one JSON string per case): decoded as the service decodes it.
      const queue = client.db().collection<EncodedDocument>('queue');
      await waitFor(
        async () => {
          const text = await (await fetch(`${review.url}/metrics`)).text();
          const series = [...text.matchAll(/^hitl_review_cases\{([^}]*)\} (\d+)$/gm)].map((m) => ({ labels: m[1], n: Number(m[2]) }));
          const sum = (match: string) => series.filter((x) => x.labels.includes(match)).reduce((a, x) => a + x.n, 0);
          const now = Date.now();
          const stored = (await queue.find({}).toArray()).map((d) => itemCodec.decode(d)).filter((d) => d.status !== 'finalized');
          const open = stored.filter((d) => d.status === 'open');
          const expected = {
            all: stored.length,
            open: open.length,
            claimed: stored.filter((d) => d.claim && Date.parse(d.claim.until) > now).length,
          };
          const seen = { all: sum(''), open: sum('status="open"'), claimed: sum('claimed="true"') };
          if (JSON.stringify(seen) !== JSON.stringify(expected)) throw new Error(`metrics ${JSON.stringify(seen)}, database ${JSON.stringify(expected)}`);
          const oldest = Number(/^hitl_review_oldest_open_seconds\{[^}]*\} ([\d.e+-]+)$/m.exec(text)?.[1]);
          const oldestStored = (now - Math.min(...open.map((d) => Date.parse(d.requestedAt)))) / 1000;
          if (!(Math.abs(oldest - oldestStored) < 5)) throw new Error(`oldest open ${oldest} s, database ${oldestStored} s`);
          return expected.claimed >= 1 && expected.open >= 1;
        },
        { timeoutMs: 15_000, description: 'the queue gauges to match the database' },
      );
    } finally {
      await client.close();
    }
  });

  it('logs carry no password and no session token (nine people logged in, the tests above acted)', () => {
    expect(review.process.output.length).toBeGreaterThan(0);
    expect(review.process.output).not.toContain('review-demo');
    for (const client of Object.values(as)) expect(review.process.output).not.toContain(client.token!);
  });

  it('records every login and action in a hash chain that verifies', async () => {
    const client = await MongoClient.connect(databaseUri);
    try {
      const log = new AuditLog(client.db());
      expect(await log.verify()).toMatchObject({ ok: true });
      const entries = await log.list({ limit: 1_000 });
      const actions = new Set(entries.map((e) => e.action));
      for (const action of ['login', 'claim', 'approve', 'override', 'request_info', 'escalate']) expect(actions).toContain(action);
      const approval = entries.find((e) => e.action === 'approve' && e.actor.userId === 'robin')!;
      expect(approval).toMatchObject({ from: { ip: expect.stringMatching(/127\.0\.0\.1/) }, target: expect.stringMatching(/^dual-/) });
    } finally {
      await client.close();
    }
  });
});
