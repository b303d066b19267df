import { ALL_TOPICS, dlqTopicOf, exampleOf, physicalTopic, Topics, type EventOf, type HealthSeries, type LoopEvents, type ReviewerDetail, type RolloutReport } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { ChildService, policyFileWith, createTopics, distEntry, freshDatabaseUri, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';

type Requested = EventOf<typeof Topics.ReviewRequested>;
type Decided = EventOf<typeof Topics.ReviewDecided>;
type Finalized = EventOf<typeof Topics.DecisionFinalized>;
type Captured = EventOf<typeof Topics.FeedbackCaptured>;
type Retraining = EventOf<typeof Topics.RetrainingTriggered>;
interface Metric {
  name: string;
  value: number | null;
  sample: number;
  status: string;
}

describe('feedback through the real broker and database', () => {
  const prefix = testTopicPrefix();
  const t = (topic: (typeof ALL_TOPICS)[number]) => physicalTopic(topic, prefix);
  const run = secureRandom(3);
  // Each test its own category, so the counters of one do not show in another.
  const category = (name: string) => `${name}-${run}`;
  let publisher: EventPublisher;
  let collector: TopicCollector;
  let service: RunningService;

  const requested = (caseId: string, cat: string, overrides: Partial<Requested> = {}): Requested => {
    const base = exampleOf(Topics.ReviewRequested);
    const now = new Date();
    return { ...base, caseId, predictionId: caseId, round: 1, reason: 'band', triggers: [], recommendation: 'approve', context: { ...base.context, category: cat, modelVersion: 'fraud-model-2.1' }, requestedAt: now.toISOString(), dueAt: new Date(now.getTime() + 3_600_000).toISOString(), ...overrides };
  };
  const decided = (caseId: string, override: boolean, n: number): Decided => {
    const at = new Date();
    return {
      caseId,
      decisionId: `d-${caseId}`,
      reviewerId: `rev-${n % 3}`,
      role: 'support_lead',
      action: override ? 'override' : 'approve',
      outcome: override ? 'deny' : 'approve',
      // The policy's reason codes: even-numbered reviewers' decisions suspect fraud, odd ones say the AI missed evidence.
      ...(override ? { reason: 'Receipt does not match the order', reasonCode: n % 2 === 0 ? 'suspected_fraud' : 'missed_evidence' } : {}),
      agreesWithAi: !override,
      round: 1,
      startedAt: new Date(at.getTime() - 60_000).toISOString(),
      decidedAt: at.toISOString(),
    };
  };
  const captured = (caseId: string) => collector.on(t(Topics.FeedbackCaptured)).filter((m) => m.key === caseId).map((m) => m.json<Captured>());
  const triggers = (cat: string) => collector.on(t(Topics.RetrainingTriggered)).filter((m) => m.key === cat).map((m) => m.json<Retraining>());
  const health = async (cat: string): Promise<Record<string, Metric>> => {
    const { status, body } = await service.get(`/api/health-metrics?category=${cat}`);
    expect(status).toBe(200);
    const { categories } = body as { categories: { category: string; metrics: Metric[] }[] };
    return Object.fromEntries((categories.find((c) => c.category === cat)?.metrics ?? []).map((m) => [m.name, m]));
  };

  /**
   * The default policy, with one category in the rollout's shadow stage; calibration off there
   * (its 200 decisions would each re-read 30 days of counters, with the check interval at 0).
   */
  const policyFile = () =>
    policyFileWith((policy) => {
      policy.categories = { ...policy.categories, [category('staged')]: { rollout: 'shadow' } };
      // The guide's override-rate trigger is opt-in (earned trust's drift charts are the default): this suite tests it.
      policy.feedback = { ...policy.feedback, retraining: { ...policy.feedback.retraining, on: 'drift_and_override_rate' }, calibration: { ...(policy.feedback?.calibration ?? {}), modes: { [category('staged')]: 'off' } } };
    });

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [t(topic), dlqTopicOf(t(topic))]), 3);
    collector = await TopicCollector.start(kafka, [t(Topics.FeedbackCaptured), t(Topics.RetrainingTriggered), t(Topics.ThresholdsCalibrated)]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    service = RunningService.start('feedback', { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('feedback'), FEEDBACK_CALIBRATION_INTERVAL_MS: '0', POLICY_FILE: policyFile() });
    await service.waitUntilListening();
    await service.waitUntilReady();
  });

  afterAll(async () => {
    await service?.process.stop();
    await publisher?.disconnect();
    await collector?.stop();
  });

  it('captures every human decision joined with the AI side; too many overrides trigger retraining once', async () => {
    const cat = category('refund');
    const cases = Array.from({ length: 40 }, (_, i) => `fb-${run}-${i}`);
    for (const caseId of cases) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    // 10 overrides in 40 (25%, above the default 15%; 40 ≥ the minimum sample of 30).
    for (const [i, caseId] of cases.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, i % 4 === 0, i));
    await waitFor(() => cases.every((c) => captured(c).length > 0), { timeoutMs: 60_000, description: 'a feedback record for each decision' });
    const overridden = captured(cases[0])[0];
    expect(overridden).toMatchObject({ feedbackId: `fb:d-${cases[0]}`, category: cat, modelVersion: 'fraud-model-2.1', aiRecommendation: 'approve', humanDecision: 'deny', override: true, reason: 'Receipt does not match the order', reasonCode: 'suspected_fraud', reviewTimeMs: 60_000, round: 1 });
    expect(captured(cases[1])[0]).toMatchObject({ humanDecision: 'approve', override: false });

    await waitFor(() => triggers(cat).length > 0, { timeoutMs: 30_000, description: 'the retraining trigger' });
    const [trigger] = triggers(cat);
    expect(trigger).toMatchObject({ category: cat, modelVersion: 'fraud-model-2.1', threshold: 0.15 });
    expect(trigger.sampleSize).toBeGreaterThanOrEqual(30);
    expect(trigger.overrideRate).toBeGreaterThan(0.15);
    expect(trigger.exampleCaseIds.length).toBeGreaterThan(0);
    expect(trigger.exampleCaseIds.every((id) => cases.indexOf(id) % 4 === 0)).toBe(true);
    // The evidence says why people overrode: every override counted so far carried suspected_fraud (cases 0, 4, 8, …).
    expect(trigger.overrideReasonCodes).toEqual([{ code: 'suspected_fraud', count: Math.round(trigger.overrideRate * trigger.sampleSize) }]);

    // More overrides in the same window: no second trigger (once per window).
    const more = Array.from({ length: 10 }, (_, i) => `fb-${run}-more-${i}`);
    for (const caseId of more) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    for (const [i, caseId] of more.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, true, i));
    await waitFor(async () => (await health(cat)).override_rate?.sample === 50, { timeoutMs: 30_000, description: 'the ten more decisions counted' });
    expect(triggers(cat)).toHaveLength(1);
    // rev-0 overrode cases 0, 12, 24, 36 and four more: their page shows the trigger they fed, with their cases among its examples.
    // A reviewer's counters are written after the category's: wait for all eight.
    const impactOf = async () => ((await service.get('/api/reviewers/rev-0')).body as ReviewerDetail).impact.find((i) => i.kind === 'retraining' && i.category === cat);
    const impact = await waitFor(async () => ((await impactOf())?.yourOverrides === 8 ? impactOf() : undefined), { description: "rev-0's eight overrides on their page" });
    expect(impact).toMatchObject({ yourOverrides: 8, summary: expect.stringContaining('fraud-model-2.1 sent for retraining') });
    expect(impact!.yourCases.length).toBeGreaterThan(0);
    expect(impact!.yourCases.every((c) => trigger.exampleCaseIds.includes(c))).toBe(true);
    const metrics = await health(cat);
    expect(metrics.override_rate).toMatchObject({ value: 20 / 50, sample: 50, status: 'red' });
    expect(metrics.average_review_time).toMatchObject({ value: 1, sample: 50, status: 'ok' });
    // Day by day for the trend lines: 14 days, today's override rate the same 20 of 50, earlier days empty.
    const series = (await service.get(`/api/health-series?category=${cat}`)).body as HealthSeries;
    expect(series.days).toHaveLength(14);
    expect(series.days.at(-1)!.metrics.find((m) => m.name === 'override_rate')).toMatchObject({ value: 20 / 50, sample: 50 });
    expect(series.days[0].metrics.find((m) => m.name === 'override_rate')).toMatchObject({ value: null, sample: 0 });
    // The dashboard's list of what the loop decided has the trigger.
    const loop = (await service.get('/api/loop-events')).body as LoopEvents;
    expect(loop.retraining.find((r) => r.category === cat)).toMatchObject({ modelVersion: 'fraud-model-2.1', sampleSize: trigger.sampleSize, exampleCaseIds: trigger.exampleCaseIds });
  });

  it('a decision delivered twice is one feedback record and counted once', async () => {
    const cat = category('dup');
    const caseId = `dup-${run}`;
    await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    const decision = decided(caseId, true, 0);
    // Two records with the same content (a producer retry): two Kafka records, one decision.
    await publisher.publish(Topics.ReviewDecided, decision, { id: 'same-event' });
    await publisher.publish(Topics.ReviewDecided, decision, { id: 'same-event' });
    await waitFor(async () => (await health(cat)).override_rate?.sample === 1, { timeoutMs: 30_000, description: 'the decision counted' });
    await waitFor(() => captured(caseId).length >= 2, { timeoutMs: 30_000, description: 'both deliveries handled' });
    // Same CloudEvents id and content: consumers dedupe on it.
    expect(new Set(collector.on(t(Topics.FeedbackCaptured)).filter((m) => m.key === caseId).map((m) => m.headers.ce_id))).toEqual(new Set([`fb:d-${caseId}`]));
  });

  it('a decision consumed before its request waits for it (topics are consumed apart), and is counted', async () => {
    const cat = category('late');
    const late = `late-${run}`;
    await publisher.publish(Topics.ReviewDecided, decided(late, false, 0));
    // Later records of the same partition move its mark on before the late one is counted.
    const others = Array.from({ length: 5 }, (_, i) => `late-${run}-other-${i}`);
    for (const caseId of others) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    for (const [i, caseId] of others.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, false, i));
    await waitFor(async () => (await health(cat)).override_rate?.sample === 5, { timeoutMs: 30_000, description: 'the other decisions counted' });
    await publisher.publish(Topics.ReviewRequested, requested(late, cat));
    await waitFor(() => captured(late).length > 0, { timeoutMs: 60_000, description: 'the late-joined feedback record' });
    expect(captured(late)[0]).toMatchObject({ category: cat, override: false });
    await waitFor(async () => (await health(cat)).override_rate?.sample === 6, { timeoutMs: 30_000, description: 'the late decision counted too' });
  });

  it('dual review: two people on the same case and round form a pair; reviewers report agreement, medians, kappa', async () => {
    const cat = category('dual');
    const cases = Array.from({ length: 4 }, (_, i) => `dual-${run}-${i}`);
    for (const caseId of cases) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { requiredApprovals: 2 }));
    const second = (caseId: string, i: number): Decided => ({ ...decided(caseId, i === 3, 1), decisionId: `d2-${caseId}`, reviewerId: `peer-${run}`, startedAt: new Date(Date.now() - 30_000).toISOString(), decidedAt: new Date().toISOString() });
    for (const [i, caseId] of cases.entries()) {
      await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, false, 0), reviewerId: `first-${run}` });
      await publisher.publish(Topics.ReviewDecided, second(caseId, i));
    }
    // Three pairs agree (approve/approve), one does not (approve/deny).
    await waitFor(async () => (await health(cat)).reviewer_agreement?.sample === 4, { timeoutMs: 30_000, description: 'four dual-review pairs' });
    expect((await health(cat)).reviewer_agreement).toMatchObject({ value: 0.75 });
    // The reviewers' own counters are written after the category's, each in its own document: wait for both.
    type Report = { reviewers: { reviewerId: string; peerPairs: number }[] };
    await waitFor(
      async () => {
        const { reviewers } = (await service.get('/api/reviewers?days=7')).body as Report;
        return [`first-${run}`, `peer-${run}`].every((id) => reviewers.find((r) => r.reviewerId === id)?.peerPairs === 4);
      },
      { timeoutMs: 30_000, description: "both reviewers' four pairs" },
    );
    const { status, body } = await service.get('/api/reviewers?days=7');
    expect(status).toBe(200);
    const report = body as { kappa: { pairs: number }; reviewers: { reviewerId: string; decisions: number; peerPairs: number; peerAgreement: number; medianReviewMs: number; agreementWithAi: number; rubberStamp: { flagged: boolean; reasons: string[] } }[] };
    const peer = report.reviewers.find((r) => r.reviewerId === `peer-${run}`)!;
    expect(peer).toMatchObject({ decisions: 4, peerPairs: 4, peerAgreement: 0.75, medianReviewMs: 30_000, agreementWithAi: 0.75 });
    expect(peer.rubberStamp).toEqual({ flagged: false, reasons: ['too few decisions (4 < 50)'] });
    expect(report.reviewers.find((r) => r.reviewerId === `first-${run}`)).toMatchObject({ decisions: 4, peerPairs: 4, agreementWithAi: 1 });
    expect(report.kappa.pairs).toBeGreaterThanOrEqual(4);
  });

  it('the rubber-stamp flag: a reviewer who approves everything in two seconds is flagged, a careful one beside them is not', async () => {
    const cat = category('stamp');
    const [stamp, careful] = [`stamp-${run}`, `careful-${run}`];
    const cases = Array.from({ length: 60 }, (_, i) => `stamp-${run}-${i}`);
    for (const caseId of cases) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    const at = new Date();
    for (const [i, caseId] of cases.entries()) {
      const quick = i % 2 === 0;
      const reviewTimeMs = quick ? 2_000 : 95_000;
      // The fast one approves all 30; the careful one overrides 6 of 30 after a minute and a half.
      const override = !quick && i % 10 === 1;
      await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, override, i), reviewerId: quick ? stamp : careful, startedAt: new Date(at.getTime() - reviewTimeMs).toISOString(), decidedAt: at.toISOString() });
    }
    type Report = { reviewers: { reviewerId: string; decisions: number; medianReviewMs: number; rubberStamp: { flagged: boolean; reasons: string[] } }[] };
    const report = await waitFor(async () => {
      const body = (await service.get('/api/reviewers?days=7')).body as Report;
      const counted = body.reviewers.filter((r) => (r.reviewerId === stamp || r.reviewerId === careful) && r.decisions === 30);
      return counted.length === 2 ? body : undefined;
    }, { timeoutMs: 60_000, description: 'both reviewers\' 30 decisions' });
    // The default rule wants 50 decisions: with 30 each, nobody is judged yet.
    expect(report.reviewers.find((r) => r.reviewerId === stamp)!.rubberStamp).toEqual({ flagged: false, reasons: ['too few decisions (30 < 50)'] });
    // 25 more approvals each: 55 decisions, enough to judge.
    const more = Array.from({ length: 50 }, (_, i) => `stamp-${run}-more-${i}`);
    for (const caseId of more) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    for (const [i, caseId] of more.entries()) {
      const reviewTimeMs = i < 25 ? 2_000 : 95_000;
      await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, false, i), reviewerId: i < 25 ? stamp : careful, startedAt: new Date(at.getTime() - reviewTimeMs).toISOString(), decidedAt: at.toISOString() });
    }
    const judged = await waitFor(async () => {
      const body = (await service.get('/api/reviewers?days=7')).body as Report;
      return body.reviewers.filter((r) => (r.reviewerId === stamp || r.reviewerId === careful) && r.decisions === 55).length === 2 ? body : undefined;
    }, { timeoutMs: 60_000, description: "both reviewers' 55 decisions" });
    const fast = judged.reviewers.find((r) => r.reviewerId === stamp)!;
    expect(fast).toMatchObject({ medianReviewMs: 2_000, rubberStamp: { flagged: true } });
    expect(fast.rubberStamp.reasons).toEqual(expect.arrayContaining([expect.stringContaining('median review time 2000 ms is below 30000 ms')]));
    // 49 of 55 agreeing (89%) after 95 s each: judged, and not a rubber stamp.
    expect(judged.reviewers.find((r) => r.reviewerId === careful)).toMatchObject({ medianReviewMs: 95_000, rubberStamp: { flagged: false, reasons: [] } });
  });

  it("three people on one request: Fleiss' kappa over such requests (Fleiss 1971, varying raters' form)", async () => {
    const cat = category('trio');
    const [unanimous, split] = [`trio-${run}-a`, `trio-${run}-b`];
    for (const caseId of [unanimous, split]) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { requiredApprovals: 3 }));
    // Unanimous approve; then approve, deny, deny.
    const votes: [string, number, boolean][] = [[unanimous, 0, false], [unanimous, 1, false], [unanimous, 2, false], [split, 0, false], [split, 1, true], [split, 2, true]];
    for (const [caseId, n, override] of votes) await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, override, n), decisionId: `d-${caseId}-${n}`, reviewerId: `trio-${run}-${n}` });
    type Report = { fleiss: { kappa: number | null; requests: number } };
    const report = await waitFor(async () => {
      const body = (await service.get('/api/reviewers?days=7')).body as Report;
      return body.fleiss.requests >= 2 ? body : undefined;
    }, { timeoutMs: 30_000, description: 'two requests with three raters' });
    // P̄ = (1 + 1/3) / 2 = 2/3; p(approve) = 4/6, p(deny) = 2/6, P̄e = 5/9; κ = (2/3 − 5/9) / (1 − 5/9) = 0.25.
    expect(report.fleiss.requests).toBe(2);
    expect(report.fleiss.kappa).toBeCloseTo(0.25, 10);
  });

  it('health: the guide\'s metrics from final decisions, requests and escalations, as JSON and Prometheus', async () => {
    const cat = category('health');
    const base = exampleOf(Topics.DecisionFinalized);
    const finalized = (caseId: string, human: boolean): Finalized => ({
      ...base,
      caseId,
      predictionId: caseId,
      decidedBy: human ? 'human' : 'auto',
      approvers: human ? [{ reviewerId: 'sam', role: 'support_lead' }] : [],
      category: cat,
      finalizedAt: new Date().toISOString(),
      latencyMs: human ? 10 * 60_000 : 50,
    });
    for (let i = 0; i < 10; i++) await publisher.publish(Topics.DecisionFinalized, finalized(`h-${run}-${i}`, i >= 7));
    const reviewed = Array.from({ length: 4 }, (_, i) => `h-${run}-r${i}`);
    for (const caseId of reviewed) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    await publisher.publish(Topics.EscalationFired, { caseId: reviewed[0], level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: new Date().toISOString(), round: 1 });
    await waitFor(async () => {
      const m = await health(cat);
      return m.auto_approval_rate?.sample === 10 && m.escalation_rate?.sample === 4 && m.escalation_rate.value === 0.25;
    }, { timeoutMs: 30_000, description: 'finalized, requested and escalated counted' });
    const m = await health(cat);
    // Values from 10, 3 and 4 cases: shown, too few to be judged against the guide's targets.
    expect(m.auto_approval_rate).toMatchObject({ value: 0.7, status: 'few' });
    expect(m.time_to_human_decision).toMatchObject({ value: 10, sample: 3, status: 'few' });
    expect(m.escalation_rate).toMatchObject({ status: 'few' });
    expect(m.false_negative_rate).toMatchObject({ value: null, status: 'no_data' });

    const prometheus = await fetch(`${service.url}/metrics`);
    expect(prometheus.headers.get('content-type')).toContain('text/plain');
    expect(await prometheus.text()).toContain(`hitl_health_value{metric="auto_approval_rate",category="${cat}"} 0.7`);
  });

  it('the weekly report answers the guide\'s five questions, over HTTP and from npm run report:weekly', async () => {
    const cat = category('refund');
    const { status, body } = await service.get('/api/weekly-report');
    expect(status).toBe(200);
    const report = body as { questions: { question: string; answer: string }[]; commonOverrideReasons: { reason: string; count: number }[]; categoriesByOverrides: { category: string; overrides: number }[]; overrideReasonCodes: { code: string; label: string; count: number }[] };
    expect(report.questions).toHaveLength(5);
    // Counted by the policy's reason codes, with their labels: the first test's category alone gave 15 and 5.
    const codes = Object.fromEntries(report.overrideReasonCodes.map((c) => [c.code, c]));
    expect(codes.suspected_fraud).toMatchObject({ label: 'Signs of fraud or abuse' });
    expect(codes.suspected_fraud.count).toBeGreaterThanOrEqual(15);
    expect(codes.missed_evidence.count).toBeGreaterThanOrEqual(5);
    expect(report.commonOverrideReasons).toContainEqual({ reason: 'receipt does not match the order', count: expect.any(Number) });
    // The first test's category: 10 + 10 overrides, the most of any.
    expect(report.categoriesByOverrides[0]).toMatchObject({ category: cat, overrides: 20 });
    const cli = ChildService.start(distEntry('tools/cli/src/weekly-report.js'), { FEEDBACK_URL: service.url });
    await cli.waitForExit(30_000);
    expect(cli.exitCode).toBe(0);
    expect(cli.output).toContain('# Weekly HITL health report');
    expect(cli.output).toContain(`| ${cat} | 20 |`);
    expect(cli.output).toContain('| Signs of fraud or abuse (`suspected_fraud`) |');
  });

  it('the weekly report shows the second looks the AI–human disagreement asks for, apart from split votes', async () => {
    const cat = category('second-looks');
    const workload = async () => ((await service.get('/api/weekly-report')).body as { disagreementWorkload: { aiOverride: number; reviewers: number; reviewRequests: number } }).disagreementWorkload;
    const before = await workload();
    await publisher.publish(Topics.ReviewRequested, requested(`sl-${run}-1`, cat));
    await publisher.publish(Topics.ReviewRequested, requested(`sl-${run}-1`, cat, { reason: 'disagreement', disagreement: 'ai_override', round: 1 }));
    await publisher.publish(Topics.ReviewRequested, requested(`sl-${run}-2`, cat, { reason: 'disagreement', disagreement: 'reviewers' }));
    const after = await waitFor(async () => {
      const w = await workload();
      return w.reviewRequests >= before.reviewRequests + 3 ? w : undefined;
    }, { description: 'the three requests counted' });
    expect(after.aiOverride - before.aiOverride).toBe(1);
    expect(after.reviewers - before.reviewers).toBe(1);
  });

  it('gradual rollout: from blind decisions in the shadow stage, what automation would have done against people, and the advice to automate', async () => {
    const cat = category('staged');
    const wouldAuto = Array.from({ length: 200 }, (_, i) => `roll-${run}-${i}`);
    const unsure = Array.from({ length: 10 }, (_, i) => `roll-unsure-${run}-${i}`);
    for (const caseId of wouldAuto) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { reason: 'shadow', rollout: 'shadow' }));
    for (const caseId of unsure) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { reason: 'band', rollout: 'shadow' }));
    // People agree with every case automation would have approved, and overrule 4 of the 10 it would have sent to them.
    for (const [i, caseId] of wouldAuto.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, false, i));
    for (const [i, caseId] of unsure.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, i < 4, i));
    const report = async () => ((await service.get('/api/rollout')).body as RolloutReport).categories.find((c) => c.category === cat);
    await waitFor(async () => (await report())?.shadow.decided === 210, { timeoutMs: 100_000, description: 'the 210 shadow decisions counted' });
    const r = (await report())!;
    expect(r).toMatchObject({ stage: 'shadow', judgedOn: 'shadow', recommendation: 'automate', assist: { decided: 0 } });
    expect(r.shadow).toMatchObject({ decided: 210, wouldAutomate: 200, wouldAutomateErrors: 0, errorRate: 0 });
    expect(r.shadow.agreementWithAi).toBeCloseTo(206 / 210, 10);
    // 0 of 200: the two-sided 95% Clopper–Pearson upper bound is 1 − 0.025^(1/200).
    expect(r.evidence.errorUpperBound).toBeCloseTo(1 - 0.025 ** (1 / 200), 6);
    expect((await service.get('/api/rollout?days=x')).status).toBe(400);
  });

  it("a reviewer's own page: catches (overrides the final decision kept) and calibration exercises caught, apart from live decisions", async () => {
    const cat = category('mine');
    const reviewer = `kim-${run}`;
    // Two overrides: the first case ends as Kim said (a catch), the second does not.
    const [kept, reversed] = [`mine-kept-${run}`, `mine-rev-${run}`];
    for (const caseId of [kept, reversed]) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
    for (const caseId of [kept, reversed]) await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, true, 0), reviewerId: reviewer });
    const final = (caseId: string, outcome: string): Finalized => ({ ...exampleOf(Topics.DecisionFinalized), caseId, predictionId: caseId, outcome, decidedBy: 'human', approvers: [{ reviewerId: reviewer, role: 'support_lead' }], category: cat, recommendation: 'approve', finalizedAt: new Date().toISOString() });
    await publisher.publish(Topics.DecisionFinalized, final(kept, 'deny'));
    await publisher.publish(Topics.DecisionFinalized, final(reversed, 'approve'));
    // Three exercises: Kim overrides two (one to the confirmed outcome), follows the AI on one.
    const exercises = [0, 1, 2].map((i) => `mine-ex-${run}-${i}`);
    for (const caseId of exercises) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { reason: 'exercise', exercise: { sourceCaseId: kept, knownOutcome: 'deny' } }));
    const verdicts: Decided[] = [
      { ...decided(exercises[0], true, 0), reviewerId: reviewer, exercise: true },
      { ...decided(exercises[1], true, 0), reviewerId: reviewer, outcome: 'partial_refund', exercise: true },
      { ...decided(exercises[2], false, 0), reviewerId: reviewer, exercise: true },
    ];
    for (const v of verdicts) await publisher.publish(Topics.ReviewDecided, v);
    const page = async () => (await service.get(`/api/reviewers/${reviewer}`)).body as ReviewerDetail;
    await waitFor(
      async () => {
        const sofar = await page();
        return sofar.exercises?.answered === 3 && sofar.reviewer.catches === 1 && sofar.reviewer.decisions === 2;
      },
      { timeoutMs: 30_000, description: "Kim's decisions, exercises and catch counted" },
    );
    const p = await page();
    expect(p.exercises).toEqual({ answered: 3, caught: 2, matchedKnownOutcome: 1 });
    expect(p.reviewer).toMatchObject({ decisions: 2, catches: 1, exercises: 3 });
    expect(p.reviewer.exerciseCatchRate).toBeCloseTo(2 / 3, 10);
    expect(p.catches).toEqual([{ caseId: kept, category: cat, ai: 'approve', decided: 'deny' }]);
    // Exercises are not live decisions: no feedback record, and the category's override rate counts only the two real ones.
    expect(captured(exercises[0])).toHaveLength(0);
    expect((await health(cat)).override_rate).toMatchObject({ sample: 2, value: 1 });
    expect((await service.get('/api/reviewers/bad%20id')).status).toBe(400);
  });

  it('audits of auto-approvals: the false-negative rate with its confidence interval, apart from review decisions', async () => {
    const cat = category('audited');
    const cases = Array.from({ length: 25 }, (_, i) => `audit-${run}-${i}`);
    for (const caseId of cases) await publisher.publish(Topics.ReviewRequested, requested(caseId, cat, { reason: 'audit' }));
    // One of 25 audited auto-approvals overturned.
    for (const [i, caseId] of cases.entries()) await publisher.publish(Topics.ReviewDecided, decided(caseId, i === 0, i));
    await waitFor(async () => (await health(cat)).false_negative_rate?.sample === 25, { timeoutMs: 30_000, description: 'the 25 audits counted' });
    const m = await health(cat);
    expect(m.false_negative_rate).toMatchObject({ value: 0.04, sample: 25, status: 'red', interval: { level: 0.95, method: 'clopper_pearson' } });
    const interval = (m.false_negative_rate as unknown as { interval: { low: number; high: number } }).interval;
    // Clopper–Pearson for 1 of 25 (scipy: 0.001012, 0.203517).
    expect(interval.low).toBeCloseTo(0.001012, 5);
    expect(interval.high).toBeCloseTo(0.203517, 5);
    // Audits are not review decisions: the override rate of the category has no sample.
    expect(m.override_rate).toMatchObject({ value: null, sample: 0 });
  });

  it('unnecessary escalations: a hand escalation whose case ended with the AI\'s recommendation counts against the reviewer', async () => {
    const cat = category('escalated');
    const reviewer = `escalator-${run}`;
    const cases = [`esc-${run}-kept`, `esc-${run}-changed`];
    for (const caseId of cases) {
      await publisher.publish(Topics.ReviewRequested, requested(caseId, cat));
      await publisher.publish(Topics.ReviewDecided, { ...decided(caseId, false, 0), decisionId: `e-${caseId}`, reviewerId: reviewer, action: 'escalate', outcome: undefined, reason: 'Not sure' });
    }
    // The first ends as the AI recommended (approve), the second otherwise; the final decisions
    // may be consumed before or after the escalations (separate topics): judged either way.
    const base = exampleOf(Topics.DecisionFinalized);
    for (const [i, caseId] of cases.entries()) {
      await publisher.publish(Topics.DecisionFinalized, { ...base, caseId, predictionId: caseId, decidedBy: 'human', approvers: [{ reviewerId: 'lead', role: 'team_lead' }], category: cat, recommendation: 'approve', outcome: i === 0 ? 'approve' : 'deny', finalizedAt: new Date().toISOString() });
    }
    type Report = { reviewers: { reviewerId: string; escalations: number; unnecessaryEscalationRate: number | null }[] };
    await waitFor(async () => ((await service.get('/api/reviewers')).body as Report).reviewers.find((r) => r.reviewerId === reviewer)?.escalations === 2, { timeoutMs: 30_000, description: 'both escalations judged' });
    const { body } = await service.get('/api/reviewers');
    expect((body as Report).reviewers.find((r) => r.reviewerId === reviewer)).toMatchObject({ escalations: 2, unnecessaryEscalationRate: 0.5 });
  });

  it('a bad query is a 400 naming the field', async () => {
    const { status, body } = await service.get('/api/health-metrics?days=0');
    expect(status).toBe(400);
    expect(body).toMatchObject({ field: 'days' });
  });
});
