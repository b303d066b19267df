import { clopperPearsonInterval, clopperPearsonUpperBound } from './intervals';

// The two-sided interval and the special functions are covered by apps/feedback's
// stats/intervals.spec.ts (they moved here from there); this is the one-sided bound.
describe('clopperPearsonUpperBound (one-sided)', () => {
  it('with no failures seen is 1 − α^(1/n) (the "rule of three" for 95%, exactly)', () => {
    for (const n of [1, 10, 300]) expect(clopperPearsonUpperBound(0, n, 0.95)).toBeCloseTo(1 - 0.05 ** (1 / n), 10);
  });

  it('is the two-sided high at confidence 2c − 1', () => {
    for (const [x, n] of [[1, 10], [3, 40], [17, 200]]) {
      expect(clopperPearsonUpperBound(x, n, 0.95)).toBeCloseTo(clopperPearsonInterval(x, n, 0.9).high, 10);
      expect(clopperPearsonUpperBound(x, n, 0.975)).toBeCloseTo(clopperPearsonInterval(x, n, 0.95).high, 10);
    }
  });

  it('matches a published value: 1 of 10 at 95% is at most 39.42%', () => {
    expect(clopperPearsonUpperBound(1, 10, 0.95)).toBeCloseTo(0.39416, 5);
  });

  it('knows nothing without trials and is 1 when every trial failed', () => {
    expect(clopperPearsonUpperBound(0, 0)).toBe(1);
    expect(clopperPearsonUpperBound(5, 5)).toBe(1);
  });

  it('refuses impossible counts and confidence levels, naming itself', () => {
    expect(() => clopperPearsonUpperBound(3, 2)).toThrow(/clopperPearsonUpperBound: successes/);
    expect(() => clopperPearsonUpperBound(1, 10, 1)).toThrow(RangeError);
  });
});
