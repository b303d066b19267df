import { Topics, type Tier } from '@hitl/contracts';
import { loadPolicy } from '@hitl/policy';
import { openCase, type Transition } from '../case/open-case';
import type { CaseOutput } from '../case/outputs';
import type { ReviewCase } from '../case/review-case';
import { decision, scored } from '../fixtures.test-helper';
import { decide } from './decide';
import { escalate } from './escalate';

const policy = loadPolicy();
const now = new Date('2026-01-01T00:10:00.000Z');

function open(id: string, category: string, overall = 0.8, band: 'human_review' | 'auto_approve_audit' = 'human_review'): ReviewCase {
  const t = openCase(scored(id, { overall, band, category }), policy, now);
  if (!t.applied) throw new Error(t.why);
  return t.case;
}

function applied(t: Transition): { case: ReviewCase; outputs: CaseOutput[] } {
  if (!t.applied) throw new Error(`refused: ${t.why}`);
  return t;
}

const topics = (t: Transition) => (t.applied ? t.outputs.map((o) => o.topic) : []);

describe('a single approver', () => {
  it('approves in one action: the AI recommendation becomes the decision', () => {
    const t = applied(decide(open('s1', 'refund'), decision('s1', 'ann', 'support_lead', 'approve'), policy, now));
    expect(t.case.state).toBe('finalized');
    expect(t.outputs).toEqual([expect.objectContaining({ topic: Topics.DecisionFinalized, data: expect.objectContaining({ outcome: 'approve', decidedBy: 'human', approvers: [{ reviewerId: 'ann', role: 'support_lead' }], tier: 'single_approver' }) })]);
  });

  it('with the AI–human disagreement off for the tier: an override with a reason is final (no arbiter in a low-risk tier)', () => {
    const lenient = loadPolicy(undefined, {});
    lenient.arbitration.aiDisagreementTiers = [];
    const c = openCase(scored('s2', { overall: 0.8, band: 'human_review', category: 'refund' }), lenient, now);
    if (!c.applied) throw new Error(c.why);
    const t = applied(decide(c.case, decision('s2', 'ann', 'support_lead', 'override'), lenient, now));
    expect(t.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'deny' } });
  });

  it('the default policy has the AI–human disagreement on in single_approver (the guide): an override goes to a second person who took no part, and theirs is final', () => {
    const strict = loadPolicy(undefined, {});
    expect(strict.arbitration.aiDisagreementTiers).toEqual(['single_approver']);
    const c = openCase(scored('s2b', { overall: 0.8, band: 'human_review', category: 'refund' }), strict, now);
    if (!c.applied) throw new Error(c.why);
    // Agreeing with the AI is final at once.
    expect(applied(decide(c.case, decision('s2b', 'ann', 'support_lead', 'approve'), strict, now)).case.state).toBe('finalized');
    const overridden = applied(decide(c.case, decision('s2b', 'ann', 'support_lead', 'override'), strict, now));
    expect(overridden.case.state).toBe('awaiting_arbiter');
    expect(overridden.outputs).toEqual([
      expect.objectContaining({ topic: Topics.ReviewRequested, data: expect.objectContaining({ reason: 'disagreement', disagreement: 'ai_override', eligibleRoles: expect.arrayContaining(['support_lead', 'senior_reviewer']), explanation: expect.stringMatching(/ann overrode the AI .*second person/) }) }),
    ]);
    // Not the overrider again; another person's decision is final (here: they side with the AI).
    expect(decide(overridden.case, { ...decision('s2b', 'ann', 'support_lead', 'approve'), decisionId: 'again' }, strict, now).applied).toBe(false);
    const second = applied(decide(overridden.case, { ...decision('s2b', 'bob', 'support_lead', 'approve'), decisionId: 'd-bob' }, strict, now));
    expect(second.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'approve', decidedBy: 'human' } });
  });

  it('the second look: backing the override is final; a third answer (neither the AI nor the override) goes to a senior arbiter, whose word is final', () => {
    const strict = loadPolicy(undefined, {});
    const c = openCase(scored('s2c', { overall: 0.8, band: 'human_review', category: 'refund' }), strict, now);
    if (!c.applied) throw new Error(c.why);
    const overridden = applied(decide(c.case, decision('s2c', 'ann', 'support_lead', 'override', { outcome: 'deny' }), strict, now));
    // The second person backs the override: final, the AI was wrong.
    const backed = applied(decide(overridden.case, decision('s2c', 'bob', 'support_lead', 'override', { outcome: 'deny' }), strict, now));
    expect(backed.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'deny', decidedBy: 'human' } });
    // A third answer: to an arbiter who took no part (not ann, not bob).
    const third = applied(decide(overridden.case, decision('s2c', 'bob', 'support_lead', 'override', { outcome: 'partial_refund' }), strict, now));
    expect(third.case.state).toBe('awaiting_arbiter');
    expect(third.outputs).toEqual([expect.objectContaining({ topic: Topics.ReviewRequested, data: expect.objectContaining({ reason: 'disagreement', disagreement: 'reviewers', eligibleRoles: strict.arbitration.roles, explanation: expect.stringMatching(/three answers \(the AI approve, ann deny, bob partial_refund\)/) }) })]);
    expect(decide(third.case, decision('s2c', 'ann', 'senior_reviewer', 'approve'), strict, now).applied).toBe(false);
    const arbiter = applied(decide(third.case, decision('s2c', 'cy', 'senior_reviewer', 'approve'), strict, now));
    expect(arbiter.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'approve', decidedBy: 'human' } });
    // The arbiter of the reviewers' disagreement decides even with a fourth answer.
    const fourth = applied(decide(third.case, decision('s2c', 'cy', 'senior_reviewer', 'override', { outcome: 'store_credit' }), strict, now));
    expect(fourth.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'store_credit' } });
  });

  it('with two confirmations: an override stands once two more people give its answer; a split goes to a senior arbiter', () => {
    const strict = loadPolicy(undefined, {});
    const two = { ...strict, arbitration: { ...strict.arbitration, overturnConfirmations: 2 } };
    const c = openCase(scored('s2k', { overall: 0.8, band: 'human_review', category: 'refund' }), two, now);
    if (!c.applied) throw new Error(c.why);
    const overridden = applied(decide(c.case, decision('s2k', 'ann', 'support_lead', 'override', { outcome: 'deny' }), two, now));
    const once = applied(decide(overridden.case, decision('s2k', 'bob', 'support_lead', 'override', { outcome: 'deny' }), two, now));
    // One confirmation of two: a third person, who took no part.
    expect(once.case.state).toBe('awaiting_arbiter');
    expect(once.outputs).toEqual([expect.objectContaining({ topic: Topics.ReviewRequested, data: expect.objectContaining({ reason: 'disagreement', disagreement: 'ai_override', explanation: expect.stringMatching(/bob deny backed ann's override \(deny\): one more person/) }) })]);
    expect(decide(once.case, decision('s2k', 'bob', 'support_lead', 'override', { outcome: 'deny' }), two, now).applied).toBe(false);
    const twice = applied(decide(once.case, decision('s2k', 'cy', 'support_lead', 'override', { outcome: 'deny' }), two, now));
    expect(twice.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'deny', decidedBy: 'human' } });
    // A split (two rejected the AI, one backs it): a senior arbiter decides.
    const split = applied(decide(once.case, decision('s2k', 'cy', 'support_lead', 'approve'), two, now));
    expect(split.outputs).toEqual([expect.objectContaining({ topic: Topics.ReviewRequested, data: expect.objectContaining({ disagreement: 'reviewers', eligibleRoles: strict.arbitration.roles, explanation: expect.stringMatching(/^a split/) }) })]);
    const arbiter = applied(decide(split.case, decision('s2k', 'dee', 'senior_reviewer', 'approve'), two, now));
    expect(arbiter.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'approve' } });
    // Backing the AI before anyone confirmed: final, as with one confirmation.
    const backed = applied(decide(overridden.case, decision('s2k', 'bob', 'support_lead', 'approve'), two, now));
    expect(backed.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'approve', decidedBy: 'human' } });
  });

  it('keeps the decision of a role not eligible yet, and applies it when an escalation adds the role', () => {
    // The review service saw the escalation first and let the on-call manager act; routing reads
    // the two topics in separate groups and sees the decision first.
    const early = decision('s3', 'jordan', 'on_call_manager', 'approve');
    const kept = applied(decide(open('s3', 'refund'), early, policy, now));
    expect(kept.outputs).toEqual([]);
    expect(kept.case.state).toBe('awaiting_review');
    expect(kept.case.history.at(-1)).toMatchObject({ what: expect.stringMatching(/not among the eligible roles .* yet: kept/) });
    // The same decision again is a duplicate.
    expect(decide(kept.case, early, policy, now).applied).toBe(false);
    // An escalation to another role re-routes and keeps waiting; the one adding the role decides.
    const first = applied(escalate(kept.case, { caseId: 's3', level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: now.toISOString() }, policy, now));
    expect(first.outputs.map((o) => o.topic)).toEqual([Topics.ReviewRequested]);
    expect(first.case.parked).toHaveLength(1);
    const added = applied(escalate(first.case, { caseId: 's3', level: 2, escalateTo: 'on_call_manager', reason: 'timeout', firedAt: now.toISOString() }, policy, now));
    expect(added.outputs.map((o) => o.topic)).toEqual([Topics.ReviewRequested, Topics.DecisionFinalized]);
    expect(added.case).toMatchObject({ state: 'finalized', votes: [expect.objectContaining({ reviewerId: 'jordan', role: 'on_call_manager' })] });
    expect(added.case.parked).toBeUndefined();
  });

  it('keeps at most ten such decisions: a flood of them is refused and recorded', () => {
    let c = open('s4', 'refund');
    for (let i = 0; i < 10; i++) c = applied(decide(c, { ...decision('s4', `r${i}`, 'director', 'approve'), decisionId: `d${i}` }, policy, now)).case;
    const t = decide(c, { ...decision('s4', 'r10', 'director', 'approve'), decisionId: 'd10' }, policy, now);
    expect(t.applied).toBe(false);
    expect(t.case.history.at(-1)).toMatchObject({ refused: true, what: expect.stringMatching(/not among the eligible roles/) });
  });
});

describe('dual approval', () => {
  const dual = () => open('d1', 'large_refund');

  it('needs two distinct approvers who agree', () => {
    const first = applied(decide(dual(), decision('d1', 'mia', 'manager', 'approve'), policy, now));
    expect(first.case.state).toBe('awaiting_second_approval');
    expect(first.outputs).toEqual([]);
    const second = applied(decide(first.case, decision('d1', 'carl', 'compliance_officer', 'approve'), policy, now));
    expect(second.case.state).toBe('finalized');
    expect(second.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { approvers: [{ reviewerId: 'mia' }, { reviewerId: 'carl' }] } });
  });

  it("the guide's quorum: one manager and one compliance officer, not two managers", () => {
    const c = dual();
    expect(c.request!.requiredRoles).toEqual(['manager', 'compliance_officer']);
    const first = applied(decide(c, decision('d1', 'mia', 'manager', 'approve'), policy, now));
    expect(first.case.history.at(-1)!.what).toBe('mia voted approve; 1 more needed, from compliance_officer');
    expect(decide(first.case, decision('d1', 'max', 'manager', 'approve'), policy, now)).toMatchObject({ applied: false, why: 'max (manager) cannot give this approval: the quorum still needs compliance_officer' });
    const second = applied(decide(first.case, decision('d1', 'carl', 'compliance_officer', 'approve'), policy, now));
    expect(second.case.state).toBe('finalized');
  });

  it('an escalation target that must decide joins the quorum: a fraud case escalated to the senior investigator is not decided without them', () => {
    const c = dual();
    const fired = { caseId: 'd1', level: 1, escalateTo: 'senior_investigator', reason: 'critical' as const, firedAt: now.toISOString() };
    const escalated = applied(escalate(c, fired, policy, now)).case;
    expect(escalated.request!.requiredRoles).toEqual(['manager', 'compliance_officer', 'senior_investigator']);
    let x = applied(decide(escalated, decision('d1', 'mia', 'manager', 'approve'), policy, now)).case;
    x = applied(decide(x, decision('d1', 'carl', 'compliance_officer', 'approve'), policy, now)).case;
    // Two approvals, as the tier asks, but not the investigator's: still open, and only they may vote now.
    expect(x.state).toBe('awaiting_second_approval');
    expect(decide(x, decision('d1', 'max', 'manager', 'approve'), policy, now)).toMatchObject({ applied: false, why: expect.stringMatching(/the quorum still needs senior_investigator/) });
    const done = applied(decide(x, decision('d1', 'ivy', 'senior_investigator', 'approve'), policy, now));
    expect(done.case.state).toBe('finalized');
    expect(done.outputs[0].data).toMatchObject({ approvers: [{ reviewerId: 'mia' }, { reviewerId: 'carl' }, { reviewerId: 'ivy' }] });
    // A timeout only widens who may act.
    const timeout = applied(escalate(c, { ...fired, reason: 'timeout', escalateTo: 'team_lead' }, policy, now)).case;
    expect(timeout.request!.requiredRoles).toEqual(['manager', 'compliance_officer']);
  });

  it('refuses the same reviewer twice', () => {
    const first = applied(decide(dual(), decision('d1', 'mia', 'manager', 'approve'), policy, now));
    const again = decide(first.case, decision('d1', 'mia', 'manager', 'approve'), policy, now);
    expect(again).toMatchObject({ applied: false, why: 'mia cannot give both approvals' });
  });

  it('ignores a duplicated decision', () => {
    const d = decision('d1', 'mia', 'manager', 'approve');
    const first = applied(decide(dual(), d, policy, now));
    expect(decide(first.case, d, policy, now)).toMatchObject({ applied: false, why: expect.stringMatching(/duplicate/) });
  });

  it('sends a disagreement to a senior arbiter who took no part; the arbiter decides', () => {
    const first = applied(decide(dual(), decision('d1', 'mia', 'manager', 'approve'), policy, now));
    const split = applied(decide(first.case, decision('d1', 'carl', 'compliance_officer', 'override'), policy, now));
    expect(split.case.state).toBe('awaiting_arbiter');
    expect(split.outputs[0]).toMatchObject({ topic: Topics.ReviewRequested, data: { reason: 'disagreement', disagreement: 'reviewers', eligibleRoles: ['senior_reviewer'], requiredApprovals: 1 } });
    expect(decide(split.case, decision('d1', 'mia', 'senior_reviewer', 'approve'), policy, now)).toMatchObject({ applied: false, why: 'mia cannot arbitrate a disagreement they are part of' });
    const final = applied(decide(split.case, decision('d1', 'sam', 'senior_reviewer', 'override'), policy, now));
    // Those who backed the outcome, apart from the one who was outvoted.
    expect(final.outputs[0]).toMatchObject({ topic: Topics.DecisionFinalized, data: { outcome: 'deny', approvers: [{ reviewerId: 'carl' }, { reviewerId: 'sam' }], dissenters: [{ reviewerId: 'mia', role: 'manager' }] } });
    expect(final.case.history.at(-1)!.what).toMatch(/carl and sam backed deny; mia dissented/);
    // An agreeing quorum has no dissenters.
    const agreed = applied(decide(first.case, decision('d1', 'carl', 'compliance_officer', 'approve'), policy, now));
    expect(agreed.outputs[0].data).not.toHaveProperty('dissenters');
  });

  it('sends an override of a confident AI in a high-risk tier to an arbiter even when the approvers agree', () => {
    const confident = open('d2', 'large_refund', 0.9, 'auto_approve_audit');
    const first = applied(decide(confident, decision('d2', 'mia', 'manager', 'override'), policy, now));
    const second = applied(decide(first.case, decision('d2', 'carl', 'compliance_officer', 'override'), policy, now));
    expect(second.case.state).toBe('awaiting_arbiter');
    expect(second.outputs[0]).toMatchObject({ topic: Topics.ReviewRequested, data: { reason: 'disagreement', disagreement: 'confident_ai' } });
  });
});

describe('request more info (the collaborative pattern)', () => {
  it('goes back to the producer, takes the refined prediction into the same case, and escalates past the maximum rounds', () => {
    let c = open('r1', 'refund');
    for (let round = 1; round < 3; round++) {
      const asked = applied(decide(c, decision('r1', 'ann', 'support_lead', 'request_info', { round }), policy, now));
      expect(asked.case.state).toBe('awaiting_revision');
      expect(asked.outputs[0]).toMatchObject({ topic: 'revision.requested', data: { round, maxRounds: 3 } });
      expect(openCase(scored('r1', { round: round + 2 }), policy, now, asked.case).applied).toBe(false); // skipping a round is refused
      const refined = applied(openCase(scored('r1', { round: round + 1, overall: 0.8 }), policy, now, asked.case));
      expect(refined.case).toMatchObject({ state: 'awaiting_review', round: round + 1 });
      expect(refined.outputs[0]).toMatchObject({ topic: Topics.ReviewRequested, data: { reason: 'revision', round: round + 1 } });
      c = refined.case;
    }
    const past = applied(decide(c, decision('r1', 'ann', 'support_lead', 'request_info', { round: 3 }), policy, now));
    expect(past.outputs[0]).toMatchObject({ topic: Topics.ReviewRequested, data: { reason: 'max_rounds', tier: 'dual_approval' satisfies Tier } });
    expect((past.outputs[0].data as { eligibleRoles: string[] }).eligibleRoles).toContain('senior_reviewer');
  });
});

describe('a finalized case', () => {
  it('records a late decision and a late escalation without applying them', () => {
    const done = applied(decide(open('f1', 'refund'), decision('f1', 'ann', 'support_lead', 'approve'), policy, now)).case;
    const late = decide(done, decision('f1', 'ben', 'account_manager', 'override'), policy, now);
    expect(late.applied).toBe(false);
    expect(topics(late)).toEqual([]);
    expect(escalate(late.case, { caseId: 'f1', level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: now.toISOString() }, policy, now).applied).toBe(false);
  });
});

describe('escalation', () => {
  it('lets the named role act and raises the priority; the same level twice is a duplicate', () => {
    const c = open('e1', 'refund');
    const fired = { caseId: 'e1', level: 1, escalateTo: 'team_lead', reason: 'timeout' as const, firedAt: now.toISOString() };
    const t = applied(escalate(c, fired, policy, now));
    expect(t.outputs[0]).toMatchObject({ topic: Topics.ReviewRequested, data: { reason: 'escalation', eligibleRoles: ['support_lead', 'account_manager', 'team_lead'] } });
    expect((t.outputs[0].data as { priority: number }).priority).toBeGreaterThan(c.request!.priority);
    expect(escalate(t.case, fired, policy, now).applied).toBe(false);
    expect(applied(decide(t.case, decision('e1', 'tl', 'team_lead', 'approve'), policy, now)).case.state).toBe('finalized');
  });

  it("says when the ladder takes its next step, and to whom, apart from the tier's limit: 30 min to the team lead at first, then what the escalation service said", () => {
    const c = open('e3', 'refund');
    // Single approval: its limit is 60 minutes; the ladder's first rung is at 30.
    expect(c.request).toMatchObject({ dueAt: new Date(now.getTime() + 60 * 60_000).toISOString(), escalatesAt: new Date(now.getTime() + 30 * 60_000).toISOString(), escalatesTo: 'team_lead' });
    const second = new Date(now.getTime() + 60 * 60_000).toISOString();
    const first = applied(escalate(c, { caseId: 'e3', level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: now.toISOString(), dueAt: second }, policy, now));
    expect(first.case.request).toMatchObject({ dueAt: c.request!.dueAt, escalatesAt: second, escalatesTo: 'department_head' });
    expect(first.outputs[0].data).toMatchObject({ dueAt: c.request!.dueAt, escalatesAt: second, escalatesTo: 'department_head' });
    // Past the last rung: no next step.
    const last = applied(escalate(first.case, { caseId: 'e3', level: 3, escalateTo: 'on_call_manager', reason: 'timeout', firedAt: now.toISOString() }, policy, now));
    expect(last.case.request).not.toHaveProperty('escalatesAt');
    expect(last.outputs[0].data).not.toHaveProperty('escalatesAt');
  });

  it.each(['disagreement', 'max_rounds'] as const)('only records a %s escalation: its higher review is the request already open', (reason) => {
    const c = open('e2', 'refund');
    const t = applied(escalate(c, { caseId: 'e2', level: 1, escalateTo: 'senior_reviewer', reason, firedAt: now.toISOString() }, policy, now));
    expect(t.outputs).toEqual([]);
    expect({ request: t.case.request, level: t.case.escalationLevel }).toEqual({ request: c.request, level: c.escalationLevel });
    expect(t.case.history.at(-1)).toMatchObject({ what: `escalation recorded: ${reason}, to senior_reviewer` });
    // The ladder's first rung still re-routes afterwards.
    expect(applied(escalate(t.case, { caseId: 'e2', level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: now.toISOString() }, policy, now)).outputs).toHaveLength(1);
  });
});
