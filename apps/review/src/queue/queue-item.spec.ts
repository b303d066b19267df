import { exampleOf, Topics } from '@hitl/contracts';
import { reviewRequest } from '../review-client.test-helper';
import { pastCaseOf } from '../cases/similar';
import { activeClaim, auditVerdictOf, finalOf, overturnsToConfirmOf, onDecided as onDecidedBy, onEscalated, onFinalized, onRequested, type QueueItem, type ReviewDecided } from './queue-item';

/** The policy's arbitration roles (an audit's arbiter after two different overturns). */
const onDecided = (item: QueueItem | undefined, e: ReviewDecided) => onDecidedBy(item, e, { roles: ['senior_reviewer'], overturnConfirmations: 1 });

const now = new Date('2026-01-06T10:00:00Z');
const open = (overrides: Parameters<typeof reviewRequest>[1] = {}) => onRequested(undefined, 'ev-1', reviewRequest('c1', overrides), now)!;
const vote = (reviewerId: string, action: ReviewDecided['action'] = 'approve', extra: Partial<ReviewDecided> = {}): ReviewDecided => ({
  caseId: 'c1',
  decisionId: `d-${reviewerId}-${action}`,
  reviewerId,
  role: 'manager',
  action,
  outcome: action === 'approve' ? 'approve' : action === 'override' ? 'deny' : undefined,
  reason: action === 'approve' ? undefined : 'because',
  agreesWithAi: action !== 'override',
  round: 1,
  startedAt: now.toISOString(),
  decidedAt: now.toISOString(),
  ...extra,
});

describe('the review read model', () => {
  it('opens a case from its first request and ignores the same event again', () => {
    const item = open();
    expect(item).toMatchObject({ _id: 'c1', status: 'open', round: 1, approvals: 0, voters: [], requests: [{ round: 1, reason: 'band' }] });
    expect(onRequested(item, 'ev-1', reviewRequest('c1'), now)).toBeUndefined();
  });

  it('a request in the shadow stage makes the case blind; assist and automate show the AI, and the latest request says which', () => {
    expect(open({ rollout: 'shadow' }).blind).toBe(true);
    expect(open({ rollout: 'assist' }).blind).toBe(false);
    expect(open().blind).toBe(false);
    const arbiter = onRequested(open({ rollout: 'shadow' }), 'ev-2', reviewRequest('c1', { reason: 'disagreement' }), now)!;
    expect(arbiter.blind).toBe(false);
  });

  it('dual approval: open after the first approval, deciding after the second; the same decision twice counts once', () => {
    let item: QueueItem = open({ tier: 'dual_approval', requiredApprovals: 2 });
    item = onDecided(item, vote('morgan'))!;
    expect(item).toMatchObject({ status: 'open', approvals: 1, voters: ['morgan'] });
    expect(onDecided(item, vote('morgan'))).toBeUndefined();
    item = onDecided(item, vote('casey'))!;
    expect(item).toMatchObject({ status: 'deciding', approvals: 2, voters: ['morgan', 'casey'] });
  });

  it('an arbiter request starts a new stage in the same round: approvals reset, voters kept', () => {
    let item: QueueItem = open({ requiredApprovals: 2 });
    item = onDecided(onDecided(item, vote('morgan'))!, vote('casey', 'override'))!;
    item = onRequested(item, 'ev-2', reviewRequest('c1', { reason: 'disagreement', requiredApprovals: 1, eligibleRoles: ['senior_reviewer'] }), now)!;
    expect(item).toMatchObject({ status: 'open', approvals: 0, voters: ['morgan', 'casey'], eligibleRoles: ['senior_reviewer'], reason: 'disagreement' });
  });

  it('request_info waits for the producer; the next round is new work for everyone', () => {
    let item: QueueItem = { ...open(), claim: { by: 'sam', name: 'Sam', at: now.toISOString(), until: '2026-01-06T10:10:00Z' } };
    item = onDecided(item, vote('sam', 'request_info'))!;
    expect(item).toMatchObject({ status: 'waiting_producer', claim: null });
    item = onRequested(item, 'ev-2', reviewRequest('c1', { round: 2, reason: 'revision' }), now)!;
    expect(item).toMatchObject({ status: 'open', round: 2, voters: [], approvals: 0, openedBy: {} });
    expect(item.requests.map((r) => r.round)).toEqual([1, 2]);
  });

  it('an audit of an auto-approval stays open after the final decision, and its verdict closes it', () => {
    let item: QueueItem = open({ reason: 'audit' });
    item = onFinalized(item, 'ev-fin', { ...exampleOf(Topics.DecisionFinalized), caseId: 'c1', decidedBy: 'auto', approvers: [] })!;
    expect(item).toMatchObject({ status: 'open', finalized: { decidedBy: 'auto' } });
    item = onDecided(item, vote('sam', 'override'))!;
    expect(item).toMatchObject({ status: 'finalized', approvals: 1, voters: ['sam'], claim: null });
  });

  it('an audit knows the auto-approval it checks from its request alone (no decision.finalized: the review app skips auto ones)', () => {
    const item = open({ reason: 'audit', recommendation: 'approve_refund' });
    expect(item).toMatchObject({ status: 'open', finalized: { outcome: 'approve_refund', decidedBy: 'auto', approvers: [] } });
    expect(item.finalized!.finalizedAt).toBe(item.requestedAt); // routing sends the audit with the decision, at the same time
  });

  it.each([
    ['approve', { upheld: true, outcome: 'approve_refund' }],
    ['override', { upheld: false, outcome: 'deny' }],
  ] as const)('an audit %s closes it; the final decision stays the AI\'s, and the case is a past case with the verdict', (action, audit) => {
    const item = onDecided(open({ reason: 'audit', recommendation: 'approve_refund' }), vote('sam', action, { outcome: audit.outcome }))!;
    expect(item).toMatchObject({ status: 'finalized', approvals: 1, voters: ['sam'], claim: null, finalized: { outcome: 'approve_refund', decidedBy: 'auto' } });
    expect(pastCaseOf(item)).toMatchObject({ caseId: 'c1', recommendation: 'approve_refund', outcome: 'approve_refund', decidedBy: 'auto', agreedWithAi: true, audit });
  });

  it("an audit whose overturn needs a second person's word: an approval closes it at once; an overturn opens it for someone else, whose word is the verdict", () => {
    const audit = () => open({ reason: 'audit', recommendation: 'approve_refund', confirmOverride: true });
    expect(onDecided(audit(), vote('sam', 'approve', { outcome: 'approve_refund' }))).toMatchObject({ status: 'finalized', approvals: 1 });
    const first = onDecided(audit(), vote('sam', 'override'))!;
    expect(first).toMatchObject({ status: 'open', approvals: 1, requiredApprovals: 2, voters: ['sam'] });
    expect(auditVerdictOf(first)).toBeUndefined();
    const confirmed = onDecided(first, vote('jamie', 'override'))!;
    expect(confirmed).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve_refund', decidedBy: 'auto' } });
    expect(auditVerdictOf(confirmed)).toMatchObject({ upheld: false, vote: { reviewerId: 'jamie' } });
    const upheld = onDecided(first, vote('jamie', 'approve', { outcome: 'approve_refund' }))!;
    expect(upheld.status).toBe('finalized');
    expect(auditVerdictOf(upheld)).toMatchObject({ upheld: true, vote: { reviewerId: 'jamie' } });
  });

  it('an audit whose two overturns give different answers waits for a senior arbiter who took no part, whose word is the verdict', () => {
    const first = onDecided(open({ reason: 'audit', recommendation: 'approve_refund', confirmOverride: true }), vote('sam', 'override', { outcome: 'deny_refund' }))!;
    // Two people each rejected the AI, on different grounds: weak evidence that it was wrong.
    const third = onDecided(first, vote('jamie', 'override', { outcome: 'partial_refund' }))!;
    expect(third).toMatchObject({ status: 'open', approvals: 2, requiredApprovals: 3, voters: ['sam', 'jamie'], eligibleRoles: ['senior_reviewer'] });
    expect(auditVerdictOf(third)).toBeUndefined();
    expect(overturnsToConfirmOf(third).map((v) => [v.reviewerId, v.outcome])).toEqual([['sam', 'deny_refund'], ['jamie', 'partial_refund']]);
    // The arbiter upholds the AI: the audit says it was right.
    const upheld = onDecided(third, vote('ria', 'approve', { outcome: 'approve_refund', role: 'senior_reviewer' }))!;
    expect(upheld).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve_refund', decidedBy: 'auto' } });
    expect(auditVerdictOf(upheld)).toMatchObject({ upheld: true, vote: { reviewerId: 'ria' } });
    expect(overturnsToConfirmOf(upheld)).toEqual([]);
    // Or rejects it, with either answer or a fourth: three people said the AI was wrong.
    const overturned = onDecided(third, vote('ria', 'override', { outcome: 'store_credit', role: 'senior_reviewer' }))!;
    expect(overturned.status).toBe('finalized');
    expect(auditVerdictOf(overturned)).toMatchObject({ upheld: false, vote: { reviewerId: 'ria', outcome: 'store_credit' } });
    // Without arbitration roles in the policy, the audit's own roles give the third word.
    expect(onDecidedBy(first, vote('jamie', 'override', { outcome: 'partial_refund' }), { roles: [], overturnConfirmations: 1 })).toMatchObject({ requiredApprovals: 3, eligibleRoles: first.eligibleRoles });
  });

  it('with two confirmations (arbitration.overturnConfirmations), an audit overturn waits for two more people; a split waits for an arbiter', () => {
    const two = { roles: ['senior_reviewer'], overturnConfirmations: 2 };
    const first = onDecidedBy(open({ reason: 'audit', recommendation: 'approve_refund', confirmOverride: true }), vote('sam', 'override', { outcome: 'deny_refund' }), two)!;
    const once = onDecidedBy(first, vote('jamie', 'override', { outcome: 'deny_refund' }), two)!;
    expect(once).toMatchObject({ status: 'open', requiredApprovals: 3, overturnConfirmations: 2, voters: ['sam', 'jamie'] });
    expect(once.eligibleRoles).toEqual(first.eligibleRoles);
    expect(auditVerdictOf(once)).toBeUndefined();
    const twice = onDecidedBy(once, vote('kim', 'override', { outcome: 'deny_refund' }), two)!;
    expect(twice.status).toBe('finalized');
    expect(auditVerdictOf(twice)).toMatchObject({ upheld: false, vote: { reviewerId: 'kim' } });
    const split = onDecidedBy(once, vote('kim', 'approve', { outcome: 'approve_refund' }), two)!;
    expect(split).toMatchObject({ status: 'open', requiredApprovals: 4, eligibleRoles: ['senior_reviewer'] });
    expect(auditVerdictOf(split)).toBeUndefined();
    // The audit keeps the rule it was opened under: a policy back at one confirmation does not close it.
    expect(onDecidedBy(first, vote('jamie', 'override', { outcome: 'deny_refund' }), { ...two, overturnConfirmations: 1 })).toMatchObject({ status: 'open', overturnConfirmations: 2 });
  });

  it('an audit stored before its request recorded the decision (finalized null) still closes as a past case', () => {
    const legacy: QueueItem = { ...open({ reason: 'audit', recommendation: 'approve_refund' }), finalized: null };
    expect(finalOf(legacy)).toMatchObject({ outcome: 'approve_refund', decidedBy: 'auto' });
    const closed = onDecided(legacy, vote('sam', 'override'))!;
    expect(closed).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve_refund', decidedBy: 'auto' } });
    expect(pastCaseOf(legacy)).toMatchObject({ outcome: 'approve_refund', decidedBy: 'auto' });
  });

  it('an exercise closes on its verdict with no final decision, and is no past case', () => {
    const exercise = open({ reason: 'exercise', exercise: { sourceCaseId: 'past-1', knownOutcome: 'deny' } });
    const closed = onDecided(exercise, vote('sam'))!;
    expect(closed).toMatchObject({ status: 'finalized', finalized: null });
    expect(finalOf(closed)).toBeUndefined();
    expect(pastCaseOf(closed)).toBeUndefined();
  });

  it('a vote of an earlier round is history only', () => {
    const item = onRequested(open(), 'ev-2', reviewRequest('c1', { round: 2 }), now)!;
    const after = onDecided(item, vote('sam', 'approve', { round: 1 }))!;
    expect(after).toMatchObject({ status: 'open', approvals: 0, voters: [] });
    expect(after.votes).toHaveLength(1);
  });

  it('escalation widens the roles and marks the case; finalization closes it and is never reopened', () => {
    let item = onEscalated(open(), 'ev-e', { caseId: 'c1', level: 1, escalateTo: 'team_lead', reason: 'timeout', firedAt: now.toISOString() })!;
    expect(item).toMatchObject({ escalated: true, eligibleRoles: ['support_lead', 'account_manager', 'team_lead'], escalations: [{ level: 1, escalateTo: 'team_lead' }] });
    item = onFinalized(item, 'ev-f', { ...exampleOf(Topics.DecisionFinalized), caseId: 'c1', predictionId: 'c1', outcome: 'approve' })!;
    expect(item).toMatchObject({ status: 'finalized', finalized: { outcome: 'approve' }, claim: null });
    expect(onRequested(item, 'ev-late', reviewRequest('c1', { reason: 'escalation' }), now)).toMatchObject({ status: 'finalized' });
    expect(onFinalized(undefined, 'ev-x', exampleOf(Topics.DecisionFinalized))).toBeUndefined(); // auto-approved: never queued
  });

  it("a disagreement's or max_rounds' escalation is recorded and widens no one's roles: routing's request names who decides", () => {
    // The second look's escalation (to its first role) arrives after the arbiter's request: the
    // second look's role must not act on the arbiter's stage (routing would not count it).
    const arbiter = onRequested(open(), 'ev-arb', reviewRequest('c1', { reason: 'disagreement', eligibleRoles: ['senior_reviewer'] }), now)!;
    for (const reason of ['disagreement', 'max_rounds'] as const) {
      const item = onEscalated(arbiter, `ev-${reason}`, { caseId: 'c1', level: 1, escalateTo: 'support_lead', reason, firedAt: now.toISOString(), round: 1 })!;
      expect(item).toMatchObject({ escalated: true, eligibleRoles: ['senior_reviewer'], escalations: [{ level: 1, escalateTo: 'support_lead', reason }] });
    }
  });

  it('a claim counts only until it expires', () => {
    const claim = { by: 'sam', name: 'Sam', at: now.toISOString(), until: '2026-01-06T10:10:00Z' };
    expect(activeClaim({ claim }, new Date('2026-01-06T10:09:59Z'))).toEqual(claim);
    expect(activeClaim({ claim }, new Date('2026-01-06T10:10:00Z'))).toBeUndefined();
    expect(activeClaim({ claim: null }, now)).toBeUndefined();
  });
});
