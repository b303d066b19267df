import { loadPolicy, rulesFor } from '@hitl/policy';
import { caseSignature } from './case-signature';
import { coverageFrom } from './coverage';

const labelled = (similar: number, agreeing: number) => ({ similar, agreeing });

describe('coverageFrom: agreeing / (similar + scale)', () => {
  it.each([
    [0, 0, 50, 0], // no labelled data: low, not 1
    [-3, -3, 50, 0],
    [150, 150, 50, 0.75], // 150 similar, all agreeing
    [150, 0, 50, 0], // 150 similar, all overridden
    [50, 50, 50, 0.5], // `scale` cases all agreeing
    [15, 12, 10, 12 / 25],
    [5, 5, 0, 0], // no valid scale: the safe side
    [10, 20, 50, 10 / 60], // more agreeing than similar is impossible: capped
    [10, -1, 50, 0],
  ])('similar %p, agreeing %p, scale %p → %p', (similar, agreeing, scale, expected) => {
    expect(coverageFrom(labelled(similar, agreeing), scale)).toBeCloseTo(expected, 12);
  });

  it('overrides lower coverage: the same number of labels with more overrides gives less', () => {
    let last = Infinity;
    for (let overridden = 0; overridden <= 100; overridden += 5) {
      const c = coverageFrom(labelled(100, 100 - overridden), 50);
      expect(c).toBeLessThan(last);
      last = c;
    }
    // One more case, overridden, lowers it; one more, agreeing, raises it.
    expect(coverageFrom(labelled(41, 30), 50)).toBeLessThan(coverageFrom(labelled(40, 30), 50));
    expect(coverageFrom(labelled(41, 31), 50)).toBeGreaterThan(coverageFrom(labelled(40, 30), 50));
  });

  it('volume alone does not raise it: every case overridden stays at 0 however many labels', () => {
    // The issue: a model wrong on every case, overridden on 150 of them (the old count of labels gave 0.95).
    for (const n of [1, 10, 150, 200, 5_000, 1e9]) expect(coverageFrom(labelled(n, 0), 50)).toBe(0);
  });

  it('more labels with the same agreement share approach that share, never above it', () => {
    for (const share of [1, 0.75, 0.5, 0.1]) {
      let last = -1;
      for (let n = 20; n <= 20_000; n *= 2) {
        const c = coverageFrom(labelled(n, share * n), 50);
        expect(c).toBeGreaterThan(last);
        expect(c).toBeLessThan(share);
        last = c;
      }
      expect(last).toBeCloseTo(share, 2);
    }
  });
});

describe('caseSignature: what counts as a similar case', () => {
  const policy = loadPolicy(undefined, {});
  const property = rulesFor(policy, 'property_damage'); // numeric policyAgeYears, priorClaims, photos
  const triage = rulesFor(policy, 'medical_triage'); // numeric heartRate, spo2; categorical symptoms

  it('is the recommendation plus each numeric field by order of magnitude', () => {
    expect(caseSignature('approve', { policyAgeYears: 4, priorClaims: 0, photos: 3 }, property)).toEqual({
      recommendation: 'approve',
      features: 'approve|policyAgeYears=3|priorClaims=0|photos=2',
    });
  });

  it.each<[Record<string, unknown>, Record<string, unknown>, boolean]>([
    [{ policyAgeYears: 4, priorClaims: 0, photos: 2 }, { policyAgeYears: 6, priorClaims: 0, photos: 3 }, true], // same buckets (4–7, 2–3)
    [{ policyAgeYears: 4, priorClaims: 0, photos: 2 }, { policyAgeYears: 8, priorClaims: 0, photos: 2 }, false], // 4–7 vs 8–15
    [{ policyAgeYears: 4, priorClaims: 0 }, { policyAgeYears: 4, priorClaims: 0, photos: 1 }, false], // missing is its own value
    [{ policyAgeYears: -5 }, { policyAgeYears: 5 }, false], // signed
  ])('%j ~ %j: %p', (a, b, similar) => {
    expect(caseSignature('approve', a, property).features === caseSignature('approve', b, property).features).toBe(similar);
  });

  it('differs by recommendation', () => {
    const input = { policyAgeYears: 4, priorClaims: 0, photos: 3 };
    expect(caseSignature('approve', input, property).features).not.toBe(caseSignature('deny', input, property).features);
  });

  it('takes categorical values, order-insensitive for lists', () => {
    const a = caseSignature('urgent', { heartRate: 120, spo2: 91, symptoms: ['fever', 'chest pain'] }, triage);
    const b = caseSignature('urgent', { heartRate: 100, spo2: 95, symptoms: ['chest pain', 'fever'] }, triage);
    expect(a.features).toBe('urgent|heartRate=7|spo2=7|symptoms=chest pain,fever');
    expect(b.features).toBe(a.features);
  });
});
