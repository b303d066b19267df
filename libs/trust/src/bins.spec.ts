import { addOutcomes, BIN_COUNT, BIN_EDGES, binOf, emptyBins, sumBins, type BinEvidence, type Outcome } from './bins';

describe('BIN_EDGES: the basis grid', () => {
  it('is 45 linear steps of 0.02 from 0 to 0.88, then 61 log steps from 0.9 to 0.9999', () => {
    expect(BIN_COUNT).toBe(106);
    expect(BIN_EDGES).toHaveLength(BIN_COUNT);
    expect(BIN_EDGES[0]).toBe(0);
    expect(BIN_EDGES[1]).toBe(0.02);
    expect(BIN_EDGES[44]).toBe(0.88);
    expect(BIN_EDGES[45]).toBe(0.9);
    expect(BIN_EDGES[BIN_COUNT - 1]).toBe(0.9999);
    for (let i = 1; i <= 44; i++) expect(BIN_EDGES[i] - BIN_EDGES[i - 1]).toBeCloseTo(0.02, 9);
    // Above 0.9 the steps are even in −log10(1 − basis): 0.05 a step (up to the 1e-6 rounding of the edges).
    for (let i = 46; i < BIN_COUNT; i++) expect(-Math.log10(1 - BIN_EDGES[i]) + Math.log10(1 - BIN_EDGES[i - 1])).toBeCloseTo(0.05, 2);
  });

  it('is strictly increasing and frozen', () => {
    for (let i = 1; i < BIN_COUNT; i++) expect(BIN_EDGES[i]).toBeGreaterThan(BIN_EDGES[i - 1]);
    expect(Object.isFrozen(BIN_EDGES)).toBe(true);
  });
});

describe('binOf', () => {
  it('puts every edge in its own bin (lower edges are inclusive)', () => {
    BIN_EDGES.forEach((edge, i) => expect(binOf(edge)).toBe(i));
  });

  it('puts a value just below an edge in the bin before', () => {
    for (let i = 1; i < BIN_COUNT; i++) expect(binOf(BIN_EDGES[i] - 1e-9)).toBe(i - 1);
  });

  it.each([
    [0, 0],
    [0.019999, 0],
    [0.02, 1],
    [0.5, 25],
    [0.899999, 44],
    [0.9, 45],
    [0.95, 51], // 1 − 10^−1.3 = 0.949881 ≤ 0.95 < 1 − 10^−1.35 = 0.955332
    [0.99, 65], // 1 − 10^−2 exactly: k = 20
    [0.999, 85], // k = 40
    [0.99989999, 104],
    [0.9999, 105],
    [1, 105], // the last bin ends at 1 inclusive
  ])('binOf(%p) = %p', (basis, bin) => {
    expect(binOf(basis)).toBe(bin);
  });

  it('clamps finite values outside [0, 1]; non-finite ones go to bin 0, which no threshold automates', () => {
    expect(binOf(-0.5)).toBe(0);
    expect(binOf(-Infinity)).toBe(0);
    expect(binOf(1.5)).toBe(BIN_COUNT - 1);
    expect(binOf(NaN)).toBe(0);
    expect(binOf(Infinity)).toBe(0); // not clamped to the top: garbage never counts as evidence for automation
  });

  it('is non-decreasing on a fine grid, each value inside its bin, and hits every bin', () => {
    let previous = 0;
    const seen = new Set<number>();
    const bad: number[] = [];
    for (let j = 0; j <= 200_000; j++) {
      const basis = j / 200_000;
      const bin = binOf(basis);
      if (bin < previous || BIN_EDGES[bin] > basis || (bin < BIN_COUNT - 1 && basis >= BIN_EDGES[bin + 1])) bad.push(basis);
      previous = bin;
      seen.add(bin);
    }
    expect(bad).toEqual([]);
    // 1/200000 = 5e-6 is finer than the narrowest bin near 0.9999 (about 1.2e-5 wide).
    expect(seen.size).toBe(BIN_COUNT);
  });
});

describe('addOutcomes', () => {
  it('adds Σw, Σw², Σw over wrong outcomes and the unweighted counts (all, wrong), in place', () => {
    const bins = emptyBins();
    const outcomes: Outcome[] = [
      { basis: 0.5, wrong: true, weight: 1 },
      { basis: 0.51, wrong: false, weight: 1 },
      { basis: 0.995, wrong: false, weight: 20 },
      { basis: 0.995, wrong: true, weight: 20 },
      { basis: 0.9951, wrong: false, weight: 5 },
    ];
    const returned = addOutcomes(bins, outcomes);
    expect(returned).toBe(bins);
    expect(bins[binOf(0.5)]).toEqual({ w: 2, w2: 2, wrong: 1, w2wrong: 1, n: 2, k: 1 });
    expect(bins[binOf(0.995)]).toEqual({ w: 45, w2: 825, wrong: 20, w2wrong: 400, n: 3, k: 1 });
    const untouched = bins.filter((_, i) => i !== binOf(0.5) && i !== binOf(0.995));
    expect(untouched.every((b) => b.w === 0 && b.w2 === 0 && b.wrong === 0 && b.n === 0)).toBe(true);
  });

  it('accepts any iterable (a generator)', () => {
    function* gen(): Generator<Outcome> {
      for (let i = 0; i < 10; i++) yield { basis: 0.3, wrong: i < 3, weight: 2 };
    }
    expect(addOutcomes(emptyBins(), gen())[binOf(0.3)]).toEqual({ w: 20, w2: 40, wrong: 6, w2wrong: 12, n: 10, k: 3 });
  });

  it.each([0.999, 0.5, 0, -1, NaN, Infinity])('rejects weight %p (must be a finite number >= 1)', (weight) => {
    expect(() => addOutcomes(emptyBins(), [{ basis: 0.5, wrong: false, weight }])).toThrow(RangeError);
  });

  it('accepts weight exactly 1', () => {
    expect(() => addOutcomes(emptyBins(), [{ basis: 0.5, wrong: false, weight: 1 }])).not.toThrow();
  });
});

describe('sumBins', () => {
  const day = (outcomes: Outcome[]): BinEvidence[] => addOutcomes(emptyBins(), outcomes);

  it('sums the windows bin by bin and leaves them untouched', () => {
    const a = day([
      { basis: 0.2, wrong: true, weight: 1 },
      { basis: 0.99, wrong: false, weight: 10 },
    ]);
    const b = day([
      { basis: 0.2, wrong: false, weight: 1 },
      { basis: 0.99, wrong: true, weight: 4 },
    ]);
    const before = JSON.stringify([a, b]);
    const total = sumBins([a, b]);
    expect(JSON.stringify([a, b])).toBe(before);
    expect(total[binOf(0.2)]).toEqual({ w: 2, w2: 2, wrong: 1, w2wrong: 1, n: 2, k: 1 });
    expect(total[binOf(0.99)]).toEqual({ w: 14, w2: 116, wrong: 4, w2wrong: 16, n: 2, k: 1 });
    expect(total).toHaveLength(BIN_COUNT);
  });

  it('equals adding all outcomes at once', () => {
    const outcomes: Outcome[] = Array.from({ length: 300 }, (_, i) => ({ basis: (i * 0.618034) % 1, wrong: i % 7 === 0, weight: 1 + (i % 5) }));
    const parts = [outcomes.slice(0, 100), outcomes.slice(100, 250), outcomes.slice(250)].map(day);
    expect(sumBins(parts)).toEqual(day(outcomes));
  });

  it('of no windows is the empty evidence', () => {
    expect(sumBins([])).toEqual(emptyBins());
  });
});
