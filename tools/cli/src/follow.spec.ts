import { DlqHeaders, exampleOf, parseEvent, Topics } from '@hitl/contracts';
import { atFirstStop, describeStop, observe } from './follow';
import { GUIDE_EXAMPLES, guidePrediction, mismatches, type Observation } from './guide-examples';

const rec = (value: unknown, key: string | null = null, headers: Record<string, string> = {}) => ({ key, value: Buffer.from(JSON.stringify(value)), headers });
const all = () => true;

function scored(id: string, overall: number, band: 'auto_approve' | 'auto_approve_audit' | 'human_review' | 'senior_review', triggers: string[] = []) {
  const event = exampleOf(Topics.PredictionScored);
  return {
    ...event,
    prediction: { ...event.prediction, predictionId: id, category: 'refund', value: 35, currency: 'USD', round: 1 },
    score: { ...event.score, overall, band },
    triggers: triggers.map((name) => ({ kind: 'critical_flag' as const, name })),
  };
}
const finalized = (id: string, extra: object = {}) => ({ ...exampleOf(Topics.DecisionFinalized), caseId: id, predictionId: id, decidedBy: 'auto', approvers: [], band: 'auto_approve', tier: 'single_approver', outcome: 'approve', latencyMs: 412, ...extra });
const requested = (id: string, extra: object = {}) => ({ ...exampleOf(Topics.ReviewRequested), caseId: id, predictionId: id, ...extra });

describe('following predictions to their first stop', () => {
  it('an auto-approval reads as what it was, how sure, where it went and how fast', () => {
    const seen = new Map<string, Observation>();
    observe(seen, Topics.DecisionFinalized, rec(finalized('p1')), all);
    expect(atFirstStop(seen.get('p1')!)).toBe(false); // the score has not arrived yet
    const obs = observe(seen, Topics.PredictionScored, rec(scored('p1', 0.981, 'auto_approve')), all)!;
    expect(atFirstStop(obs)).toBe(true);
    expect(describeStop(obs)).toBe('p1  refund $35 · 0.981 auto_approve → single_approver: approve by AI in 0.41 s');
  });

  it('the audit band says it was logged, and sampled when it was', () => {
    const seen = new Map<string, Observation>();
    observe(seen, Topics.PredictionScored, rec(scored('p2', 0.9, 'auto_approve_audit')), all);
    const obs = observe(seen, Topics.DecisionFinalized, rec(finalized('p2', { band: 'auto_approve_audit', auditSampled: true })), all)!;
    expect(describeStop(obs)).toMatch(/approve by AI in 0\.41 s, logged and sampled for audit$/);
  });

  it('the audit request of a sampled auto-approval is not where the case went, whichever arrives first', () => {
    const seen = new Map<string, Observation>();
    observe(seen, Topics.PredictionScored, rec(scored('p5', 0.9, 'auto_approve_audit')), all);
    expect(observe(seen, Topics.ReviewRequested, rec(requested('p5', { reason: 'audit' })), all)).toBeUndefined();
    const obs = observe(seen, Topics.DecisionFinalized, rec(finalized('p5', { band: 'auto_approve_audit', auditSampled: true })), all)!;
    expect(obs.review).toBeUndefined();
    expect(describeStop(obs)).toMatch(/approve by AI/);
  });

  it('a review names the tier, the roles, the quorum, the priority, the due time and the reason', () => {
    const seen = new Map<string, Observation>();
    observe(seen, Topics.PredictionScored, rec(scored('p3', 0.593, 'senior_review', ['fraud_suspected'])), all);
    const request = requested('p3', { tier: 'dual_approval', eligibleRoles: ['manager', 'compliance_officer'], requiredApprovals: 2, priority: 90, dueAt: '2026-01-06T11:15:00.000Z', reason: 'critical_flag' });
    const obs = observe(seen, Topics.ReviewRequested, rec(request), all)!;
    expect(describeStop(obs)).toBe('p3  refund $35 · 0.593 senior_review [fraud_suspected] → dual_approval: review by manager|compliance_officer (2 approvals, priority 90, due 11:15 UTC, critical_flag)');
    // The second approver's request is not the first stop.
    observe(seen, Topics.ReviewRequested, rec({ ...request, tier: 'executive_review', reason: 'disagreement' }), all);
    expect(seen.get('p3')!.review!.tier).toBe('dual_approval');
  });

  it('ignores other predictions, other topics and undecodable records, and reports dead letters', () => {
    const seen = new Map<string, Observation>();
    expect(observe(seen, Topics.PredictionScored, rec(scored('other', 0.9, 'auto_approve_audit')), (id) => id === 'mine')).toBeUndefined();
    expect(observe(seen, Topics.PredictionScored, { key: null, value: Buffer.from('{not json'), headers: {} }, all)).toBeUndefined();
    expect(observe(seen, Topics.FeedbackCaptured, rec({ predictionId: 'mine' }), all)).toBeUndefined();
    const dead = observe(seen, 'prediction.submitted.dlq', rec('x', 'mine', { [DlqHeaders.errorCode]: 'INVALID_EVENT', [DlqHeaders.error]: 'probability: Too big' }), (id) => id === 'mine')!;
    expect(atFirstStop(dead)).toBe(true);
    expect(describeStop(dead)).toBe('mine  ✗ dead-lettered (INVALID_EVENT: probability: Too big)');
    expect(seen.size).toBe(1);
  });
});

describe('checking a guide example against what the platform did', () => {
  const example = GUIDE_EXAMPLES.find((e) => e.key === 'fraud-indicators')!;
  const landed: Observation = {
    predictionId: 'x',
    band: 'senior_review',
    triggers: ['fraud_suspected'],
    review: { tier: 'dual_approval', eligibleRoles: ['senior_reviewer', 'manager', 'compliance_officer'], requiredApprovals: 2, reason: 'critical_flag', priority: 90, dueAt: '2026-01-06T11:15:00.000Z' },
  };

  it('accepts the guide outcome (roles in any order)', () => {
    expect(mismatches(example.expect, landed)).toEqual([]);
  });

  it.each<[string, Partial<Observation>, RegExp]>([
    ['another band', { band: 'human_review' }, /^band human_review, guide: senior_review$/],
    ['another tier', { review: { ...landed.review!, tier: 'single_approver' } }, /^tier single_approver, guide: dual_approval$/],
    ['another route', { review: undefined, finalized: { outcome: 'approve', decidedBy: 'auto', tier: 'dual_approval', band: 'senior_review', latencyMs: 5 } }, /^route auto, guide: review$/],
    ['fewer roles', { review: { ...landed.review!, eligibleRoles: ['manager'] } }, /^roles manager, guide: manager\|compliance_officer\|senior_reviewer$/],
    ['one approval', { review: { ...landed.review!, requiredApprovals: 1 } }, /^approvals 1, guide: 2$/],
    ['no trigger', { triggers: [] }, /^triggers none, guide: fraud_suspected$/],
    ['a dead letter', { dead: 'INVALID_EVENT: x' }, /^dead-lettered: INVALID_EVENT: x$/],
  ])('names %s', (_what, change, problem) => {
    expect(mismatches(example.expect, { ...landed, ...change })).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('every example is a valid prediction with a unique key, and its confidence is where its expected band says', () => {
    expect(new Set(GUIDE_EXAMPLES.map((e) => e.key)).size).toBe(GUIDE_EXAMPLES.length);
    const edges = { auto_approve: [0.95, 1.02], auto_approve_audit: [0.85, 0.95], human_review: [0.7, 0.85], senior_review: [0, 0.7] } as const;
    for (const e of GUIDE_EXAMPLES) {
      const p = guidePrediction(e, 'run');
      expect(p.predictionId).toBe(`guide-run-${e.key}`);
      expect(() => parseEvent(Topics.PredictionSubmitted, p)).not.toThrow();
      // Every required field is present, so input quality is 1; the producer sends the other two.
      const overall = 0.3 * p.probability + 0.3 * p.signals!.trainingDataCoverage! + 0.2 * 1 + 0.2 * (1 - p.signals!.edgeCaseIndicators!);
      const [lo, hi] = edges[e.expect.band];
      // At least 0.01 inside its band: the example shows the band, not an edge case of rounding.
      expect({ key: e.key, inBand: overall >= lo + 0.01 && overall < hi - 0.01 }).toEqual({ key: e.key, inBand: true });
    }
  });
});
