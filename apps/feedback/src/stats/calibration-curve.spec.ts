import { expectedCalibrationError, reliabilityCurve, type CalibrationPoint } from './calibration-curve';

const point = (confidence: number, correct: boolean): CalibrationPoint => ({ confidence, correct });

/** Ten points whose bins and gaps are worked out by hand in the tests below. */
const HAND_COMPUTED = [
  point(0.05, false),
  point(0, false),
  point(0.15, true),
  point(0.15, false),
  point(0.85, true),
  point(0.85, false),
  point(0.95, true),
  point(0.95, true),
  point(0.95, true),
  point(1, true),
];

describe('reliabilityCurve', () => {
  // Hand-computed: 10 points over the default 10 bins.
  //   bin 0 [0, 0.1):   0.05 ✗, 0 ✗           → 2 points, mean 0.025, accuracy 0
  //   bin 1 [0.1, 0.2): 0.15 ✓, 0.15 ✗        → 2 points, mean 0.15,  accuracy 0.5
  //   bin 8 [0.8, 0.9): 0.85 ✓, 0.85 ✗        → 2 points, mean 0.85,  accuracy 0.5
  //   bin 9 [0.9, 1]:   0.95 ✓ ×3, 1 ✓        → 4 points, mean 0.9625, accuracy 1
  const points = HAND_COMPUTED;

  it('returns every bin with its range, count, mean confidence and accuracy', () => {
    const curve = reliabilityCurve(points);
    expect(curve).toHaveLength(10);
    expect(curve.map((b) => b.count)).toEqual([2, 2, 0, 0, 0, 0, 0, 0, 2, 4]);
    expect(curve.map((b) => b.accuracy)).toEqual([0, 0.5, null, null, null, null, null, null, 0.5, 1]);
    expect(curve[0].meanConfidence).toBeCloseTo(0.025, 10);
    expect(curve[1].meanConfidence).toBeCloseTo(0.15, 10);
    expect(curve[8].meanConfidence).toBeCloseTo(0.85, 10);
    expect(curve[9].meanConfidence).toBeCloseTo(0.9625, 10);
    expect(curve[4]).toEqual({ low: 0.4, high: 0.5, count: 0, meanConfidence: null, accuracy: null });
    expect(curve[0].low).toBe(0);
    expect(curve[9].high).toBe(1);
  });

  it('bins are half-open [low, high), the last one includes 1', () => {
    const curve = reliabilityCurve([point(0.5, true), point(1, false), point(0, true)], 2);
    expect(curve.map((b) => [b.low, b.high, b.count])).toEqual([
      [0, 0.5, 1],
      [0.5, 1, 2],
    ]);
  });

  it('puts every edge k/bins in bin k, despite floating point (e.g. (1/49)·49 < 1)', () => {
    for (const bins of [3, 7, 10, 49, 100]) {
      for (let k = 0; k < bins; k++) {
        const curve = reliabilityCurve([point(k / bins, true)], bins);
        expect(curve.findIndex((b) => b.count === 1)).toBe(k);
      }
    }
  });

  it('the counts add up to the number of points; no points → all bins empty', () => {
    expect(reliabilityCurve(points, 3).reduce((sum, b) => sum + b.count, 0)).toBe(points.length);
    expect(reliabilityCurve([], 4).every((b) => b.count === 0 && b.accuracy === null)).toBe(true);
  });

  it('rejects confidences outside [0, 1] and bad bin counts', () => {
    expect(() => reliabilityCurve([point(1.2, true)])).toThrow(RangeError);
    expect(() => reliabilityCurve([point(-0.1, true)])).toThrow(RangeError);
    expect(() => reliabilityCurve([point(NaN, true)])).toThrow(RangeError);
    expect(() => reliabilityCurve([], 0)).toThrow(RangeError);
    expect(() => reliabilityCurve([], 2.5)).toThrow(RangeError);
  });
});

describe('expectedCalibrationError', () => {
  it('the weighted mean gap: (2·0.025 + 2·0.35 + 2·0.35 + 4·0.0375) / 10 = 0.16', () => {
    const points = HAND_COMPUTED;
    expect(expectedCalibrationError(points)).toBeCloseTo(0.16, 10);
  });

  it('two bins: gaps 0.2 (2 points) and 1/15 (3 points) → 0.12', () => {
    // [0, 0.5): 0.2 ✓, 0.4 ✗ → mean 0.3, accuracy 0.5; [0.5, 1]: 0.6 ✓, 0.8 ✓, 0.8 ✗ → mean 0.7333, accuracy 0.6667.
    const points = [point(0.2, true), point(0.4, false), point(0.6, true), point(0.8, true), point(0.8, false)];
    expect(expectedCalibrationError(points, 2)).toBeCloseTo(0.12, 10);
  });

  it('is 0 when the AI is right exactly as often as it says', () => {
    const points = Array.from({ length: 10 }, (_, i) => point(0.7, i < 7));
    expect(expectedCalibrationError(points)).toBeCloseTo(0, 10);
  });

  it('is 1 for a confident AI that is always wrong, and one bin gives |accuracy − mean confidence|', () => {
    expect(expectedCalibrationError([point(1, false), point(1, false)])).toBe(1);
    const points = [point(0.9, true), point(0.6, false), point(0.3, true)];
    expect(expectedCalibrationError(points, 1)).toBeCloseTo(Math.abs(2 / 3 - 0.6), 10);
  });

  it('is NaN with no points', () => {
    expect(expectedCalibrationError([])).toBeNaN();
  });
});
