import { clopperPearsonInterval, inverseRegularizedIncompleteBeta, normalQuantile, regularizedIncompleteBeta, wilsonInterval } from './intervals';

// Reference values were computed independently with mpmath (40 digits: betainc, erfinv and a
// separate bisection) and cross-checked with scipy.stats (beta.ppf, norm.ppf, betainc) and
// statsmodels' proportion_confint(method='beta' | 'wilson').

describe('normalQuantile', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963985],
    [0.025, -1.959963985],
    [0.995, 2.575829304],
    [0.9, 1.281551566],
    [0.3, -0.5244005127],
    [0.02, -2.053748911], // lower tail branch
    [0.01, -2.326347874],
    [0.999999, 4.753424309], // upper tail branch
    [1e-10, -6.361340902],
  ])('Φ⁻¹(%p) = %p', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 7);
  });

  it('is antisymmetric around 0.5 and infinite at the ends', () => {
    for (const p of [0.001, 0.02, 0.1, 0.4]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 9);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});

describe('regularizedIncompleteBeta', () => {
  it.each([
    [0.3, 2, 5, 0.579825],
    [0.5, 10, 10, 0.5],
    [0.2, 0.5, 0.5, 0.2951672353],
    [0.9, 30, 3, 0.3666835191],
    [0.01, 1, 50, 0.3949939329],
    [0.7, 2.5, 7.5, 0.9985299667],
  ])('I_%p(%p, %p) = %p', (x, a, b, expected) => {
    expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(expected, 9);
  });

  it('matches closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const x of [0.05, 0.3, 0.5, 0.77, 0.99]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, 4, 1)).toBeCloseTo(x ** 4, 12);
      expect(regularizedIncompleteBeta(x, 1, 7)).toBeCloseTo(1 - (1 - x) ** 7, 12);
    }
  });

  it('is 0 at x = 0, 1 at x = 1, and satisfies I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(regularizedIncompleteBeta(0, 3, 4)).toBe(0);
    expect(regularizedIncompleteBeta(1, 3, 4)).toBe(1);
    for (const x of [0.1, 0.45, 0.8]) expect(regularizedIncompleteBeta(x, 3.5, 9)).toBeCloseTo(1 - regularizedIncompleteBeta(1 - x, 9, 3.5), 12);
  });

  it('the inverse round-trips', () => {
    for (const [a, b] of [[1, 10], [2, 9], [0.5, 0.5], [50, 51], [1, 1000]]) {
      for (const p of [0.001, 0.025, 0.5, 0.975]) expect(regularizedIncompleteBeta(inverseRegularizedIncompleteBeta(p, a, b), a, b)).toBeCloseTo(p, 10);
    }
    expect(inverseRegularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(inverseRegularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('rejects bad arguments', () => {
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(RangeError);
    expect(() => inverseRegularizedIncompleteBeta(-0.5, 1, 1)).toThrow(RangeError);
    expect(() => inverseRegularizedIncompleteBeta(0.5, 1, -1)).toThrow(RangeError);
  });
});

describe('clopperPearsonInterval', () => {
  it.each([
    [0, 10, 0.95, 0, 0.3084971078],
    [1, 10, 0.95, 0.002528578544, 0.445016117],
    [5, 10, 0.95, 0.1870860284, 0.8129139716],
    [10, 10, 0.95, 0.6915028922, 1],
    [0, 100, 0.95, 0, 0.03621669265],
    [3, 20, 0.95, 0.03207093719, 0.3789268265],
    [50, 100, 0.95, 0.3983211295, 0.6016788705],
    [1, 1000, 0.95, 2.531748749e-5, 0.00555892428],
    [5, 10, 0.9, 0.222441101, 0.777558899],
    [5, 10, 0.99, 0.1283105539, 0.8716894461],
    [7, 30, 0.99, 0.07292285908, 0.4798750519],
    [1, 1, 0.95, 0.025, 1],
  ])('%p/%p at %p → [%p, %p]', (x, n, confidence, low, high) => {
    const ci = clopperPearsonInterval(x, n, confidence);
    expect(ci.low).toBeCloseTo(low, 6);
    expect(ci.high).toBeCloseTo(high, 6);
    expect(ci.point).toBe(x / n);
  });

  it('defaults to 95% and matches the closed form for x = 0 and x = n: 1 − (α/2)^(1/n)', () => {
    expect(clopperPearsonInterval(0, 10)).toEqual(clopperPearsonInterval(0, 10, 0.95));
    for (const n of [1, 7, 40, 500]) {
      expect(clopperPearsonInterval(0, n).high).toBeCloseTo(1 - 0.025 ** (1 / n), 10);
      expect(clopperPearsonInterval(n, n).low).toBeCloseTo(0.025 ** (1 / n), 10);
    }
  });

  it('x = 0 has low exactly 0, x = n high exactly 1; no trials is the whole range', () => {
    expect(clopperPearsonInterval(0, 25).low).toBe(0);
    expect(clopperPearsonInterval(25, 25).high).toBe(1);
    expect(clopperPearsonInterval(0, 0)).toEqual({ low: 0, high: 1, point: 0 });
  });

  it('is symmetric: the interval for n − x mirrors the one for x', () => {
    const a = clopperPearsonInterval(3, 17);
    const b = clopperPearsonInterval(14, 17);
    expect(a.low).toBeCloseTo(1 - b.high, 10);
    expect(a.high).toBeCloseTo(1 - b.low, 10);
  });

  it('keeps relative precision for tiny bounds and large n', () => {
    const relative = (actual: number, expected: number) => expect(actual / expected).toBeCloseTo(1, 8);
    const tiny = clopperPearsonInterval(1, 1_000_000);
    relative(tiny.low, 2.53178076638e-8);
    relative(tiny.high, 5.57163065517e-6);
    const few = clopperPearsonInterval(3, 100_000);
    relative(few.low, 6.18676395892e-6);
    relative(few.high, 8.76702025664e-5);
    const half = clopperPearsonInterval(500_000, 1_000_000);
    expect(half.low).toBeCloseTo(0.499019519195, 10);
    expect(half.high).toBeCloseTo(0.500980480805, 10);
  });

  it('rejects impossible counts and confidences', () => {
    expect(() => clopperPearsonInterval(11, 10)).toThrow(RangeError);
    expect(() => clopperPearsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => clopperPearsonInterval(1.5, 10)).toThrow(RangeError);
    expect(() => clopperPearsonInterval(1, 10, 1)).toThrow(RangeError);
    expect(() => clopperPearsonInterval(1, 10, 0)).toThrow(RangeError);
  });
});

describe('wilsonInterval', () => {
  it.each([
    [5, 10, 0.95, 0.2365930905, 0.7634069095],
    [0, 10, 0.95, 0, 0.2775327999],
    [1, 10, 0.95, 0.0178762131, 0.4041500268],
    [10, 10, 0.95, 0.7224672001, 1],
    [3, 20, 0.95, 0.0523687459, 0.3604188647],
    [7, 30, 0.99, 0.09526697661, 0.4679909691],
    [50, 100, 0.9, 0.4188477961, 0.5811522039],
    [1, 1000, 0.95, 0.0001765463706, 0.005642558598],
  ])('%p/%p at %p → [%p, %p]', (x, n, confidence, low, high) => {
    const ci = wilsonInterval(x, n, confidence);
    expect(ci.low).toBeCloseTo(low, 6);
    expect(ci.high).toBeCloseTo(high, 6);
    expect(ci.point).toBe(x / n);
  });

  it('pins the bounds at 0 and 1 exactly; no trials → { low: 0, high: 1, point: 0 }', () => {
    expect(wilsonInterval(0, 12).low).toBe(0);
    expect(wilsonInterval(12, 12).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1, point: 0 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });

  it('is narrower than Clopper–Pearson (which is conservative)', () => {
    for (const [x, n] of [[1, 10], [5, 10], [3, 20], [40, 90]]) {
      const w = wilsonInterval(x, n);
      const cp = clopperPearsonInterval(x, n);
      expect(w.high - w.low).toBeLessThan(cp.high - cp.low);
    }
  });
});

describe.each([
  ['wilsonInterval', wilsonInterval],
  ['clopperPearsonInterval', clopperPearsonInterval],
])('%s properties', (_name, interval) => {
  it('low ≤ point ≤ high, all within [0, 1]', () => {
    for (const n of [1, 2, 5, 13, 50, 200]) {
      for (let x = 0; x <= n; x += Math.max(1, Math.floor(n / 7))) {
        for (const confidence of [0.8, 0.95, 0.999]) {
          const { low, high, point } = interval(x, n, confidence);
          expect(0).toBeLessThanOrEqual(low);
          expect(low).toBeLessThanOrEqual(point);
          expect(point).toBeLessThanOrEqual(high);
          expect(high).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('shrinks as n grows at a fixed proportion', () => {
    const widths = [10, 40, 160, 640, 2560].map((n) => {
      const { low, high } = interval(Math.round(n * 0.3), n);
      return high - low;
    });
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeLessThan(widths[i - 1]);
  });

  it('widens as the confidence grows', () => {
    const widths = [0.5, 0.8, 0.9, 0.95, 0.99].map((c) => {
      const { low, high } = interval(7, 30, c);
      return high - low;
    });
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThan(widths[i - 1]);
  });
});
