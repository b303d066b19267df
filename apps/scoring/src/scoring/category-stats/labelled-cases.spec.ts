import { LabelledCases } from './labelled-cases';

const sig = (recommendation: string, features: string) => ({ recommendation, features });

describe('LabelledCases', () => {
  it('counts cases with the same features, plus those whose features are unknown with the same recommendation', () => {
    const cases = new LabelledCases(10);
    cases.add({ id: 'f1', recommendation: 'approve', features: 'approve|a=1' });
    cases.add({ id: 'f2', recommendation: 'approve', features: 'approve|a=1' });
    cases.add({ id: 'f3', recommendation: 'approve', features: 'approve|a=2' });
    cases.add({ id: 'f4', recommendation: 'approve', features: null });
    cases.add({ id: 'f5', recommendation: 'deny', features: null });
    expect(cases.matches(sig('approve', 'approve|a=1'))).toBe(3);
    expect(cases.matches(sig('approve', 'approve|a=2'))).toBe(2);
    expect(cases.matches(sig('approve', 'approve|a=9'))).toBe(1);
    expect(cases.matches(sig('deny', 'deny|a=1'))).toBe(1);
    expect(cases.matches(sig('refer', 'refer|a=1'))).toBe(0);
  });

  it('counts a redelivered feedback once', () => {
    const cases = new LabelledCases(10);
    expect(cases.add({ id: 'f1', recommendation: 'approve', features: 'x' })).toBe(true);
    expect(cases.add({ id: 'f1', recommendation: 'approve', features: 'x' })).toBe(false);
    expect(cases.matches(sig('approve', 'x'))).toBe(1);
  });

  it('is bounded: the oldest cases are forgotten, and their counts with them', () => {
    const cases = new LabelledCases(3);
    for (let i = 0; i < 5; i++) cases.add({ id: `f${i}`, recommendation: 'approve', features: i < 2 ? 'old' : 'new' });
    expect(cases.size).toBe(3);
    expect(cases.matches(sig('approve', 'old'))).toBe(0);
    expect(cases.matches(sig('approve', 'new'))).toBe(3);
    expect(cases.has('f0')).toBe(false);
    expect(cases.add({ id: 'f0', recommendation: 'approve', features: 'old' })).toBe(true);
  });
});
