import { ALL_TOPICS, dlqTopicOf, physicalTopic, ReviewReasons, Topics, type EventOf, type HealthReport, type ReviewerDetail, type ReviewReason, type RolloutReport, type TopicName } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, policyFileWith, prediction, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor, type CollectedMessage } from '@hitl/testing';

type Requested = EventOf<typeof Topics.ReviewRequested>;
type Finalized = EventOf<typeof Topics.DecisionFinalized>;
type Decided = EventOf<typeof Topics.ReviewDecided>;
type Submitted = EventOf<typeof Topics.PredictionSubmitted>;

/** The escalation ladder runs this much faster than real time: its first rung (30 minutes) fires after 15 s. */
const TIME_SCALE = 120;

/**
 * Confidences the producer forces by sending all four factors (overall = their weighted sum =
 * the value), against the bands the test's policy sets: auto-approve above 0.95, audit band
 * 0.85–0.95, human review 0.70–0.85.
 */
const HIGH = 0.97;
const AUDIT_BAND = 0.9;
const MID = 0.8;

interface Answer<T> {
  status: number;
  body: T;
}

interface CaseDetail {
  caseId: string;
  status: string;
  reason: string;
  blind: boolean;
  recommendation: string | null;
  requests: { reason: string; round: number; eligibleRoles: string[] }[];
  decisions: { reviewerId: string; action: string; outcome?: string; reason?: string; reasonCode?: string; round: number }[];
  escalations: { escalateTo: string; reason: string }[];
  finalized: { outcome: string; decidedBy: string } | null;
  audit: { autoApproved: { outcome: string }; verdict: { upheld: boolean; outcome: string | null; reviewerId: string } | null; overturnToConfirm: { reviewerId: string; outcome: string | null } | null; differingOverturn: { reviewerId: string; outcome: string | null } | null } | null;
}

// Every reason the platform asks a person for (libs/contracts ReviewReasons), each caused the way
// it happens in production: a producer's prediction through the five real services (scoring,
// routing, escalation, review, feedback as their own processes, real broker, real FerretDB), the
// reviewer's action through the review API, then the case and the feedback service's figures read
// back. The policy is the test's own (bands, audit and exercise rates, a shadow category, two
// revision rounds), so the result does not move with the default policy's thresholds.
describe('every review.requested reason, end to end through the services, the review API and feedback', () => {
  const prefix = testTopicPrefix();
  const topic = (name: TopicName) => physicalTopic(name, prefix);
  const dlqs = ALL_TOPICS.map((t) => dlqTopicOf(topic(t)));
  const run = secureRandom(3);
  const services: Record<string, RunningService> = {};
  const as: Record<string, Reviewer> = {};
  /** Every answer of the review API with status 500 or more: none is acceptable. */
  const serverErrors: string[] = [];
  const covered = new Set<ReviewReason>();
  let publisher: EventPublisher;
  let collector: TopicCollector;

  const policyFile = policyFileWith((policy) => {
    policy.version = 'review-reasons-1';
    policy.defaults.bands = { autoApprove: 0.95, autoApproveAudit: 0.85, humanReview: 0.7 };
    policy.defaults.rollout = 'automate';
    // No audit but where a test asks for one; every audit-band auto-approval of these two is audited.
    policy.defaults.auditSampleRate = 0;
    policy.categories = {
      ...policy.categories,
      rr_audit_right: { auditSampleRate: 1 },
      rr_audit_wrong: { auditSampleRate: 1 },
      rr_audit_third: { auditSampleRate: 1 },
      rr_shadow: { rollout: 'shadow' },
      rr_rounds: { maxRevisionRounds: 2 },
    };
    // After every live first request, a calibration exercise when the category has a past mistake.
    policy.feedback = { ...policy.feedback, exercises: { rate: 1 } };
  });

  /** A reviewer on the review API with their own session; every 5xx is recorded. */
  class Reviewer {
    private constructor(
      readonly id: string,
      private readonly token: string,
    ) {}

    static async login(id: string): Promise<Reviewer> {
      const response = await fetch(`${services.review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: id, password: 'review-demo' }) });
      const body = (await response.json()) as { token?: string };
      if (response.status !== 200 || !body.token) throw new Error(`login ${id}: ${response.status} ${JSON.stringify(body)}`);
      return new Reviewer(id, body.token);
    }

    async call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
      const response = await fetch(`${services.review.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 500) serverErrors.push(`${this.id} ${method} ${path}: ${response.status} ${text}`);
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
    }

    detail(caseId: string): Promise<Answer<CaseDetail>> {
      return this.call<CaseDetail>('GET', `/api/cases/${encodeURIComponent(caseId)}`);
    }

    act(caseId: string, action: 'approve' | 'override' | 'decide' | 'request-info', body: unknown = {}): Promise<Answer<Record<string, unknown>>> {
      return this.call('POST', `/api/cases/${encodeURIComponent(caseId)}/${action}`, body);
    }

    /** Waits until the case is in this reviewer's queue (the review API's GET /api/queue). */
    async waitInQueue(caseId: string, category: string, timeoutMs = 30_000): Promise<void> {
      await waitFor(async () => (await this.call<{ items: { caseId: string }[] }>('GET', `/api/queue?category=${category}&limit=100`)).body.items?.some((i) => i.caseId === caseId), {
        timeoutMs,
        description: `case ${caseId} in ${this.id}'s queue`,
      });
    }

    /** Waits until the case, open, has a request with `reason` (its history keeps every request). */
    async waitForRequest(caseId: string, reason: ReviewReason, round = 1, timeoutMs = 30_000): Promise<CaseDetail> {
      return waitFor(
        async () => {
          const { status, body } = await this.detail(caseId);
          if (status === 200 && body.status === 'open' && body.requests.some((r) => r.reason === reason && r.round === round)) return body;
          throw new Error(`seen ${JSON.stringify({ status, state: body.status, requests: body.requests?.map((r) => `${r.round}:${r.reason}`) })}`);
        },
        { timeoutMs, description: `an open request (${reason}, round ${round}) for ${caseId} in the review API` },
      );
    }
  }

  const caseId = (name: string) => `rr-${run}-${name}`;

  /** A producer's prediction whose confidence is `confidence` whatever scoring has learnt. */
  async function submit(id: string, confidence: number, overrides: Partial<Submitted>): Promise<void> {
    const edge = Math.round((1 - confidence) * 1000) / 1000;
    await publisher.publish(
      Topics.PredictionSubmitted,
      prediction(id, { probability: confidence, signals: { modelConfidence: confidence, trainingDataCoverage: confidence, inputQuality: confidence, edgeCaseIndicators: edge }, ...overrides }),
    );
  }

  const events = <T>(name: TopicName, id: string) => collector.on(topic(name)).filter((m) => m.key === id).map((m) => m.json<T>());
  const requested = (id: string) => events<Requested>(Topics.ReviewRequested, id);
  const finalized = (id: string) => events<Finalized>(Topics.DecisionFinalized, id);

  /** The request routing (or the review app, for an exercise) published with this reason. */
  async function publishedRequest(id: string, reason: ReviewReason, round = 1): Promise<Requested> {
    const found = await waitFor(() => requested(id).find((e) => e.reason === reason && e.round === round), { description: `review.requested (${reason}, round ${round}) for ${id}` });
    covered.add(reason);
    return found;
  }

  async function oneFinal(id: string): Promise<Finalized> {
    const [decision] = await waitFor(() => (finalized(id).length > 0 ? finalized(id) : undefined), { description: `decision.finalized for ${id}` });
    return decision;
  }

  /** GET /api/cases/<id> answers 200 and lists the reviewer's vote. */
  async function expectVote(reader: Reviewer, id: string, vote: { reviewerId: string; action: string; outcome?: string }): Promise<CaseDetail> {
    const { status, body } = await reader.detail(id);
    expect({ id, status }).toEqual({ id, status: 200 });
    expect(body.decisions).toEqual(expect.arrayContaining([expect.objectContaining(vote)]));
    return body;
  }

  async function feedbackGet<T>(path: string): Promise<T> {
    const response = await fetch(`${services.feedback.url}${path}`);
    if (response.status !== 200) throw new Error(`feedback ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Waits until the feedback service's metrics of the category are these (value and sample each). */
  async function expectFeedback(category: string, expected: Record<string, { value: number | null; sample: number }>): Promise<void> {
    await waitFor(
      async () => {
        const report = await feedbackGet<HealthReport>(`/api/health-metrics?days=2&category=${category}`);
        const metrics = report.categories.find((c) => c.category === category)?.metrics ?? report.overall;
        const seen = Object.fromEntries(Object.keys(expected).map((name) => {
          const m = metrics.find((x) => x.name === name);
          return [name, m && { value: m.value === null ? null : Math.round(m.value * 1000) / 1000, sample: m.sample }];
        }));
        if (JSON.stringify(seen) !== JSON.stringify(expected)) throw new Error(`seen ${JSON.stringify(seen)}`);
        return true;
      },
      { timeoutMs: 30_000, description: `feedback for ${category} to be ${JSON.stringify(expected)}` },
    );
  }

  /**
   * Waits until routing has committed every review.decided of the case (its transactional
   * consumer of review.decided commits in group <prefix>hitl.routing.review.decided), so what it
   * published for them is on decision.finalized by now.
   */
  async function routingConsumed(id: string): Promise<void> {
    const verdicts: CollectedMessage[] = collector.on(topic(Topics.ReviewDecided)).filter((m) => m.key === id);
    expect(verdicts.length).toBeGreaterThan(0);
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [committed] = await admin.fetchOffsets({ groupId: `${prefix}hitl.routing.review.decided`, topics: [topic(Topics.ReviewDecided)] });
          const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
          return verdicts.every((m) => (at.get(m.partition) ?? -1) > Number(m.offset));
        },
        { description: `routing to commit the review.decided of ${id}` },
      );
    } finally {
      await admin.disconnect();
    }
  }

  function expectNoDeadLetters(): void {
    const dead = collector.messages.filter((m) => dlqs.includes(m.topic)).map((m) => `${m.topic} ${m.key}: ${m.headers.dlq_error_code} ${m.headers.dlq_error}`);
    expect(dead).toEqual([]);
  }

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((t) => [topic(t), dlqTopicOf(topic(t))]), 2);
    collector = await TopicCollector.start(kafka, [topic(Topics.ReviewRequested), topic(Topics.ReviewDecided), topic(Topics.DecisionFinalized), topic(Topics.RevisionRequested), ...dlqs]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test-producer', topicPrefix: prefix }));
    await publisher.connect();
    const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, POLICY_FILE: policyFile };
    // Feedback first: the review app reads its figures from the URL it prints.
    services.feedback = RunningService.start('feedback', { ...env, MONGODB_URI: freshDatabaseUri('feedback') });
    const feedbackUrl = await services.feedback.waitUntilListening();
    services.scoring = RunningService.start('scoring', { ...env, MONGODB_URI: freshDatabaseUri('scoring') });
    services.routing = RunningService.start('routing', { ...env, MONGODB_URI: freshDatabaseUri('routing') });
    services.escalation = RunningService.start('escalation', { ...env, MONGODB_URI: freshDatabaseUri('escalation'), ESCALATION_TIME_SCALE: String(TIME_SCALE) });
    services.review = RunningService.start('review', { ...env, MONGODB_URI: freshDatabaseUri('review'), REVIEW_FEEDBACK_URL: feedbackUrl });
    await Promise.all(Object.values(services).map((s) => s.waitUntilListening(90_000)));
    await Promise.all(Object.values(services).map((s) => s.waitUntilReady(90_000)));
    for (const id of ['sam', 'jamie', 'alex', 'morgan', 'quinn', 'casey', 'ivy', 'dana', 'riley', 'robin', 'taylor']) as[id] = await Reviewer.login(id);
    // Published first: nobody acts on it, so the time-based ladder escalates it while the other
    // reasons are driven (its test comes last).
    await submit(caseId('timeout'), MID, { category: 'rr_timeout' });
  }, 180_000);

  afterAll(async () => {
    await publisher?.disconnect();
    await collector?.stop();
    await Promise.all(Object.values(services).map((s) => s.process.stop()));
  });

  afterEach(() => {
    expect(serverErrors).toEqual([]);
  });

  it('band: a human-review confidence goes to a single approver, who approves', async () => {
    const id = caseId('band');
    await submit(id, MID, { category: 'rr_band' });
    expect(await publishedRequest(id, 'band')).toMatchObject({ tier: 'single_approver', requiredApprovals: 1, score: { band: 'human_review' } });
    await as.sam.waitInQueue(id, 'rr_band');
    await as.sam.waitForRequest(id, 'band');
    expect((await as.sam.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'sam' }] });
    await expectVote(as.sam, id, { reviewerId: 'sam', action: 'approve' });
    await expectFeedback('rr_band', { auto_approval_rate: { value: 0, sample: 1 }, override_rate: { value: 0, sample: 1 } });
    expectNoDeadLetters();
  });

  it('tier: a confident AI in a tier it may not decide (critical risk: executive review); the director approves', async () => {
    const id = caseId('tier');
    await submit(id, HIGH, { category: 'rr_tier', riskLevel: 'critical' });
    expect(await publishedRequest(id, 'tier')).toMatchObject({ tier: 'executive_review', score: { band: 'auto_approve' } });
    await as.dana.waitInQueue(id, 'rr_tier');
    expect((await as.dana.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', tier: 'executive_review' });
    await expectVote(as.dana, id, { reviewerId: 'dana', action: 'approve' });
    await expectFeedback('rr_tier', { auto_approval_rate: { value: 0, sample: 1 }, override_rate: { value: 0, sample: 1 } });
    expectNoDeadLetters();
  });

  it('critical_flag, then escalation: fraud_suspected goes to dual approval and escalates at once; the quorum is a manager, a compliance officer and the investigator it was escalated to', async () => {
    const id = caseId('flag');
    await submit(id, MID, { category: 'rr_flag', tags: ['fraud_suspected'] });
    expect(await publishedRequest(id, 'critical_flag')).toMatchObject({ tier: 'dual_approval', requiredApprovals: 2, requiredRoles: ['manager', 'compliance_officer'], triggers: [expect.objectContaining({ name: 'fraud_suspected' })] });
    // The immediate escalation: routing re-routes the request with reason escalation, the investigator added, and required.
    expect(await publishedRequest(id, 'escalation')).toMatchObject({ eligibleRoles: expect.arrayContaining(['senior_investigator']), requiredRoles: ['manager', 'compliance_officer', 'senior_investigator'] });
    const detail = await as.morgan.waitForRequest(id, 'escalation');
    expect(detail.requests.map((r) => r.reason)).toEqual(['critical_flag', 'escalation']);
    expect((await as.morgan.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Device fingerprint matches a known fraud ring' })).status).toBe(200);
    // Another manager cannot give the second approval: four eyes means a manager and a compliance officer.
    await as.quinn.waitInQueue(id, 'rr_flag');
    const refused = await as.quinn.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Agree' });
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringMatching(/four eyes: .* still needs a vote from compliance officer and senior investigator/) } });
    await as.casey.waitInQueue(id, 'rr_flag');
    expect((await as.casey.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Same ring; refund denied' })).status).toBe(200);
    // Two approvals, but not the investigator's: the case waits for them, and says so.
    expect((await as.morgan.detail(id)).body).toMatchObject({ status: 'open', missingVotes: ['senior_investigator'] });
    await as.ivy.waitInQueue(id, 'rr_flag');
    expect((await as.ivy.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Confirmed: the same ring' })).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'deny', approvers: [{ reviewerId: 'morgan' }, { reviewerId: 'casey' }, { reviewerId: 'ivy' }] });
    await expectVote(as.morgan, id, { reviewerId: 'morgan', action: 'override', outcome: 'deny' });
    await expectVote(as.morgan, id, { reviewerId: 'casey', action: 'override', outcome: 'deny' });
    await expectFeedback('rr_flag', { override_rate: { value: 1, sample: 3 } });
    expectNoDeadLetters();
  });

  it('context: a VIP customer goes to people whatever the confidence; the account manager approves', async () => {
    const id = caseId('vip');
    await submit(id, MID, { category: 'rr_vip', tags: ['vip'] });
    expect(await publishedRequest(id, 'context')).toMatchObject({ triggers: [expect.objectContaining({ name: 'vip_customer' })] });
    await as.alex.waitForRequest(id, 'escalation'); // escalated at once to the account manager
    expect((await as.alex.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'alex', role: 'account_manager' }] });
    await expectVote(as.alex, id, { reviewerId: 'alex', action: 'approve' });
    await expectFeedback('rr_vip', { override_rate: { value: 0, sample: 1 } });
    expectNoDeadLetters();
  });

  it("disagreement between the AI and a person (the default policy's single_approver tier): the override goes to a second person who sees the AI's case and the override's reason, never the overrider", async () => {
    const id = caseId('second-look');
    await submit(id, MID, { category: 'rr_second_look', recommendation: 'approve' });
    expect(await publishedRequest(id, 'band')).toMatchObject({ tier: 'single_approver' });
    await as.sam.waitInQueue(id, 'rr_second_look');
    expect((await as.sam.act(id, 'override', { outcome: 'deny', reasonCode: 'policy_exception', reason: 'Refunds over the limit need a receipt' })).status).toBe(200);
    // Not final: a second request, for a second person.
    expect(await publishedRequest(id, 'disagreement')).toMatchObject({ disagreement: 'ai_override', requiredApprovals: 1, eligibleRoles: expect.arrayContaining(['support_lead', 'senior_reviewer']) });
    expect(finalized(id)).toEqual([]);
    // The second person sees the AI's case (recommendation, reasoning) and the override with its reason and code.
    const seen = await as.jamie.waitForRequest(id, 'disagreement');
    // The overrider cannot be the second person.
    expect(await as.sam.act(id, 'approve')).toMatchObject({ status: 403, body: { message: expect.stringContaining('you cannot arbitrate a disagreement you are part of') } });
    expect(seen).toMatchObject({ recommendation: 'approve', decisions: [expect.objectContaining({ reviewerId: 'sam', action: 'override', outcome: 'deny', reasonCode: 'policy_exception', reason: 'Refunds over the limit need a receipt' })] });
    expect((seen as unknown as { context: { reasoning: string | null } }).context.reasoning).toBeTruthy();
    // Jamie sides with the AI: approve is final, sam is the dissenter.
    expect((await as.jamie.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'jamie' }], dissenters: [{ reviewerId: 'sam' }] });
    expectNoDeadLetters();
  });

  it('the second look gives a third answer (neither the AI nor the override): a senior arbiter who took no part decides', async () => {
    const id = caseId('third-answer');
    await submit(id, MID, { category: 'rr_third_answer', recommendation: 'approve' });
    await as.sam.waitInQueue(id, 'rr_third_answer');
    expect((await as.sam.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'No receipt on file' })).status).toBe(200);
    await as.jamie.waitForRequest(id, 'disagreement');
    expect((await as.jamie.act(id, 'override', { outcome: 'store_credit', reasonCode: 'customer_context', reason: 'A credit fits this customer better' })).status).toBe(200);
    // Not final: neither backed the other; an arbiter's request, for the arbitration roles only.
    const arbiterRequest = await waitFor(() => requested(id).find((r) => r.reason === 'disagreement' && r.disagreement === 'reviewers'), { description: `the arbiter's request for ${id}` });
    expect(arbiterRequest).toMatchObject({ eligibleRoles: ['senior_reviewer'], explanation: expect.stringMatching(/three answers \(the AI approve, sam deny, jamie store_credit\)/) });
    expect(finalized(id)).toEqual([]);
    // The review app has the arbiter's request (a second disagreement request, open) before Riley acts.
    await waitFor(
      async () => {
        const { status, body } = await as.riley.detail(id);
        return status === 200 && body.status === 'open' && body.requests.filter((r) => r.reason === 'disagreement').length >= 2 ? true : undefined;
      },
      { description: `the arbiter's request for ${id} in the review API` },
    );
    expect((await as.riley.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'riley' }], dissenters: expect.arrayContaining([{ reviewerId: 'sam', role: 'support_lead' }, { reviewerId: 'jamie', role: 'support_lead' }]) });
    expectNoDeadLetters();
  });

  it('disagreement: the two approvers of a dual case disagree; a senior arbiter decides', async () => {
    const id = caseId('dual');
    await submit(id, MID, { category: 'rr_dual', riskLevel: 'high' });
    expect(await publishedRequest(id, 'band')).toMatchObject({ tier: 'dual_approval', requiredApprovals: 2 });
    await as.morgan.waitInQueue(id, 'rr_dual');
    expect((await as.morgan.act(id, 'approve')).status).toBe(200);
    await as.casey.waitInQueue(id, 'rr_dual');
    expect((await as.casey.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'The goods were never returned' })).status).toBe(200);
    expect(await publishedRequest(id, 'disagreement')).toMatchObject({ eligibleRoles: ['senior_reviewer'], requiredApprovals: 1, disagreement: 'reviewers' });
    await as.riley.waitForRequest(id, 'disagreement');
    expect((await as.riley.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: expect.arrayContaining([expect.objectContaining({ reviewerId: 'riley' })]) });
    await expectVote(as.riley, id, { reviewerId: 'riley', action: 'approve' });
    // Three decisions, one override; pairs of people deciding the same case and round: the two
    // approvers disagree, and the arbiter agrees with one of them.
    await expectFeedback('rr_dual', { override_rate: { value: 0.333, sample: 3 }, reviewer_agreement: { value: 0.333, sample: 3 } });
    expectNoDeadLetters();
  });

  it('revision, then max_rounds: more information is asked, the producer answers, asked again at the last round: up a level', async () => {
    const id = caseId('rounds');
    await submit(id, MID, { category: 'rr_rounds' });
    await publishedRequest(id, 'band');
    await as.sam.waitInQueue(id, 'rr_rounds');
    expect((await as.sam.act(id, 'request-info', { question: 'Which serial number is on the receipt?' })).status).toBe(200);
    const revision = await waitFor(() => events<EventOf<typeof Topics.RevisionRequested>>(Topics.RevisionRequested, id)[0], { description: `revision.requested for ${id}` });
    expect(revision).toMatchObject({ round: 1, maxRounds: 2, question: 'Which serial number is on the receipt?' });
    // The producer answers with its refined prediction: the same case, the next round.
    await submit(id, MID, { category: 'rr_rounds', round: 2, input: { claimId: `CLM-${id}`, policyAgeYears: 4, priorClaims: 0, serial: 'SN-4471' } });
    await publishedRequest(id, 'revision', 2);
    await as.jamie.waitForRequest(id, 'revision', 2);
    expect((await as.jamie.act(id, 'request-info', { question: 'And the purchase date?' })).status).toBe(200);
    expect(await publishedRequest(id, 'max_rounds', 2)).toMatchObject({ tier: 'dual_approval', eligibleRoles: expect.arrayContaining(['senior_reviewer']) });
    await as.robin.waitForRequest(id, 'max_rounds', 2);
    expect((await as.robin.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'robin', role: 'senior_reviewer' }] });
    const shown = await expectVote(as.robin, id, { reviewerId: 'robin', action: 'approve' });
    expect(shown.decisions.map((d) => `${d.round}:${d.reviewerId}:${d.action}`)).toEqual(['1:sam:request_info', '2:jamie:request_info', '2:robin:approve']);
    // Asking for information is not a decision: feedback counts the one approval.
    await expectFeedback('rr_rounds', { auto_approval_rate: { value: 0, sample: 1 }, override_rate: { value: 0, sample: 1 } });
    expectNoDeadLetters();
  });

  it('shadow: a category in its shadow stage goes to people, who decide blind', async () => {
    const id = caseId('shadow');
    await submit(id, HIGH, { category: 'rr_shadow', recommendation: 'approve' });
    expect(await publishedRequest(id, 'shadow')).toMatchObject({ rollout: 'shadow' });
    const detail = await as.sam.waitForRequest(id, 'shadow');
    expect(detail).toMatchObject({ blind: true, recommendation: null });
    expect((await as.sam.act(id, 'approve')).status).toBe(409); // nothing to approve: the recommendation is hidden
    expect(await as.sam.act(id, 'decide', { outcome: 'approve' })).toMatchObject({ status: 200, body: { action: 'approve', agreesWithAi: true } });
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', shadow: true });
    await expectVote(as.sam, id, { reviewerId: 'sam', action: 'approve' });
    await expectFeedback('rr_shadow', { override_rate: { value: 0, sample: 1 } });
    await waitFor(async () => (await feedbackGet<RolloutReport>('/api/rollout?days=2')).categories.find((c) => c.category === 'rr_shadow' && c.stage === 'shadow' && c.shadow.decided === 1), {
      description: 'the shadow decision in the rollout report',
    });
    expectNoDeadLetters();
  });

  it.each([
    ['approve', 'right', { upheld: true, outcome: 'approve' }, 0],
    ['override', 'wrong', { upheld: false, outcome: 'deny' }, 1],
  ] as const)('audit: an audited auto-approval, the auditor says %s; the auto-approval stays the one final decision', async (action, name, verdict, overturned) => {
    const id = caseId(`audit-${name}`);
    const category = `rr_audit_${name}`;
    await submit(id, AUDIT_BAND, { category });
    const request = await publishedRequest(id, 'audit');
    expect(request).toMatchObject({ requiredApprovals: 1, score: { band: 'auto_approve_audit' } });
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'auto', outcome: 'approve', approvers: [], auditSampled: true });
    const reviewer = action === 'approve' ? as.sam : as.jamie;
    await reviewer.waitInQueue(id, category);
    expect(await reviewer.waitForRequest(id, 'audit')).toMatchObject({ audit: { autoApproved: { outcome: 'approve' }, verdict: null }, finalized: { outcome: 'approve', decidedBy: 'auto' } });
    const answer = action === 'approve' ? await reviewer.act(id, 'approve') : await reviewer.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'The damage predates the policy' });
    expect(answer).toMatchObject({ status: 200, body: { action, outcome: verdict.outcome } });
    // An overturn in the single_approver tier needs a second person's word (the default policy's AI–human
    // disagreement): until then the audit stays open without a verdict; then the second overturn is it.
    let by = reviewer;
    if (action === 'override') {
      const waiting = await expectVote(reviewer, id, { reviewerId: reviewer.id, action, outcome: verdict.outcome });
      expect(waiting).toMatchObject({ status: 'open', audit: { verdict: null } });
      by = as.alex;
      await by.waitInQueue(id, category);
      expect(await by.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Confirmed: the damage predates the policy' })).toMatchObject({ status: 200 });
    }
    const shown = await expectVote(by, id, { reviewerId: by.id, action, outcome: verdict.outcome });
    expect(shown).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve', decidedBy: 'auto' }, audit: { verdict: { ...verdict, reviewerId: by.id } } });
    // Feedback records it as audit evidence (the false-negative rate), not as a review decision.
    await expectFeedback(category, { auto_approval_rate: { value: 1, sample: 1 }, false_negative_rate: { value: overturned, sample: 1 }, override_rate: { value: null, sample: 0 } });
    // Routing has consumed the verdict: still the one decision.finalized.
    await routingConsumed(id);
    expect(finalized(id)).toHaveLength(1);
    expectNoDeadLetters();
  });

  it('audit: two overturns with different answers; a senior arbiter who took no part upholds the AI, and the audit counts as right', async () => {
    const id = caseId('audit-third-answer');
    const category = 'rr_audit_third';
    await submit(id, AUDIT_BAND, { category });
    expect(await publishedRequest(id, 'audit')).toMatchObject({ confirmOverride: true });
    await as.jamie.waitInQueue(id, category);
    expect(await as.jamie.act(id, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'The damage predates the policy' })).toMatchObject({ status: 200 });
    await as.alex.waitInQueue(id, category);
    expect(await as.alex.act(id, 'override', { outcome: 'store_credit', reasonCode: 'customer_context', reason: 'A credit fits this customer better' })).toMatchObject({ status: 200 });
    // No verdict yet: the audit waits for an arbiter, and says so; only the arbitration roles may give it.
    const waiting = await expectVote(as.riley, id, { reviewerId: 'alex', action: 'override', outcome: 'store_credit' });
    expect(waiting).toMatchObject({ status: 'open', eligibleRoles: ['senior_reviewer'], audit: { verdict: null, overturnToConfirm: { reviewerId: 'jamie', outcome: 'deny' }, differingOverturn: { reviewerId: 'alex', outcome: 'store_credit' } } });
    expect((await as.sam.act(id, 'approve')).status).toBe(403);
    expect((await as.alex.act(id, 'approve')).status).toBe(403);
    expect(await as.riley.act(id, 'approve')).toMatchObject({ status: 200 });
    const shown = await expectVote(as.riley, id, { reviewerId: 'riley', action: 'approve' });
    expect(shown).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve', decidedBy: 'auto' }, audit: { verdict: { upheld: true, reviewerId: 'riley' }, differingOverturn: null } });
    // Feedback counts one audit, upheld: two people's different mistakes are no evidence against the AI.
    await expectFeedback(category, { auto_approval_rate: { value: 1, sample: 1 }, false_negative_rate: { value: 0, sample: 1 } });
    await routingConsumed(id);
    expect(finalized(id)).toHaveLength(1);
    expectNoDeadLetters();
  });

  it('exercise: a past case where people overruled the AI comes back unannounced; the reviewer catches it and the verdict decides nothing live', async () => {
    const [past, next] = [caseId('exercise-past'), caseId('exercise-next')];
    await submit(past, MID, { category: 'rr_exercise', recommendation: 'approve' });
    await as.sam.waitInQueue(past, 'rr_exercise');
    expect((await as.sam.act(past, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Water damage excluded by the policy' })).status).toBe(200);
    // The override goes to a second person (the default policy's AI–human disagreement), who confirms it.
    await as.riley.waitForRequest(past, 'disagreement');
    expect((await as.riley.act(past, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Confirmed: excluded' })).status).toBe(200);
    expect(await oneFinal(past)).toMatchObject({ decidedBy: 'human', outcome: 'deny' });
    await waitFor(async () => (await as.sam.detail(past)).body.status === 'finalized', { description: `${past} closed in the review app` });
    // The next live request of the category is followed by an exercise replaying the past case.
    await submit(next, MID, { category: 'rr_exercise', recommendation: 'approve' });
    const exercise = await waitFor(() => collector.on(topic(Topics.ReviewRequested)).map((m) => m.json<Requested>()).find((e) => e.reason === 'exercise' && e.exercise?.sourceCaseId === past), {
      description: 'the exercise request',
    });
    covered.add('exercise');
    expect(exercise).toMatchObject({ recommendation: 'approve', exercise: { knownOutcome: 'deny' } });
    await as.jamie.waitInQueue(exercise.caseId, 'rr_exercise');
    const verdict = await as.jamie.act(exercise.caseId, 'override', { outcome: 'deny', reasonCode: 'missed_evidence', reason: 'Water damage is excluded' });
    expect(verdict).toMatchObject({ status: 200, body: { exercise: true, reveal: { caught: true, knownOutcome: 'deny' } } });
    await expectVote(as.jamie, exercise.caseId, { reviewerId: 'jamie', action: 'override', outcome: 'deny' });
    await waitFor(async () => (await as.jamie.detail(exercise.caseId)).body.status === 'finalized', { description: 'the exercise closed' });
    await as.alex.waitInQueue(next, 'rr_exercise');
    expect((await as.alex.act(next, 'approve')).status).toBe(200);
    expect(await oneFinal(next)).toMatchObject({ decidedBy: 'human', outcome: 'approve' });
    // The verdict counts toward the reviewer's catch rate, not the category's figures; routing never heard of it.
    await waitFor(async () => {
      const mine = await feedbackGet<ReviewerDetail>('/api/reviewers/jamie?days=2');
      return mine.exercises.answered === 1 && mine.exercises.caught === 1 && mine.exercises.matchedKnownOutcome === 1;
    }, { description: "the exercise on jamie's feedback page" });
    // Sam's override, Riley's confirmation of it and Alex's approval of the next case.
    await expectFeedback('rr_exercise', { auto_approval_rate: { value: 0, sample: 2 }, override_rate: { value: 0.667, sample: 3 } });
    expect(finalized(exercise.caseId)).toEqual([]);
    expectNoDeadLetters();
  });

  it('escalation (time-based): nobody acted, the ladder hands the case to the team lead, who approves', async () => {
    const id = caseId('timeout');
    await publishedRequest(id, 'band');
    const detail = await as.taylor.waitForRequest(id, 'escalation', 1, 60_000);
    expect(detail.escalations[0]).toMatchObject({ escalateTo: 'team_lead', reason: 'timeout' });
    await as.taylor.waitInQueue(id, 'rr_timeout');
    expect((await as.taylor.act(id, 'approve')).status).toBe(200);
    expect(await oneFinal(id)).toMatchObject({ decidedBy: 'human', outcome: 'approve', approvers: [{ reviewerId: 'taylor', role: 'team_lead' }] });
    await expectVote(as.taylor, id, { reviewerId: 'taylor', action: 'approve' });
    await expectFeedback('rr_timeout', { override_rate: { value: 0, sample: 1 }, escalation_rate: { value: 1, sample: 1 } });
    expectNoDeadLetters();
  });

  it('covered every reason the platform emits, each case decided once, and nothing dead-lettered', async () => {
    expect([...covered].sort()).toEqual([...ReviewReasons].sort());
    const decided = collector.on(topic(Topics.ReviewDecided)).map((m) => m.json<Decided>());
    for (const id of new Set(decided.filter((d) => !d.exercise).map((d) => d.caseId))) {
      await routingConsumed(id);
      expect({ id, finalized: finalized(id).length }).toEqual({ id, finalized: 1 });
    }
    expectNoDeadLetters();
  });
});
