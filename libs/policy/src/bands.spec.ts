import type { Band } from '@hitl/contracts';
import fc from 'fast-check';
import { bandOf } from './bands';
import { rulesFor } from './category';
import { defaultPolicy } from './testing/default-policy';

const guide = { autoApprove: 0.95, autoApproveAudit: 0.85, humanReview: 0.7 };

describe('bandOf: the guide band table', () => {
  it('the default policy carries the guide edges', () => {
    expect(defaultPolicy().defaults.bands).toEqual(guide);
  });

  // Every row of the table, its edges and the values just beside them.
  it.each<[number, Band]>([
    [1, 'auto_approve'],
    [0.96, 'auto_approve'], // "> 0.95 auto-approve"
    [0.950001, 'auto_approve'],
    [0.95, 'auto_approve_audit'], // the edge belongs to the audit band
    [0.949999, 'auto_approve_audit'],
    [0.9, 'auto_approve_audit'], // "0.85 – 0.95 auto-approve with logging"
    [0.85, 'auto_approve_audit'], // both ends of 0.85 – 0.95 are inclusive
    [0.849999, 'human_review'],
    [0.78, 'human_review'], // the guide's review-queue example
    [0.700001, 'human_review'],
    [0.7, 'human_review'], // "0.70 – 0.85 human review", 0.70 inclusive
    [0.699999, 'senior_review'],
    [0.5, 'senior_review'], // "< 0.70 escalate to senior reviewer"
    [0, 'senior_review'],
  ])('%p → %s', (score, band) => {
    expect(bandOf(score, guide)).toBe(band);
  });

  it('a NaN score is never trusted', () => {
    expect(bandOf(Number.NaN, guide)).toBe('senior_review');
  });

  it('uses a category override of the edges', () => {
    const policy = { ...defaultPolicy(), categories: { medical_triage: { bands: { autoApprove: 0.99, autoApproveAudit: 0.97, humanReview: 0.9 } } } };
    const triage = rulesFor(policy, 'medical_triage').bands;
    expect(bandOf(0.96, triage)).toBe('human_review');
    expect(bandOf(0.96, rulesFor(policy, 'refund').bands)).toBe('auto_approve');
  });

  it('equal edges empty a band: autoApprove 1 turns auto-approval off', () => {
    expect(bandOf(1, { autoApprove: 1, autoApproveAudit: 0.9, humanReview: 0.7 })).toBe('auto_approve_audit');
  });

  it('is monotone: a higher score never lands in a less trusted band', () => {
    const rank = (b: Band) => ['senior_review', 'human_review', 'auto_approve_audit', 'auto_approve'].indexOf(b);
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const edges = fc
      .tuple(unit, unit, unit)
      .map((xs) => xs.sort((a, b) => b - a))
      .map(([autoApprove, autoApproveAudit, humanReview]) => ({ autoApprove, autoApproveAudit, humanReview }));
    fc.assert(
      fc.property(unit, unit, edges, (a, b, e) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return rank(bandOf(hi, e)) >= rank(bandOf(lo, e));
      }),
    );
  });
});
