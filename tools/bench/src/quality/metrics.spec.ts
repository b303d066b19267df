import { automationOf, driftReport, falseAlarms, fixedThreshold, oracleThreshold, qualityReport, quietRunNeeded, rateWithBound, type ObservedCase } from './metrics';

const point = (probability: number, correct: boolean) => ({ probability, correct });

/** A case of category `cat` at seq, decided by `by` (auto outcomes are the recommendation). */
function c(seq: number, cat: string, by: 'auto' | 'human' | undefined, opts: { right?: boolean; p?: number; drifted?: boolean } = {}): ObservedCase {
  const right = opts.right ?? true;
  const recommendation = right ? 'x' : 'y';
  return {
    seq,
    caseId: `c${seq}`,
    category: cat,
    truth: 'x',
    recommendation,
    probability: opts.p ?? 0.99,
    drifted: opts.drifted ?? false,
    decision: by === undefined ? undefined : { decidedBy: by, outcome: by === 'auto' ? recommendation : 'x' },
  };
}

describe('quality bench metrics', () => {
  it('bounds an error rate from above with the one-sided Clopper–Pearson bound', () => {
    // 0 of 149: the one-sided 95% bound is 1 − 0.05^(1/149) ≈ 1.99%.
    expect(rateWithBound(0, 149).upper).toBeCloseTo(1 - 0.05 ** (1 / 149), 6);
    expect(rateWithBound(0, 149).upper).toBeLessThan(0.02);
    const r = rateWithBound(5, 100);
    expect(r.rate).toBe(0.05);
    expect(r.upper).toBeGreaterThan(0.09);
    expect(r.upper).toBeLessThan(0.11);
    expect(rateWithBound(0, 0)).toEqual({ n: 0, wrong: 0, rate: 0, upper: 1 });
  });

  it('finds the oracle: the lowest threshold on p whose cases above stay within the target', () => {
    // 100 cases: p = 1 − i/200. The 10 least sure are wrong, and one wrong among the sure ones at i = 20.
    const points = Array.from({ length: 100 }, (_, i) => point(1 - i / 200, i !== 20 && i < 90));
    const r = oracleThreshold(points, 0.02);
    // With one wrong, up to 50 cases stay within 2%; the second wrong comes only at i = 90 (11 wrong of 91 > 2%).
    expect(r.covered).toBe(90);
    expect(r.error.wrong).toBe(1);
    expect(r.coverage).toBeCloseTo(0.9);
    expect(r.threshold).toBeCloseTo(1 - 89 / 200);
  });

  it('takes cases of equal probability together or not at all', () => {
    const points = [point(0.99, true), point(0.9, true), point(0.9, false), point(0.9, true), point(0.5, true)];
    expect(oracleThreshold(points, 0.1).covered).toBe(1);
    expect(oracleThreshold(points, 0.25).covered).toBe(5);
    expect(oracleThreshold([point(0.9, false)], 0.02)).toMatchObject({ threshold: null, covered: 0, coverage: 0 });
  });

  it("applies the guide's band strictly above 0.95", () => {
    const r = fixedThreshold([point(0.95, true), point(0.96, false), point(0.99, true), point(0.5, true)]);
    expect(r.covered).toBe(2);
    expect(r.coverage).toBe(0.5);
    expect(r.error.rate).toBe(0.5);
  });

  it('needs a run of non-automatic cases too long for chance before it calls automation stopped', () => {
    expect(quietRunNeeded(0)).toBe(Infinity);
    expect(quietRunNeeded(0.5)).toBe(20); // 14 by chance alone, at least 20
    expect(quietRunNeeded(0.1)).toBe(88); // 0.9^88 < 1e-4
    expect(0.9 ** quietRunNeeded(0.1)).toBeLessThanOrEqual(1e-4);
    expect(0.9 ** (quietRunNeeded(0.1) - 1)).toBeGreaterThan(1e-4);
  });

  it('counts automation and errors of auto-approvals against the truth', () => {
    const a = automationOf([c(0, 'a', 'auto'), c(1, 'a', 'auto', { right: false }), c(2, 'a', 'human'), c(3, 'a', undefined)]);
    expect(a).toMatchObject({ cases: 4, decided: 3, auto: 2, human: 1 });
    expect(a.share).toBeCloseTo(2 / 3);
    expect(a.error.rate).toBe(0.5);
    expect(a.humanError.rate).toBe(0);
  });

  // Category a: stable phase 100–199 half automated; drift from 200.
  const stable = (cat: string) => Array.from({ length: 100 }, (_, i) => c(100 + i, cat, i % 2 === 0 ? 'auto' : 'human'));

  it('counts the wrong auto-approvals of a drifted category until its automation stopped', () => {
    const drifted = Array.from({ length: 100 }, (_, i) => c(200 + i, 'a', i < 30 && i % 3 === 0 ? 'auto' : 'human', { right: false, drifted: true }));
    const r = driftReport([...stable('a'), ...drifted], 'a', 100, 200);
    expect(r).toMatchObject({ cases: 100, stableShare: 0.5, quietNeeded: 20, autoAfterDrift: 10, wrongAutoApprovals: 10, stopped: true, casesUntilStop: 28, stoppedAtSeq: 228 });
  });

  it('says so when automation never stopped', () => {
    const drifted = Array.from({ length: 100 }, (_, i) => c(200 + i, 'a', i % 4 === 0 ? 'auto' : 'human', { right: false, drifted: true }));
    const r = driftReport([...stable('a'), ...drifted], 'a', 100, 200);
    expect(r.stopped).toBe(false);
    expect(r.wrongAutoApprovals).toBe(25);
    expect(r.casesUntilStop).toBeNull();
  });

  it('raises a false alarm when an unchanged category loses its automation, not while it warms up', () => {
    const warming = Array.from({ length: 60 }, (_, i) => c(100 + i, 'b', 'human')); // never automated yet: no alarm
    const later = Array.from({ length: 140 }, (_, i) => c(160 + i, 'b', i % 2 === 0 ? 'auto' : 'human'));
    expect(falseAlarms([...warming, ...later], ['b'], undefined, 100, 200)).toEqual([]);

    const lost = [...stable('b'), ...Array.from({ length: 50 }, (_, i) => c(200 + i, 'b', 'human'))];
    expect(falseAlarms(lost, ['b'], 'a', 100, 200)).toEqual([{ category: 'b', fromSeq: 199, length: 51, quietNeeded: 20, ongoing: true }]);
    // The drifted category is watched for false alarms only before its drift.
    const aAfter = Array.from({ length: 50 }, (_, i) => c(200 + i, 'a', 'human'));
    expect(falseAlarms([...stable('a'), ...aAfter], ['a'], 'a', 100, 200)).toEqual([]);
  });

  it('puts it together, with the acceptance lines', () => {
    const warm = Array.from({ length: 100 }, (_, i) => c(i, ['a', 'b'][i % 2], 'human'));
    const st = Array.from({ length: 100 }, (_, i) => c(100 + i, ['a', 'b'][i % 2], i % 4 < 2 ? 'auto' : 'human', { p: i % 4 < 2 ? 0.99 : 0.6 }));
    const dr = Array.from({ length: 100 }, (_, i) => c(200 + i, ['a', 'b'][i % 2], i % 2 === 1 && i % 4 < 2 ? 'auto' : 'human', { p: i % 4 < 2 ? 0.99 : 0.6, right: i % 2 === 1, drifted: i % 2 === 0 }));
    const r = qualityReport([...warm, ...st, ...dr], { target: 0.02, warmup: 100, driftFrom: 200, categories: ['a', 'b'], driftCategory: 'a' });
    expect(r.stable.platform.share).toBe(0.5);
    expect(r.stable.oracle.coverage).toBe(1);
    expect(r.stable.fixed095.coverage).toBe(0.5);
    expect(r.drift).toMatchObject({ category: 'a', wrongAutoApprovals: 0, stopped: true });
    expect(r.acceptance).toEqual({ errorWithinTarget: true, automationAtLeastFixed095: true, driftStoppedWithin50: true, noFalseAlarm: true });
    expect(r.undecided).toBe(0);
    // The warm-up (p 0.99 ≥ the oracle's 0.6, every case right) at the oracle's threshold.
    expect(r.stable.oracle.threshold).toBe(0.6);
    expect(r.stable.warmupAtOracle).toMatchObject({ wrong: 0, n: 100, rate: 0 });
    // A warm-up that errs where the stable phase does not: the line shows it.
    const harder = warm.map((x, i) => (i % 10 === 0 ? c(x.seq, x.category, 'human', { right: false }) : x));
    expect(qualityReport([...harder, ...st, ...dr], { target: 0.02, warmup: 100, driftFrom: 200, categories: ['a', 'b'], driftCategory: 'a' }).stable.warmupAtOracle).toMatchObject({ wrong: 10, n: 100, rate: 0.1 });

    // The drifted category goes on being automated (wrongly) to the end: that fails.
    const stillAuto = dr.map((x) => (x.drifted && x.seq % 4 === 0 ? { ...x, decision: { decidedBy: 'auto' as const, outcome: x.recommendation } } : x));
    const failed = qualityReport([...warm, ...st, ...stillAuto], { target: 0.02, warmup: 100, driftFrom: 200, categories: ['a', 'b'], driftCategory: 'a' });
    expect(failed.drift).toMatchObject({ stopped: false, wrongAutoApprovals: 25 });
    expect(failed.acceptance.driftStoppedWithin50).toBe(false);

    // Nothing ever automated: the drift line has nothing to test.
    const human = [...warm, ...st, ...dr].map((x) => ({ ...x, decision: { decidedBy: 'human' as const, outcome: x.truth } }));
    const none = qualityReport(human, { target: 0.02, warmup: 100, driftFrom: 200, categories: ['a', 'b'], driftCategory: 'a' });
    expect(none.acceptance).toEqual({ errorWithinTarget: false, automationAtLeastFixed095: false, driftStoppedWithin50: null, noFalseAlarm: true });
  });
});
