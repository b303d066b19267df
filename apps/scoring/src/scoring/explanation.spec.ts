import type { Score } from '@hitl/contracts';
import { explain, type ExplanationInput } from './explanation';

const computed = (value: number) => ({ value, source: 'computed' as const });
const factors: Score['factors'] = { modelConfidence: computed(0.9), trainingDataCoverage: computed(0.5), inputQuality: computed(1), edgeCaseIndicators: computed(0) };
const base: ExplanationInput = {
  overall: 0.77,
  band: 'human_review',
  bands: { autoApprove: 0.95, autoApproveAudit: 0.85, humanReview: 0.7 },
  factors,
  labelled: { similar: 1, agreeing: 1 },
  missing: [],
  findings: [],
  triggers: [],
};

describe('explain', () => {
  it.each<[string, Partial<ExplanationInput>, string]>([
    ['an ordinary case', {}, '0.77 human review: model 0.90, coverage 0.50 (1 of 1 similar labelled case agreed with the AI), input complete, no outliers'],
    ['similar cases, some overridden', { labelled: { similar: 15, agreeing: 12 } }, 'coverage 0.50 (12 of 15 similar labelled cases agreed with the AI)'],
    ['similar cases, all overridden', { labelled: { similar: 200, agreeing: 0 } }, 'coverage 0.50 (0 of 200 similar labelled cases agreed with the AI)'],
    ['no similar cases', { labelled: { similar: 0, agreeing: 0 } }, 'coverage 0.50 (no similar labelled cases)'],
    ['a producer coverage', { factors: { ...factors, trainingDataCoverage: { value: 0.6, source: 'producer' } } }, 'coverage 0.60 (producer), input complete'],
    ['auto-approval', { overall: 0.97, band: 'auto_approve' }, '0.97 auto-approve: '],
    ['audit band', { overall: 0.9, band: 'auto_approve_audit' }, '0.90 auto-approve with audit: '],
    ['a score that would round onto an edge', { overall: 0.9504, band: 'auto_approve' }, '0.9504 auto-approve: '],
    ['a score exactly on an edge', { overall: 0.95, band: 'auto_approve_audit' }, '0.95 auto-approve with audit: '],
    ['findings, at most three', { findings: [1, 0.9, 0.8, 0.7].map((indicator, i) => ({ indicator, reason: `r${i}` })) }, 'input complete, r0, r1, r2'],
    ['triggers', { triggers: [{ kind: 'context', name: 'vip_customer' }] }, 'no outliers; triggers: vip_customer'],
  ])('%s', (_what, changes, expected) => {
    expect(explain({ ...base, ...changes })).toContain(expected);
  });

  it('stays one bounded line', () => {
    const line = explain({ ...base, missing: Array.from({ length: 500 }, (_, i) => `field${i}`) });
    expect(line.length).toBe(1_000);
    expect(line.endsWith('…')).toBe(true);
    expect(line).not.toContain('\n');
  });
});
