import { exampleOf, Topics, type EventOf } from '@hitl/contracts';
import type { PredictionScored } from '../routing/case/review-case';
import { casesFrom, type Recording } from './record';

const scored = (caseId: string, round = 1, recommendation = 'approve'): PredictionScored => {
  const base = exampleOf(Topics.PredictionScored);
  return { ...base, prediction: { ...base.prediction, predictionId: caseId, round, recommendation } };
};
const requested = (caseId: string, reason: EventOf<typeof Topics.ReviewRequested>['reason'], tier: EventOf<typeof Topics.ReviewRequested>['tier'] = 'single_approver', round = 1): EventOf<typeof Topics.ReviewRequested> => ({
  ...exampleOf(Topics.ReviewRequested),
  caseId,
  predictionId: caseId,
  reason,
  tier,
  round,
  requiredApprovals: tier === 'dual_approval' ? 2 : 1,
});
const finalized = (caseId: string, decidedBy: 'auto' | 'human', outcome: string, extra: Partial<EventOf<typeof Topics.DecisionFinalized>> = {}): EventOf<typeof Topics.DecisionFinalized> => ({
  ...exampleOf(Topics.DecisionFinalized),
  caseId,
  predictionId: caseId,
  decidedBy,
  outcome,
  approvers: decidedBy === 'auto' ? [] : [{ reviewerId: 'ann', role: 'support_lead' }],
  ...extra,
});
const feedback = (caseId: string, humanDecision: string): EventOf<typeof Topics.FeedbackCaptured> => ({ ...exampleOf(Topics.FeedbackCaptured), caseId, predictionId: caseId, humanDecision });
const fired = (caseId: string, level: number, reason: EventOf<typeof Topics.EscalationFired>['reason']): EventOf<typeof Topics.EscalationFired> => ({ ...exampleOf(Topics.EscalationFired), caseId, level, reason });

const empty = (): Recording => ({ scored: [], requested: [], finalized: [], feedback: [], escalations: [] });

describe('recorded cases from the events read', () => {
  it('an audited auto-approval: route auto, the audit verdict is its outcome', () => {
    const r = { ...empty(), scored: [scored('a1')], finalized: [finalized('a1', 'auto', 'approve', { tier: 'single_approver', auditSampled: true })], requested: [requested('a1', 'audit')], feedback: [feedback('a1', 'deny')] };
    expect(casesFrom(r)).toEqual([{ caseId: 'a1', scored: scored('a1'), live: { route: 'auto', tier: 'single_approver', auditSampled: true, escalations: [] }, outcome: { value: 'deny', source: 'audit' } }]);
  });

  it('an auto-approval nobody audited has no outcome', () => {
    const [c] = casesFrom({ ...empty(), scored: [scored('a2')], finalized: [finalized('a2', 'auto', 'approve', { tier: 'automatic' })] });
    expect(c).toEqual({ caseId: 'a2', scored: scored('a2'), live: { route: 'auto', tier: 'automatic', auditSampled: false, escalations: [] } });
  });

  it('a case people decided: the first request gives the tier, the final decision the outcome, escalations are kept', () => {
    const r = {
      ...empty(),
      scored: [scored('h1')],
      requested: [requested('h1', 'band', 'dual_approval'), requested('h1', 'escalation', 'dual_approval'), requested('h1', 'disagreement', 'dual_approval')],
      escalations: [fired('h1', 1, 'timeout'), fired('h1', 2, 'timeout')],
      finalized: [finalized('h1', 'human', 'deny', { tier: 'dual_approval' })],
      feedback: [feedback('h1', 'deny'), feedback('h1', 'approve')],
    };
    expect(casesFrom(r)[0]).toMatchObject({
      live: { route: 'human', tier: 'dual_approval', requiredApprovals: 2, escalations: [{ level: 1, reason: 'timeout' }, { level: 2, reason: 'timeout' }] },
      outcome: { value: 'deny', source: 'human_decision' },
    });
  });

  it('a case waiting for people is human without an outcome; one with nothing recorded after scoring is undecided', () => {
    const cases = casesFrom({ ...empty(), scored: [scored('w1'), scored('u1')], requested: [requested('w1', 'critical_flag', 'executive_review')] });
    expect(cases.map((c) => [c.caseId, c.live.route, c.live.tier, c.outcome])).toEqual([
      ['w1', 'human', 'executive_review', undefined],
      ['u1', 'undecided', undefined, undefined],
    ]);
  });

  it('keeps the latest round of a revised case (its first copy), and routes it by that round’s request', () => {
    const r = {
      ...empty(),
      scored: [scored('r1', 1, 'first'), scored('r1', 2, 'second'), scored('r1', 2, 'retry-copy')],
      requested: [requested('r1', 'band', 'dual_approval', 1), requested('r1', 'revision', 'single_approver', 2), requested('r1', 'max_rounds', 'dual_approval', 2)],
    };
    const [c] = casesFrom(r);
    expect(c.scored.prediction).toMatchObject({ round: 2, recommendation: 'second' });
    expect(c.live).toMatchObject({ route: 'human', tier: 'single_approver' });
  });

  it('leaves out events of cases whose prediction was not recorded', () => {
    expect(casesFrom({ ...empty(), finalized: [finalized('ghost', 'auto', 'approve')] })).toEqual([]);
  });
});
