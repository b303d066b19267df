import { ALL_TOPICS, decodeEvent, dlqTopicOf, physicalTopic, Topics, type EventOf, type TopicName } from '@hitl/contracts';
import { ChildService, createTopics, distEntry, freshDatabaseUri, RunningService, testBrokers, testKafka, testTopicPrefix, TopicCollector, waitFor } from '@hitl/testing';
import { GUIDE_EXAMPLES } from './guide-examples';

// Acceptance of the decision path: the demo command against the started services (scoring and
// routing as their own processes, real broker, real FerretDB) puts each guide example where the
// guide says, and prints a readable line per prediction.
describe('npm run demo against the started platform', () => {
  const prefix = testTopicPrefix();
  const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix };
  const services: RunningService[] = [];
  let collector: TopicCollector;
  const topic = (name: TopicName) => physicalTopic(name, prefix);

  beforeAll(async () => {
    await createTopics(testKafka(), ALL_TOPICS.flatMap((t) => [topic(t), dlqTopicOf(topic(t))]), 3);
    for (const name of ['scoring', 'routing'] as const) services.push(RunningService.start(name, { ...env, MONGODB_URI: freshDatabaseUri(name) }));
    await Promise.all(services.map((s) => s.waitUntilListening()));
    await Promise.all(services.map((s) => s.waitUntilReady()));
    collector = await TopicCollector.start(testKafka(), [topic(Topics.PredictionScored), topic(Topics.ReviewRequested), topic(Topics.DecisionFinalized)]);
  });

  afterAll(async () => {
    await collector?.stop();
    await Promise.all(services.map((s) => s.process.stop()));
  });

  async function demo(args: string[]): Promise<ChildService> {
    const child = ChildService.start(distEntry('tools/cli/src/demo.js'), env, args);
    await child.waitForExit(90_000);
    return child;
  }

  function decoded<T extends TopicName>(name: T): EventOf<T>[] {
    return collector.on(topic(name)).map((m) => decodeEvent(name, { key: m.key, value: m.value, headers: m.headers }).data);
  }

  it('--guide: every guide example lands in the band and tier the guide gives, and the command says so', async () => {
    const child = await demo(['--guide', '--timeout', '60']);
    expect({ exitCode: child.exitCode, output: child.output }).toEqual({ exitCode: 0, output: expect.stringContaining(`guide examples: ${GUIDE_EXAMPLES.length} of ${GUIDE_EXAMPLES.length} land in the band and tier the guide gives`) });
    expect(child.output.match(/^✓ /gm)).toHaveLength(GUIDE_EXAMPLES.length);
    expect(child.output).not.toMatch(/^\s*✗/m);
    const idPrefix = /ids (guide-[a-z0-9]+-[a-z0-9]+-)\*/.exec(child.output)![1];
    // It ends with where to see a case end to end: the workbench's trace page of a case it published.
    expect(child.output).toContain(`http://127.0.0.1:3000/traces/${idPrefix}vip-customer`);

    // Checked again from the events themselves, not from the command's own verdict. The demo
    // stops when its own consumer has seen every first stop; this collector may be a moment behind.
    const ids = GUIDE_EXAMPLES.map((example) => `${idPrefix}${example.key}`);
    await waitFor(
      () => {
        const stopped = new Set([...decoded(Topics.ReviewRequested).filter((e) => e.reason !== 'audit').map((e) => e.predictionId), ...decoded(Topics.DecisionFinalized).map((e) => e.predictionId)]);
        const seen = new Set(decoded(Topics.PredictionScored).map((e) => e.prediction.predictionId));
        return ids.every((id) => stopped.has(id) && seen.has(id));
      },
      { timeoutMs: 30_000, description: 'the collector to see every example scored and at its first stop' },
    );
    const scored = decoded(Topics.PredictionScored);
    const requested = decoded(Topics.ReviewRequested);
    const finalized = decoded(Topics.DecisionFinalized);
    for (const example of GUIDE_EXAMPLES) {
      const id = `${idPrefix}${example.key}`;
      const score = scored.find((e) => e.prediction.predictionId === id)!;
      // An audit of a sampled auto-approval comes after the AI's decision: not where the case went.
      const review = requested.find((e) => e.predictionId === id && e.reason !== 'audit');
      const decision = finalized.filter((e) => e.predictionId === id);
      const landed = {
        key: example.key,
        band: score.score.band,
        tier: review?.tier ?? decision[0]?.tier,
        route: review ? 'review' : decision[0]?.decidedBy === 'auto' ? 'auto' : 'none',
        eligibleRoles: review ? [...review.eligibleRoles].sort() : undefined,
        requiredApprovals: review?.requiredApprovals,
        triggers: score.triggers.map((t) => t.name).sort(),
        policyVersion: score.policyVersion,
      };
      expect(landed).toEqual({
        key: example.key,
        band: example.expect.band,
        tier: example.expect.tier,
        route: example.expect.route,
        eligibleRoles: example.expect.eligibleRoles ? [...example.expect.eligibleRoles].sort() : undefined,
        requiredApprovals: example.expect.requiredApprovals,
        triggers: [...(example.expect.triggers ?? [])].sort(),
        policyVersion: 'guide-5',
      });
      // Exactly one final decision for an auto-approval; none yet for a case waiting for people.
      expect({ key: example.key, finalized: decision.length }).toEqual({ key: example.key, finalized: example.expect.route === 'auto' ? 1 : 0 });
    }
  });

  it('--count: prints a readable line for every prediction, then where they went', async () => {
    const child = await demo(['--count', '50', '--rate', '0', '--seed', '11', '--timeout', '60']);
    expect(child.exitCode).toBe(0);
    const lines = child.output.split('\n').filter((line) => /^demo-/.test(line));
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((line) => line.split(' ')[0])).size).toBe(50);
    for (const line of lines) {
      expect(line).toMatch(/^demo-\S+ {2}[a-z_]+( \$[\d,.]+)? · 0\.\d{3} (auto_approve|auto_approve_audit|human_review|senior_review)( \[[a-z_, ]+\])? → (automatic|single_approver|dual_approval|executive_review): (.+ by AI in \d+\.\d\d s.*|review by [a-z_|]+ \(\d approvals?, priority \d+, due \d\d:\d\d UTC, [a-z_]+\))$/);
    }
    expect(child.output).toMatch(/^50 predictions$/m);
    expect(child.output).toMatch(/^ {2}route: .*(decided by AI|to reviewers) \d+ \(\d+%\)/m);
  });
});
