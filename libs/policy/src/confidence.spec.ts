import fc from 'fast-check';
import { overallConfidence, type ConfidenceFactors } from './confidence';
import { defaultPolicy } from './testing/default-policy';

const guideWeights = { modelConfidence: 0.3, trainingDataCoverage: 0.3, inputQuality: 0.2, edgeCaseIndicators: 0.2 };
const factors = (m: number, c: number, q: number, e: number): ConfidenceFactors => ({
  modelConfidence: m,
  trainingDataCoverage: c,
  inputQuality: q,
  edgeCaseIndicators: e,
});

describe('overallConfidence (the guide formula)', () => {
  it('the default policy carries the guide weights 0.3 / 0.3 / 0.2 / 0.2', () => {
    expect(defaultPolicy().defaults.weights).toEqual(guideWeights);
  });

  // [model, coverage, quality, edge cases, expected]
  it.each([
    [0.91, 0.72, 0.95, 0.35, 0.809], // the guide's headphone refund (contracts example)
    [1, 0.9, 1, 0.05, 0.96],
    [0.8, 0.6, 1, 0.2, 0.78],
    [0.95, 0.95, 0.95, 0.05, 0.95], // exactly on the auto-approve edge, not 0.9500000000000001
    [0.85, 0.85, 0.85, 0.15, 0.85],
    [0.7, 0.7, 0.7, 0.3, 0.7],
    [1, 1, 1, 0, 1],
    [0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0.2], // no edge case still contributes its weight
    [0.99, 0, 1, 0, 0.697], // a confident model with no labelled data stays below human review
  ])('model %p, coverage %p, quality %p, edge %p → %p', (m, c, q, e, expected) => {
    expect(overallConfidence(factors(m, c, q, e), guideWeights)).toBe(expected);
  });

  it('counts edge-case indicators as 1 − value', () => {
    const w = { modelConfidence: 0, trainingDataCoverage: 0, inputQuality: 0, edgeCaseIndicators: 1 };
    expect(overallConfidence(factors(1, 1, 1, 0.25), w)).toBe(0.75);
  });

  it('uses the weights it is given (a category override)', () => {
    const w = { modelConfidence: 0.5, trainingDataCoverage: 0.1, inputQuality: 0.2, edgeCaseIndicators: 0.2 };
    expect(overallConfidence(factors(0.9, 0.1, 1, 0), w)).toBe(0.86);
  });

  it('clamps factors outside [0, 1] and NaN', () => {
    expect(overallConfidence(factors(2, 1, 1, -1), guideWeights)).toBe(1);
    expect(overallConfidence(factors(Number.NaN, 0, 0, 1), guideWeights)).toBe(0);
  });

  describe('properties', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const weights = fc
      .tuple(unit, unit, unit, unit)
      .filter(([a, b, c, d]) => a + b + c + d > 0.01)
      .map(([a, b, c, d]) => {
        const s = a + b + c + d;
        return { modelConfidence: a / s, trainingDataCoverage: b / s, inputQuality: c / s, edgeCaseIndicators: d / s };
      });
    const fs = fc.tuple(unit, unit, unit, unit).map(([m, c, q, e]) => factors(m, c, q, e));

    it('is always in [0, 1]', () => {
      fc.assert(
        fc.property(fs, weights, (f, w) => {
          const s = overallConfidence(f, w);
          return s >= 0 && s <= 1;
        }),
      );
    });

    it.each(['modelConfidence', 'trainingDataCoverage', 'inputQuality'] as const)('never decreases when %s grows', (name) => {
      fc.assert(
        fc.property(fs, weights, unit, (f, w, more) => {
          const higher = { ...f, [name]: Math.max(f[name], more) };
          return overallConfidence(higher, w) >= overallConfidence(f, w);
        }),
      );
    });

    it('never increases when edgeCaseIndicators grows', () => {
      fc.assert(
        fc.property(fs, weights, unit, (f, w, more) => {
          const worse = { ...f, edgeCaseIndicators: Math.max(f.edgeCaseIndicators, more) };
          return overallConfidence(worse, w) <= overallConfidence(f, w);
        }),
      );
    });
  });
});
