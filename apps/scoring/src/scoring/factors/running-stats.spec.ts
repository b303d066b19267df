import fc from 'fast-check';
import { addObservation, EMPTY_STATS, mergeStats, standardDeviation, type RunningStats } from './running-stats';

const of = (xs: number[]): RunningStats => xs.reduce(addObservation, EMPTY_STATS);

function naive(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.length < 2 ? 0 : xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

describe('running statistics (Welford)', () => {
  it('matches the two-pass mean and sample standard deviation', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const s = of(xs);
    expect(s.n).toBe(8);
    expect(s.mean).toBeCloseTo(5, 12);
    expect(standardDeviation(s)).toBeCloseTo(naive(xs).sd, 12);
  });

  it('has no deviation below two observations', () => {
    expect(standardDeviation(EMPTY_STATS)).toBe(0);
    expect(standardDeviation(of([42]))).toBe(0);
  });

  it('stays accurate around a large offset (where sum of squares would not)', () => {
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(standardDeviation(of(xs))).toBeCloseTo(naive([4, 7, 13, 16]).sd, 6);
  });

  it('merging two summaries equals adding every observation to one (any split)', () => {
    const xs = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 50 });
    fc.assert(
      fc.property(xs, xs, (a, b) => {
        const merged = mergeStats(of(a), of(b));
        const all = of([...a, ...b]);
        return merged.n === all.n && Math.abs(merged.mean - all.mean) <= 1e-6 * (1 + Math.abs(all.mean)) && Math.abs(merged.m2 - all.m2) <= 1e-6 * (1 + all.m2);
      }),
    );
  });

  it('merging with nothing changes nothing', () => {
    const s = of([1, 2, 3]);
    expect(mergeStats(s, EMPTY_STATS)).toEqual(s);
    expect(mergeStats(EMPTY_STATS, s)).toEqual(s);
  });
});
