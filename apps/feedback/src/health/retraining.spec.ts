import { retrainingCheck } from './retraining';

const rule = { on: 'drift_and_override_rate' as const, overrideRateThreshold: 0.15, windowDays: 7, minSampleSize: 30 };

describe('the retraining trigger', () => {
  it('fires above the threshold once the sample is large enough', () => {
    expect(retrainingCheck({ decisions: 40, overrides: 8, examples: [] }, rule)).toMatchObject({ due: true, overrideRate: 0.2, sampleSize: 40 });
  });

  it('not at or under the threshold', () => {
    expect(retrainingCheck({ decisions: 100, overrides: 15, examples: [] }, rule).due).toBe(false);
  });

  it('not on a small sample, however bad', () => {
    const check = retrainingCheck({ decisions: 5, overrides: 5, examples: [] }, rule);
    expect(check).toMatchObject({ due: false, because: '5 decisions, fewer than 30' });
  });
});
