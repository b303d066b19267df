import { seededRandom, binomial } from './simulation';
import { addOutcomes, BIN_COUNT, BIN_EDGES, binOf, emptyBins, type BinEvidence, type Outcome } from './bins';
import { isotonicCalibration, probabilityRightAt, type CalibrationStep } from './calibration';

// ---- reproducible randomness (the same few lines in each simulation spec of this lib) ----------
// Builtins are aliased once: under jest every access to a global such as `Math` goes through the
// vm sandbox's global object and costs ~0.3 µs (30× a plain call), which would dominate the loops.
const { floor, sqrt, abs, max } = Math;
const report = (line: string) => {
  if (process.env.TRUST_SIM_REPORT) console.log(line);
};

const outcomes = (basis: number, rightCount: number, wrongCount: number, weight = 1): Outcome[] => [
  ...Array.from({ length: rightCount }, () => ({ basis, wrong: false, weight })),
  ...Array.from({ length: wrongCount }, () => ({ basis, wrong: true, weight })),
];
const fit = (...groups: Outcome[][]) => isotonicCalibration(addOutcomes(emptyBins(), groups.flat()));
const edge = (basis: number) => BIN_EDGES[binOf(basis)];

describe('isotonicCalibration', () => {
  it('knows nothing without outcomes: no steps', () => {
    expect(isotonicCalibration(emptyBins())).toEqual([]);
  });

  it('one bin: one step from 0', () => {
    expect(fit(outcomes(0.7, 8, 2))).toEqual([{ from: 0, probabilityRight: 0.8, outcomes: 10 }]);
  });

  it('keeps an increasing sequence as it is, one step per bin with outcomes (the first from 0)', () => {
    expect(fit(outcomes(0.5, 6, 4), outcomes(0.8, 8, 2), outcomes(0.99, 99, 1))).toEqual([
      { from: 0, probabilityRight: 0.6, outcomes: 10 },
      { from: edge(0.8), probabilityRight: 0.8, outcomes: 10 },
      { from: edge(0.99), probabilityRight: 0.99, outcomes: 100 },
    ]);
  });

  it('pools adjacent violators into their weighted mean', () => {
    // 0.6 is right 90 %, 0.7 only 80 %: pooled to 170/200 = 85 %; 0.9 at 95 % stays on its own.
    expect(fit(outcomes(0.6, 90, 10), outcomes(0.7, 80, 20), outcomes(0.9, 95, 5))).toEqual([
      { from: 0, probabilityRight: 0.85, outcomes: 200 },
      { from: edge(0.9), probabilityRight: 0.95, outcomes: 100 },
    ]);
  });

  it('pools back as far as needed (a cascade) and pools ties', () => {
    // 90 %, 80 %, 70 %, then 50 %: every new bin violates the pool before it; all end in one step
    // of (90 + 80 + 70 + 10) / 320 = 78.125 %.
    expect(fit(outcomes(0.3, 90, 10), outcomes(0.4, 80, 20), outcomes(0.5, 70, 30), outcomes(0.6, 10, 10))).toEqual([{ from: 0, probabilityRight: 0.78125, outcomes: 320 }]);
    // A violator pooled with part of the sequence only: 60 %, 90 %, 80 %, 95 % → 60 %, 85 %, 95 %.
    expect(fit(outcomes(0.3, 6, 4), outcomes(0.4, 9, 1), outcomes(0.5, 8, 2), outcomes(0.6, 19, 1))).toEqual([
      { from: 0, probabilityRight: 0.6, outcomes: 10 },
      { from: edge(0.4), probabilityRight: 0.85, outcomes: 20 },
      { from: edge(0.6), probabilityRight: 0.95, outcomes: 20 },
    ]);
    // Equal neighbours are one step: the map has no flat steps side by side.
    expect(fit(outcomes(0.3, 8, 2), outcomes(0.4, 4, 1))).toEqual([{ from: 0, probabilityRight: 0.8, outcomes: 15 }]);
  });

  it('bins without outcomes join the step before them', () => {
    const steps = fit(outcomes(0.2, 5, 5), outcomes(0.95, 19, 1));
    expect(steps.map((s) => s.from)).toEqual([0, edge(0.95)]);
    expect(probabilityRightAt(steps, 0.6)).toBe(0.5);
  });

  it('weights matter: an audited outcome of weight 20 counts 20 times', () => {
    // Census at 0.6: 150 right of 200 (75 %). Audits at 0.95 (π = 0.05, weight 20): 5 right of 10,
    // standing for 100 right of 200 cases (50 %): a violator, pooled by weight to 250/400 = 62.5 %.
    const weighted = fit(outcomes(0.6, 150, 50), outcomes(0.95, 5, 5, 20));
    expect(weighted).toEqual([{ from: 0, probabilityRight: 0.625, outcomes: 210 }]);
    // The same outcomes unweighted would pool to 155/210 ≈ 73.8 %: the weight is what moved it.
    expect(fit(outcomes(0.6, 150, 50), outcomes(0.95, 5, 5))[0].probabilityRight).toBeCloseTo(155 / 210, 6);
    // Equal to 20 copies of each audit.
    const copies = fit(outcomes(0.6, 150, 50), outcomes(0.95, 100, 100));
    expect(copies.map((s) => s.probabilityRight)).toEqual(weighted.map((s) => s.probabilityRight));
  });

  it('rounds probabilities to 6 decimals', () => {
    expect(fit(outcomes(0.5, 1, 2))[0].probabilityRight).toBe(0.333333);
  });

  it('on random evidence: non-decreasing, strictly increasing between steps, each step the weighted mean of its bins, and the w-weighted L2 projection', () => {
    const rnd = seededRandom(42);
    for (let trial = 0; trial < 300; trial++) {
      const bins: BinEvidence[] = emptyBins();
      for (let i = 0; i < BIN_COUNT; i++) {
        if (rnd() < 0.5) continue;
        const n = 1 + floor(rnd() * 20);
        const weight = rnd() < 0.3 ? 1 + floor(rnd() * 20) : 1;
        let wrong = 0;
        for (let k = 0; k < n; k++) if (rnd() < 0.4 * (1 - i / BIN_COUNT)) wrong++;
        bins[i] = { w: n * weight, w2: n * weight * weight, wrong: wrong * weight, w2wrong: wrong * weight * weight, n };
      }
      const steps = isotonicCalibration(bins);
      const used = bins.map((b, i) => ({ b, i })).filter(({ b }) => b.w > 0);
      if (used.length === 0) {
        expect(steps).toEqual([]);
        continue;
      }
      expect(steps[0].from).toBe(0);
      for (let k = 1; k < steps.length; k++) {
        expect(steps[k].from).toBeGreaterThan(steps[k - 1].from);
        expect(steps[k].probabilityRight).toBeGreaterThan(steps[k - 1].probabilityRight);
      }
      // Each step is the weighted share right of the bins it covers, and their outcomes.
      steps.forEach((s, k) => {
        const next = k + 1 < steps.length ? steps[k + 1].from : 2;
        const inside = used.filter(({ i }) => (k === 0 || BIN_EDGES[i] >= s.from) && BIN_EDGES[i] < next);
        const w = inside.reduce((a, { b }) => a + b.w, 0);
        const rightW = inside.reduce((a, { b }) => a + b.w - b.wrong, 0);
        expect(s.probabilityRight).toBeCloseTo(rightW / w, 6);
        expect(s.outcomes).toBe(inside.reduce((a, { b }) => a + b.n, 0));
      });
      // Projection: no other non-decreasing fit is closer in Σw(y − f)². Check against random
      // monotone perturbations of the fit (a projection onto a convex cone beats all of them).
      const y = used.map(({ b }) => (b.w - b.wrong) / b.w);
      const f = used.map(({ i }) => probabilityRightAt(steps, BIN_EDGES[i])!);
      const loss = (g: number[]) => used.reduce((a, { b }, k) => a + b.w * (y[k] - g[k]) ** 2, 0);
      const best = loss(f);
      for (let p = 0; p < 5; p++) {
        const shift = (rnd() - 0.5) * 0.05;
        const cut = floor(rnd() * f.length);
        const g = f.map((v, k) => (k >= cut ? v + shift : v));
        // Keep g non-decreasing: a negative shift above the cut is monotone only if it stays above the value below.
        if (g.some((v, k) => k > 0 && v < g[k - 1])) continue;
        expect(loss(g)).toBeGreaterThanOrEqual(best - 1e-6);
      }
    }
  });
});

describe('probabilityRightAt', () => {
  const steps: CalibrationStep[] = [
    { from: 0, probabilityRight: 0.7, outcomes: 10 },
    { from: 0.9, probabilityRight: 0.95, outcomes: 10 },
    { from: 0.99, probabilityRight: 0.999, outcomes: 10 },
  ];

  it.each([
    [0, 0.7],
    [0.5, 0.7],
    [0.899999, 0.7],
    [0.9, 0.95], // a step starts at its `from`, inclusive
    [0.98, 0.95],
    [0.99, 0.999],
    [1, 0.999],
    [1.5, 0.999],
  ])('at %p: %p', (basis, expected) => {
    expect(probabilityRightAt(steps, basis)).toBe(expected);
  });

  it('is undefined below the first step and when nothing is known', () => {
    expect(probabilityRightAt(steps, -0.1)).toBeUndefined();
    expect(probabilityRightAt([], 0.5)).toBeUndefined();
  });
});

describe('isotonicCalibration recovers a known calibration curve (simulation)', () => {
  /*
   * Truth: P(right | basis) = 1 − 0.35·(1 − basis)^0.9 (81 % at 0.5, 95.6 % at 0.9, 99.4 % at 0.99).
   * Each bin from 0.3 up gets cases at its middle: 400 per linear bin below 0.9 (human-reviewed,
   * weight 1) and 20 000 per log bin above (auto-approved, audited at π = 0.1, weight 10). Tolerance
   * where there is enough data (≥ 300 outcomes in the bin): |fit − truth| ≤ 4·√(p(1 − p)/n_bin),
   * the bin's own 4-sigma sampling error (pooling only averages it with neighbours of similar
   * truth), plus 0.002 for the truth's change across a pooled block. Seeds 1..3.
   */
  const truth = (b: number) => 1 - 0.35 * (1 - b) ** 0.9;

  it.each([1, 2, 3])('within tolerance of the truth in every bin with enough outcomes (seed %p)', (seed) => {
    const rnd = seededRandom(seed);
    const bins = emptyBins();
    const mids: number[] = [];
    for (let i = binOf(0.3); i < BIN_COUNT - 1; i++) {
      const mid = (BIN_EDGES[i] + BIN_EDGES[i + 1]) / 2;
      mids[i] = mid;
      const audited = BIN_EDGES[i] >= 0.9;
      const n = audited ? binomial(rnd, 20_000, 0.1) : 400;
      const weight = audited ? 10 : 1;
      const wrong = binomial(rnd, n, 1 - truth(mid));
      bins[i] = { w: n * weight, w2: n * weight * weight, wrong: wrong * weight, w2wrong: wrong * weight * weight, n };
    }
    const steps = isotonicCalibration(bins);
    let worst = 0;
    let checked = 0;
    for (let i = binOf(0.3); i < BIN_COUNT - 1; i++) {
      const b = bins[i];
      if (b.n < 300) continue;
      const p = truth(mids[i]);
      const got = probabilityRightAt(steps, mids[i])!;
      const tolerance = 4 * sqrt((p * (1 - p)) / b.n) + 0.002;
      worst = max(worst, abs(got - p) / tolerance);
      checked++;
      expect(abs(got - p)).toBeLessThanOrEqual(tolerance);
    }
    report(`calibration seed ${seed}: ${checked} bins checked, ${steps.length} steps, worst |fit − truth| / tolerance = ${worst.toFixed(3)}`);
    expect(checked).toBeGreaterThan(80);
  });
});
