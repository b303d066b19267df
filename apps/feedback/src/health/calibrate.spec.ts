import { calibrate, type CalibrationRule } from './calibrate';

const rule: CalibrationRule = { mode: 'apply', modes: {}, targetErrorRate: 0.02, confidenceLevel: 0.95, minSampleSize: 200, windowDays: 30, minChange: 0.01 };
const current = { autoApprove: 0.95, autoApproveAudit: 0.85, humanReview: 0.7 };

/** 100 bins; `fill(from, to, n, wrong)` puts n cases with `wrong` overrides in each bin of [from, to). */
function bins(...fills: [number, number, number, number][]) {
  const b = Array.from({ length: 100 }, () => ({ n: 0, wrong: 0 }));
  for (const [from, to, n, wrong] of fills) for (let i = Math.round(from * 100); i < Math.round(to * 100); i++) b[i] = { n, wrong };
  return b;
}

describe('threshold calibration', () => {
  it('lowers auto-approve to the lowest threshold whose upper bound on error stays under the target', () => {
    // 0.90–1.00: 100 cases per bin, none overridden (1,000 clean); 0.80–0.90: 5% overridden.
    const result = calibrate(bins([0.9, 1, 100, 0], [0.8, 0.9, 100, 5]), current, rule);
    expect(result.change).toBe(true);
    if (!result.change) return;
    // At 0.90: 0 of 1,000 wrong, upper bound 0.0037 ≤ 0.02. At 0.89: 5 of 1,100 → 0.0106 still fine;
    // lower, the 5% bins pile up until the bound passes 2%.
    expect(result.bands.autoApprove).toBeLessThan(0.9);
    expect(result.bands.autoApprove).toBeGreaterThanOrEqual(0.8);
    expect(result.evidence.errorUpperBound).toBeLessThanOrEqual(0.02);
    expect(result.evidence.sampleSize).toBeGreaterThanOrEqual(1_000);
    expect(result.evidence.method).toBe('clopper_pearson');
    // The bands stay strictly descending below the new threshold.
    expect(result.bands.autoApprove).toBeGreaterThan(result.bands.autoApproveAudit);
    expect(result.bands.autoApproveAudit).toBeGreaterThan(result.bands.humanReview);
  });

  it('raises the threshold when the current one lets too many errors through', () => {
    // 0.97–1.00 clean (600), 0.90–0.97: 10% overridden.
    const result = calibrate(bins([0.97, 1, 200, 0], [0.9, 0.97, 100, 10]), current, rule);
    expect(result).toMatchObject({ change: true, bands: { autoApprove: 0.97, autoApproveAudit: 0.85, humanReview: 0.7 } });
  });

  it('no change on too little evidence', () => {
    expect(calibrate(bins([0.9, 1, 10, 0]), current, rule)).toEqual({ change: false, because: '100 outcomes at or above 0.50, fewer than 200' });
  });

  it('no change when nothing is good enough', () => {
    expect(calibrate(bins([0.5, 1, 100, 20]), current, rule)).toMatchObject({ change: false, because: expect.stringMatching(/^no threshold keeps/) });
  });

  it('no change within the hysteresis', () => {
    // Clean only from 0.95 up: the best threshold is the current one.
    const result = calibrate(bins([0.95, 1, 200, 0], [0.5, 0.95, 100, 50]), current, rule);
    expect(result).toEqual({ change: false, because: '0.95 is within 0.01 of the current 0.95' });
  });

  it('does not go below the evidence: empty bins under the data support no lower threshold', () => {
    const result = calibrate(bins([0.9, 0.91, 250, 0]), current, rule);
    expect(result).toMatchObject({ change: true, bands: { autoApprove: 0.9 } });
  });
});
