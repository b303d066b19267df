import { loadPolicy } from '@hitl/policy';
import { openCase, type Transition } from '../case/open-case';
import type { ReviewCase } from '../case/review-case';
import { decide } from '../decide/decide';
import { decision, scored } from '../fixtures.test-helper';
import { refusedPrediction } from './case-processor';

const policy = loadPolicy();
const now = new Date('2026-01-06T10:00:00.000Z');
const applied = (t: Transition) => {
  if (!t.applied) throw new Error(`refused: ${t.why}`);
  return t;
};
const open = (id: string): ReviewCase => applied(openCase(scored(id, { category: 'refund' }), policy, now)).case;

describe('a prediction for a case that exists (nothing dropped in silence)', () => {
  it('an exact copy is a duplicate, however its fields are ordered, in any state', () => {
    const c = open('p1');
    const again = scored('p1', { category: 'refund' });
    expect(refusedPrediction(c, again)).toBe('duplicate');
    const reordered = { ...again, prediction: Object.fromEntries(Object.entries(again.prediction).reverse()) } as typeof again;
    expect(refusedPrediction(c, reordered)).toBe('duplicate');
    const done = applied(decide(c, decision('p1', 'ann', 'support_lead', 'approve'), policy, now)).case;
    expect(done.state).toBe('finalized');
    expect(refusedPrediction(done, again)).toBe('duplicate');
  });

  it('a changed prediction after the final decision: PREDICTION_ALREADY_DECIDED', () => {
    const done = applied(decide(open('p2'), decision('p2', 'ann', 'support_lead', 'approve'), policy, now)).case;
    expect(refusedPrediction(done, scored('p2', { category: 'refund', recommendation: 'deny' }))).toMatchObject({ code: 'PREDICTION_ALREADY_DECIDED', message: expect.stringMatching(/finalized \(approve\); a changed prediction needs a new prediction id/) });
  });

  it('a changed prediction with the id of one being decided: PREDICTION_ID_REUSED', () => {
    expect(refusedPrediction(open('p3'), scored('p3', { category: 'refund', recommendation: 'deny' }))).toMatchObject({ code: 'PREDICTION_ID_REUSED' });
  });

  it('a revision round nobody asked for, or one skipped: REVISION_NOT_REQUESTED; an older round: STALE_ROUND; the round asked for is taken', () => {
    const c = open('p4');
    expect(refusedPrediction(c, scored('p4', { category: 'refund', round: 2 }))).toMatchObject({ code: 'REVISION_NOT_REQUESTED', message: expect.stringMatching(/awaiting_review in round 1/) });
    const asked = applied(decide(c, decision('p4', 'ann', 'support_lead', 'request_info', { round: 1 }), policy, now)).case;
    expect(asked.state).toBe('awaiting_revision');
    expect(refusedPrediction(asked, scored('p4', { category: 'refund', round: 3 }))).toMatchObject({ code: 'REVISION_NOT_REQUESTED', message: expect.stringMatching(/round 2 is the one asked for/) });
    expect(refusedPrediction(asked, scored('p4', { category: 'refund', round: 2 }))).toBeUndefined();
    const refined = applied(openCase(scored('p4', { category: 'refund', round: 2, overall: 0.8 }), policy, now, asked)).case;
    expect(refusedPrediction(refined, scored('p4', { category: 'refund', round: 1, recommendation: 'deny' }))).toMatchObject({ code: 'STALE_ROUND' });
  });
});
