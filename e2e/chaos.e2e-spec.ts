import { ChildService, distEntry, testBrokers, testMongoBaseUri } from '@hitl/testing';

// The short chaos run (npm run chaos -- --short): 30 s of demo traffic while each of the five
// services is SIGKILLed once and restarted, and two replicas of routing and escalation run for a
// while. The run checks itself (tools/bench/src/chaos.ts); here its verdicts must all be PASS.
describe('chaos, short: each service killed once under traffic', () => {
  it('loses and doubles nothing: one decision per prediction, every ladder fired, only the bad events dead-lettered, lag 0', async () => {
    const chaos = ChildService.start(distEntry('tools/bench/src/chaos.js'), { KAFKA_BROKERS: testBrokers().join(','), MONGODB_URI: testMongoBaseUri() }, ['--short', '--rate', '15']);
    await chaos.waitForExit(360_000);
    const verdicts = chaos.lines(/^\s+(PASS|FAIL)\s/);
    expect({ exitCode: chaos.exitCode, verdicts }).toEqual({ exitCode: 0, verdicts: expect.arrayContaining([expect.stringMatching(/PASS\s+every prediction decided exactly once/)]) });
    expect(verdicts).toHaveLength(6);
    expect(verdicts.filter((v) => /FAIL/.test(v))).toEqual([]);
    // Every service really was killed and came back.
    expect(chaos.output).toMatch(/restarts scoring 1, routing 1, escalation 1, feedback 1, review 1/);
  }, 400_000);
});
