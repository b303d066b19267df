import { addOutcomes, binOf, BIN_EDGES, emptyBins, evidenceBetween, poststratify, type BinEvidence } from './bins';
import { binomial, lowestAcceptable, seededRandom } from './simulation';
import { errorUpperBound } from './weighted-bound';

const report = (line: string) => {
  if (process.env.TRUST_SIM_REPORT) console.log(line);
};

describe('poststratify', () => {
  it("spreads a bin's cases evenly over its outcomes: the bin's error is its share of wrong outcomes", () => {
    // Ten reviewed outcomes (one wrong) and two audits at π = 0.05 (one wrong) in one bin.
    const bins = addOutcomes(emptyBins(), [
      ...Array.from({ length: 10 }, (_, i) => ({ basis: 0.995, wrong: i === 0, weight: 1 })),
      { basis: 0.995, wrong: true, weight: 20 },
      { basis: 0.995, wrong: false, weight: 20 },
    ]);
    const raw = bins[binOf(0.995)];
    expect(raw).toEqual({ w: 50, w2: 810, wrong: 21, w2wrong: 401, n: 12, k: 2 });
    const b = poststratify(bins)[binOf(0.995)];
    const u = 50 / 12;
    expect(b.w).toBe(50);
    expect(b.n).toBe(12);
    expect(b.k).toBe(2);
    expect(b.wrong).toBeCloseTo(2 * u, 12);
    expect(b.w2).toBeCloseTo(12 * u * u, 9);
    expect(b.w2wrong).toBeCloseTo(2 * u * u, 9);
    // Estimate 2/12 instead of 21/50; every outcome weighs the same, so Kish's size is all 12.
    expect(errorUpperBound(b, 0.95)).toMatchObject({ estimate: expect.closeTo(2 / 12, 12), effectiveN: expect.closeTo(12, 9) });
  });

  it('leaves bins of equal weights as they are, and empty bins empty', () => {
    const bins = addOutcomes(emptyBins(), [
      { basis: 0.5, wrong: true, weight: 1 },
      { basis: 0.5, wrong: false, weight: 1 },
      { basis: 0.97, wrong: false, weight: 4 },
    ]);
    const after = poststratify(bins);
    expect(after[binOf(0.5)]).toEqual(bins[binOf(0.5)]);
    expect(after[binOf(0.97)]).toEqual(bins[binOf(0.97)]);
    expect(after[binOf(0.1)]).toEqual({ w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0, k: 0 });
  });

  it('reads evidence stored before the unweighted wrong count was kept (k estimated as wrong·n/w)', () => {
    const old: BinEvidence[] = emptyBins().map(({ k: _k, ...b }) => b);
    old[binOf(0.99)] = { w: 40, w2: 400, wrong: 20, w2wrong: 400, n: 4 };
    expect(poststratify(old)[binOf(0.99)].k).toBe(2);
    expect(evidenceBetween(old, 0.99).k).toBe(2);
    expect(addOutcomes(old, [{ basis: 0.99, wrong: true, weight: 1 }])[binOf(0.99)].k).toBe(3);
  });
});

/**
 * Coverage and efficiency by simulation, in the mixture automation produces: a model learns on a
 * census (every case of every bin reviewed, weight 1), is certified, and then the bins at or
 * above its threshold are audited at π while the bins below stay reviewed. Each bin keeps its
 * error rate (the assumption post-stratification rests on). The bound on the set at or above the
 * threshold must cover its true error at the stated 95 %, and post-stratification must keep more
 * of the evidence than the Horvitz–Thompson weights.
 */
describe('poststratified bound (simulation)', () => {
  const RUNS = 1000;
  // Bases from 0.95 up: five bins with errors falling toward the top, plus one below the threshold.
  const strata = [
    { basis: 0.9, error: 0.06, learn: 300, automated: 600 },
    { basis: 0.95, error: 0.02, learn: 200, automated: 400 },
    { basis: 0.97, error: 0.015, learn: 200, automated: 400 },
    { basis: 0.99, error: 0.008, learn: 250, automated: 500 },
    { basis: 0.999, error: 0.003, learn: 300, automated: 600 },
    { basis: 0.9999, error: 0.001, learn: 400, automated: 800 },
  ];
  const threshold = BIN_EDGES[binOf(0.95)];
  const above = strata.filter((s) => s.basis >= threshold);
  const truth = above.reduce((sum, s) => sum + (s.learn + s.automated) * s.error, 0) / above.reduce((sum, s) => sum + s.learn + s.automated, 0);

  function run(pi: number, seed: number): { covered: number; effective: number; effectiveHT: number } {
    const rnd = seededRandom(seed);
    let covered = 0;
    let effective = 0;
    let effectiveHT = 0;
    for (let r = 0; r < RUNS; r++) {
      const bins = emptyBins();
      for (const s of strata) {
        const b = bins[binOf(s.basis)];
        const addCount = (seen: number, weight: number) => {
          const wrong = binomial(rnd, seen, s.error);
          b.w += seen * weight;
          b.w2 += seen * weight * weight;
          b.wrong += wrong * weight;
          b.w2wrong += wrong * weight * weight;
          b.n += seen;
          b.k! += wrong;
        };
        addCount(s.learn, 1); // learning: everything reviewed
        if (s.basis >= threshold) addCount(binomial(rnd, s.automated, pi), 1 / pi);
        else addCount(s.automated, 1);
      }
      const post = errorUpperBound(evidenceBetween(poststratify(bins), threshold), 0.95);
      const ht = errorUpperBound(evidenceBetween(bins, threshold), 0.95);
      if (post.upper >= truth) covered++;
      effective += post.effectiveN / RUNS;
      effectiveHT += ht.effectiveN / RUNS;
    }
    return { covered: covered / RUNS, effective, effectiveHT };
  }

  // Seeds 11 and 12. Simulated (TRUST_SIM_REPORT=1): π = 0.05: 0.948 covered, effective size
  // 1,445 against 278 with Horvitz–Thompson weights; π = 0.2: 0.955, 1,878 against 1,060.
  it.each([
    [0.05, 11],
    [0.2, 12],
  ])('learning census + audits at π = %p: ≥ 95 %% covered, and more effective outcomes than inverse-probability weights give', (pi, seed) => {
    const { covered, effective, effectiveHT } = run(pi, seed);
    report(`poststratified π=${pi}: truth ${truth.toFixed(5)}, covered ${covered}, effective n ${effective.toFixed(0)} (HT ${effectiveHT.toFixed(0)})`);
    expect(covered).toBeGreaterThanOrEqual(lowestAcceptable(0.95, RUNS));
    expect(effective).toBeGreaterThan(effectiveHT * 1.3);
  });
});
