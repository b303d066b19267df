import { ALL_TOPICS, dlqTopicOf, physicalTopic, Topics, type EventOf, type TopicName } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { ChildService, createTopics, distEntry, freshDatabaseUri, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { decision } from '../routing/fixtures.test-helper';
import type { BacktestReport } from './backtest';

/** A line of the recording, as much as the test reads. */
interface Line {
  caseId: string;
  live: { route: string; escalations: { reason: string }[] };
}

const COUNT = 200;
const ROOT = resolve(__dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'hitl-backtest-'));

/** The default policy under another version and other band edges (each category uses the defaults' bands). */
function policyFile(name: string, bands?: { autoApprove: number; autoApproveAudit: number }): string {
  const policy = parse(readFileSync(join(ROOT, 'config/policy.default.yaml'), 'utf8'));
  // One reviewer decides each case here (an override final at once): the backtest's evidence, not the second look, is under test.
  policy.arbitration.aiDisagreementTiers = [];
  if (bands) {
    policy.version = name;
    policy.defaults.bands = { ...policy.defaults.bands, ...bands };
  }
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(policy));
  return file;
}

/**
 * The i-th prediction: confidence spread evenly (the producer sends every factor, so overall =
 * 0.6·p + 0.4 lies in [0.76, 1)), categories of three tiers (refund: single approver; claims of
 * 500 and moderation: automatic; large refunds: dual approval, never automated), some VIP tags
 * and some mentions of a lawsuit (triggers).
 */
function prediction(run: string, i: number): EventOf<typeof Topics.PredictionSubmitted> {
  const category = ['refund', 'refund', 'property_damage', 'large_refund', 'content_moderation'][i % 5];
  const p = Math.round((0.6 + (0.4 * ((i * 37) % 100)) / 100) * 1_000) / 1_000;
  const values: Record<string, number | undefined> = { refund: 40 + (i % 9) * 40, property_damage: 500, large_refund: 20_000 };
  const value = values[category];
  return {
    predictionId: `bt-${run}-${String(i).padStart(3, '0')}`,
    producer: 'backtest-test',
    modelVersion: 'bt-1',
    category,
    recommendation: 'approve',
    probability: p,
    ...(value !== undefined ? { value, currency: 'USD' } : {}),
    riskLevel: 'low',
    reasoning: i % 13 === 0 ? 'The customer says a lawsuit is coming.' : 'Within policy and the usual range.',
    input: { ref: `R-${i}` },
    signals: { trainingDataCoverage: p, inputQuality: 1, edgeCaseIndicators: 0 },
    tags: i % 11 === 0 ? ['vip'] : [],
    submittedAt: new Date().toISOString(),
    round: 1,
  };
}

describe('npm run backtest on a recording of the started platform', () => {
  const prefix = testTopicPrefix();
  const topic = (name: TopicName) => physicalTopic(name, prefix);
  const run = secureRandom(3);
  const current = policyFile('current');
  const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, POLICY_FILE: current };
  // The escalation ladder at 3,600× real time: its first rung (30 minutes) fires after 0.5 s.
  const ladder = { ESCALATION_TIME_SCALE: '3600', ESCALATION_TICK_MS: '200', ESCALATION_BUCKET_MS: '1000' };
  const services: RunningService[] = [];
  let collector: TopicCollector;
  let publisher: EventPublisher;
  const ids = Array.from({ length: COUNT }, (_, i) => prediction(run, i).predictionId);
  const decided = new Map<string, 'approve' | 'override'>();
  const cases = join(dir, 'cases.jsonl');
  let liveAuto = 0;
  let immediate = 0;
  const lines = (): Line[] => readFileSync(cases, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);

  const events = <T extends TopicName>(name: T) => collector.on(topic(name)).map((m) => m.json<EventOf<T>>());
  const finalized = () => events(Topics.DecisionFinalized);
  const requests = () => events(Topics.ReviewRequested).filter((r) => r.reason !== 'audit');

  async function command(script: string, args: string[]): Promise<ChildService> {
    const child = ChildService.start(distEntry(`apps/routing/src/${script}.js`), env, args);
    await child.waitForExit(120_000);
    if (child.exitCode !== 0) throw new Error(`${script} ${args.join(' ')} exited ${child.exitCode}:\n${child.output.slice(-3_000)}`);
    return child;
  }

  async function backtest(candidate: string, out: string): Promise<BacktestReport> {
    await command('backtest-main', ['--data', cases, '--current', current, '--candidate', candidate, '--json', '--out', out]);
    return JSON.parse(readFileSync(out, 'utf8')) as BacktestReport;
  }

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((t) => [topic(t), dlqTopicOf(topic(t))]), 3);
    for (const name of ['scoring', 'routing', 'escalation'] as const) services.push(RunningService.start(name, { ...env, ...ladder, MONGODB_URI: freshDatabaseUri(name) }));
    await Promise.all(services.map((s) => s.waitUntilListening()));
    await Promise.all(services.map((s) => s.waitUntilReady()));
    collector = await TopicCollector.start(kafka, [topic(Topics.DecisionFinalized), topic(Topics.ReviewRequested), topic(Topics.EscalationFired)]);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();

    // The live run: every prediction is auto-approved or waits for people.
    await publisher.publishAll(Array.from({ length: COUNT }, (_, i) => ({ topic: Topics.PredictionSubmitted, data: prediction(run, i) })));
    await waitFor(
      () => {
        const stopped = new Set([...finalized().map((e) => e.caseId), ...requests().map((e) => e.caseId)]);
        return ids.every((id) => stopped.has(id));
      },
      { timeoutMs: 120_000, description: `every one of the ${COUNT} predictions decided or sent to people` },
    );
    // People decide the single-approver cases, overriding every third: known outcomes.
    const opening = [...new Map(requests().map((r) => [r.caseId, r] as const).reverse()).values()].reverse(); // each case's first request
    opening.filter((r) => r.tier === 'single_approver' && r.eligibleRoles.includes('support_lead')).forEach((r, n) => decided.set(r.caseId, n % 3 === 0 ? 'override' : 'approve'));
    await publisher.publishAll([...decided].map(([caseId, action]) => ({ topic: Topics.ReviewDecided, data: decision(caseId, `rev-${caseId}`, 'support_lead', action) })));
    await waitFor(() => finalized().filter((e) => decided.has(e.caseId)).length === decided.size, { timeoutMs: 60_000, description: `${decided.size} human decisions finalized` });
    liveAuto = finalized().filter((e) => e.decidedBy === 'auto').length;
    // Escalations: one at once per trigger of a request; a timeout for every review still open.
    immediate = opening.reduce((sum, r) => sum + (r.triggers?.length ?? 0), 0);
    const open = opening.filter((r) => !decided.has(r.caseId)).map((r) => r.caseId);
    await waitFor(
      () => {
        const fired = events(Topics.EscalationFired);
        const timedOut = new Set(fired.filter((e) => e.reason === 'timeout').map((e) => e.caseId));
        return fired.filter((e) => e.reason === 'critical' || e.reason === 'context').length === immediate && open.every((id) => timedOut.has(id));
      },
      { timeoutMs: 60_000, description: `${immediate} immediate escalations and a timeout for each of the ${open.length} open reviews` },
    );

    const recorded = await command('backtest-record', ['--out', cases]);
    expect(recorded.output).toContain(`backtest:record: ${COUNT} cases`);
  }, 300_000);

  afterAll(async () => {
    await publisher?.disconnect();
    await collector?.stop();
    await Promise.all(services.map((s) => s.process.stop()));
  });

  it('records one case per prediction, with what happened live', () => {
    expect(lines().map((l) => l.caseId).sort()).toEqual([...ids].sort());
    expect(lines().filter((l) => l.live.route === 'auto')).toHaveLength(liveAuto);
    expect(lines().filter((l) => l.live.route === 'undecided')).toEqual([]);
  });

  it('the same policy as current and candidate gives exactly the live automation rate', async () => {
    const report = await backtest(current, join(dir, 'same.json'));
    expect(liveAuto).toBeGreaterThan(0);
    expect(liveAuto).toBeLessThan(COUNT);
    expect(report.current).toMatchObject({ cases: COUNT, autoApproved: liveAuto, automationRate: liveAuto / COUNT });
    expect(report.candidate).toEqual(report.current);
    expect(report.live).toMatchObject({ cases: COUNT, autoApproved: liveAuto, automationRate: liveAuto / COUNT, knownOutcomes: decided.size });
    expect(report.reproduced).toEqual({ routed: COUNT, matching: COUNT });
    expect(report.changed).toEqual({ autoToHuman: [], humanToAuto: [] });
    // What the live run auto-approved has no known outcome: no auditor was running.
    expect(report.current.error).toMatchObject({ known: 0, wrong: 0, rate: null, upperBound: null });
    // Escalations: the immediate ones as the escalation service fired them; replayed live, the
    // time-based estimate is the number of reviews that timed out.
    expect(immediate).toBeGreaterThan(0);
    expect(report.live.escalations.immediate).toBe(immediate);
    expect(report.current.escalations.immediate).toBe(immediate);
    const timedOut = lines().filter((l) => l.live.route === 'human' && l.live.escalations.some((e) => e.reason === 'timeout')).length;
    expect(timedOut).toBeGreaterThan(0);
    expect(report.current.escalations.timeBased).toBeCloseTo(timedOut, 9);
  });

  it('a stricter candidate automates less and gives people more work', async () => {
    const strict = policyFile('strict-1', { autoApprove: 0.97, autoApproveAudit: 0.93 });
    const report = await backtest(strict, join(dir, 'strict.json'));
    expect(report.candidate.automationRate).toBeLessThan(report.current.automationRate);
    expect(report.candidate.workload.personReviews).toBeGreaterThan(report.current.workload.personReviews);
    expect(report.changed.humanToAuto).toEqual([]);
    expect(report.changed.autoToHuman).toHaveLength(report.current.autoApproved - report.candidate.autoApproved);

    // The table, for people (test-artifacts/backtest/strict.txt): the same figures.
    const text = join(ROOT, 'test-artifacts', 'backtest', 'strict.txt');
    mkdirSync(join(ROOT, 'test-artifacts', 'backtest'), { recursive: true });
    await command('backtest-main', ['--data', cases, '--current', current, '--candidate', strict, '--out', text]);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(readFileSync(text, 'utf8')).toMatch(new RegExp(`^automation rate +\\| ${pct(report.current.automationRate)} \\(${report.current.autoApproved}\\) +\\| ${pct(report.candidate.automationRate)} \\(${report.candidate.autoApproved}\\) +\\| -`, 'm'));
  });

  it('a looser candidate is judged by the outcomes people gave to the cases it would now automate', async () => {
    const report = await backtest(policyFile('loose-1', { autoApprove: 0.95, autoApproveAudit: 0.8 }), join(dir, 'loose.json'));
    const judged = report.changed.humanToAuto.filter((id) => decided.has(id));
    expect(judged.length).toBeGreaterThan(0);
    expect(report.candidate.error).toMatchObject({ known: judged.length, wrong: judged.filter((id) => decided.get(id) === 'override').length });
    expect(report.candidate.error.upperBound).toBeGreaterThanOrEqual(report.candidate.error.rate!);
  });
});
