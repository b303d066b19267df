import { loadPolicy, rulesFor } from '@hitl/policy';
import { caseSignature } from './case-signature';
import { coverageFrom } from './coverage';

describe('coverageFrom: 1 − e^(−n/scale)', () => {
  it.each([
    [0, 50, 0], // no labelled data: low, not 1
    [-3, 50, 0],
    [50, 50, 1 - Math.exp(-1)],
    [150, 50, 1 - Math.exp(-3)],
    [12, 10, 1 - Math.exp(-1.2)],
    [5, 0, 0],
  ])('n %p, scale %p → %p', (n, scale, expected) => {
    expect(coverageFrom(n, scale)).toBeCloseTo(expected, 12);
  });

  it('grows with n and stays below 1', () => {
    let last = -1;
    for (let n = 0; n <= 500; n += 10) {
      const c = coverageFrom(n, 50);
      expect(c).toBeGreaterThan(last);
      expect(c).toBeLessThan(1);
      last = c;
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
