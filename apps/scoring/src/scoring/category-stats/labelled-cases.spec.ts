import { LabelledCases } from './labelled-cases';

const sig = (recommendation: string, features: string) => ({ recommendation, features });
const matched = (similar: number, agreeing: number) => ({ similar, agreeing });

describe('LabelledCases', () => {
  it('counts cases with the same features, plus those whose features are unknown with the same recommendation', () => {
    const cases = new LabelledCases(10);
    cases.add({ id: 'f1', recommendation: 'approve', features: 'approve|a=1', agrees: true });
    cases.add({ id: 'f2', recommendation: 'approve', features: 'approve|a=1', agrees: true });
    cases.add({ id: 'f3', recommendation: 'approve', features: 'approve|a=2', agrees: true });
    cases.add({ id: 'f4', recommendation: 'approve', features: null, agrees: true });
    cases.add({ id: 'f5', recommendation: 'deny', features: null, agrees: true });
    expect(cases.matches(sig('approve', 'approve|a=1'))).toEqual(matched(3, 3));
    expect(cases.matches(sig('approve', 'approve|a=2'))).toEqual(matched(2, 2));
    expect(cases.matches(sig('approve', 'approve|a=9'))).toEqual(matched(1, 1));
    expect(cases.matches(sig('deny', 'deny|a=1'))).toEqual(matched(1, 1));
    expect(cases.matches(sig('refer', 'refer|a=1'))).toEqual(matched(0, 0));
  });

  it('counts how many of the similar cases agreed with the AI: an override is similar but not agreeing', () => {
    const cases = new LabelledCases(10);
    cases.add({ id: 'f1', recommendation: 'approve', features: 'approve|a=1', agrees: true });
    cases.add({ id: 'f2', recommendation: 'approve', features: 'approve|a=1', agrees: false });
    cases.add({ id: 'f3', recommendation: 'approve', features: 'approve|a=1', agrees: false });
    cases.add({ id: 'f4', recommendation: 'approve', features: null, agrees: true });
    cases.add({ id: 'f5', recommendation: 'approve', features: null, agrees: false });
    expect(cases.matches(sig('approve', 'approve|a=1'))).toEqual(matched(5, 2));
    expect(cases.matches(sig('approve', 'approve|a=2'))).toEqual(matched(2, 1));
  });

  it('counts a redelivered feedback once', () => {
    const cases = new LabelledCases(10);
    expect(cases.add({ id: 'f1', recommendation: 'approve', features: 'x', agrees: true })).toBe(true);
    expect(cases.add({ id: 'f1', recommendation: 'approve', features: 'x', agrees: true })).toBe(false);
    expect(cases.matches(sig('approve', 'x'))).toEqual(matched(1, 1));
  });

  it('is bounded: the oldest cases are forgotten, and their counts (agreeing ones too) with them', () => {
    const cases = new LabelledCases(3);
    for (let i = 0; i < 5; i++) cases.add({ id: `f${i}`, recommendation: 'approve', features: i < 2 ? 'old' : 'new', agrees: i % 2 === 0 });
    expect(cases.size).toBe(3);
    expect(cases.matches(sig('approve', 'old'))).toEqual(matched(0, 0));
    expect(cases.matches(sig('approve', 'new'))).toEqual(matched(3, 2)); // f2, f4 agreed; f3 was overridden
    expect(cases.has('f0')).toBe(false);
    expect(cases.add({ id: 'f0', recommendation: 'approve', features: 'old', agrees: true })).toBe(true);
    expect(cases.matches(sig('approve', 'new'))).toEqual(matched(2, 1)); // f2 forgotten
    expect(cases.matches(sig('approve', 'old'))).toEqual(matched(1, 1));
  });
});
