import { rolloutOf, type StageCounts } from './rollout';

const rule = { mode: 'recommend' as const, modes: {}, targetErrorRate: 0.02, confidenceLevel: 0.95, minSampleSize: 200, windowDays: 30, minChange: 0.01 };
const stage = (decided: number, overrides: number, wouldAuto: number, wouldAutoOverrides: number): StageCounts => ({ decided, overrides, wouldAuto, wouldAutoOverrides });

describe('gradual rollout: when a category may move to automate', () => {
  it('200 blind decisions on would-be auto-approvals, none overridden: the bound 1 − 0.025^(1/200) = 1.83% is under 2%, automate', () => {
    const r = rolloutOf('refund', 'shadow', { shadow: stage(300, 30, 200, 0) }, rule);
    expect(r).toMatchObject({ recommendation: 'automate', judgedOn: 'shadow', evidence: { wouldAutomate: 200, wouldAutomateErrors: 0, errorRate: 0 } });
    expect(r.evidence.errorUpperBound).toBeCloseTo(1 - 0.025 ** (1 / 200), 6);
    expect(r.shadow).toMatchObject({ decided: 300, agreementWithAi: 0.9, wouldAutomateShare: 200 / 300 });
    expect(r.because).toContain('0 of 200');
  });

  it('one person deciding otherwise among the same 200 puts the bound (2.75%) above the target: stay', () => {
    const r = rolloutOf('refund', 'shadow', { shadow: stage(300, 30, 200, 1) }, rule);
    expect(r.recommendation).toBe('stay');
    // The p where P(X ≤ 1 | n = 200, p) = 0.025 (= beta.ppf(0.975, 2, 199)), found by bisection on the binomial CDF: 0.0275419.
    expect(r.evidence.errorUpperBound).toBeCloseTo(0.0275419, 6);
  });

  it('too few cases is no evidence: stay, saying how many more are needed', () => {
    expect(rolloutOf('refund', 'shadow', { shadow: stage(150, 0, 150, 0) }, rule)).toMatchObject({ recommendation: 'stay', because: expect.stringContaining('fewer than 200') });
  });

  it('shadow alone when it has enough; otherwise shadow and assist together, and it says which', () => {
    const mixed = rolloutOf('refund', 'assist', { shadow: stage(100, 0, 100, 0), assist: stage(150, 0, 150, 0) }, rule);
    expect(mixed).toMatchObject({ judgedOn: 'shadow+assist', evidence: { wouldAutomate: 250 }, recommendation: 'automate' });
    // Assist decisions agree with the AI more often (automation bias); they do not outvote enough blind evidence.
    const blind = rolloutOf('refund', 'assist', { shadow: stage(250, 0, 250, 6), assist: stage(1000, 0, 1000, 0) }, rule);
    expect(blind).toMatchObject({ judgedOn: 'shadow', recommendation: 'stay' });
  });

  it('an automated category is reported as such', () => {
    expect(rolloutOf('refund', 'automate', {}, rule)).toMatchObject({ recommendation: 'automated', evidence: { decided: 0, errorUpperBound: null } });
  });
});
