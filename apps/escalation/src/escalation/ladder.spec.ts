import { exampleOf, Topics } from '@hitl/contracts';
import { loadPolicy } from '@hitl/policy';
import { cancellationsOf, immediateFor, ladderFor, liveDeadlines, manualEscalation, rungsOf, type ReviewRequested } from './ladder';

const policy = loadPolicy();
const request = (overrides: Partial<ReviewRequested> = {}): ReviewRequested => ({ ...exampleOf(Topics.ReviewRequested), caseId: 'c1', round: 1, requestedAt: '2026-01-06T10:00:00.000Z', triggers: [], ...overrides });

describe('the escalation ladder', () => {
  it('the guide: 30 minutes to the team lead, 60 to the department head, 120 to the on-call manager', () => {
    expect(ladderFor(request(), policy).map((d) => [d.level, d.escalateTo, d.dueAt, d.nextDueAt])).toEqual([
      [1, 'team_lead', '2026-01-06T10:30:00.000Z', '2026-01-06T11:00:00.000Z'],
      [2, 'department_head', '2026-01-06T11:00:00.000Z', '2026-01-06T12:00:00.000Z'],
      [3, 'on_call_manager', '2026-01-06T12:00:00.000Z', undefined],
    ]);
  });

  it('a time scale of 60 turns the minutes into seconds; ids are stable per request', () => {
    const fast = ladderFor(request(), policy, 60);
    expect(fast.map((d) => d.dueAt)).toEqual(['2026-01-06T10:00:30.000Z', '2026-01-06T10:01:00.000Z', '2026-01-06T10:02:00.000Z']);
    expect(fast.map((d) => d._id)).toEqual(ladderFor(request(), policy).map((d) => d._id));
    expect(ladderFor(request({ requestedAt: '2026-01-06T10:05:00.000Z' }), policy)[0]._id).not.toBe(fast[0]._id);
  });

  it.each([
    ['critical_flag', 'fraud_suspected', 'senior_investigator', 'critical'],
    ['critical_flag', 'legal_risk', 'legal_counsel', 'critical'],
    ['critical_flag', 'safety_concern', 'director', 'critical'],
    ['context', 'legal_action', 'legal_counsel', 'context'],
    ['context', 'media_exposure', 'director', 'context'],
    ['context', 'vip_customer', 'account_manager', 'context'],
  ] as const)('%s %s escalates at once to %s', (kind, name, role, reason) => {
    const [immediate] = immediateFor(request({ triggers: [{ kind, name }] }), policy, new Date('2026-01-06T10:00:01Z'));
    expect(immediate.event).toMatchObject({ caseId: 'c1', level: 1, escalateTo: role, reason, firedAt: '2026-01-06T10:00:01.000Z' });
    expect(immediate.id).toBe(`c1:1:${kind}:${name}`);
  });

  it.each(['disagreement', 'max_rounds'] as const)("routing's higher review for %s is recorded at once, with the same reason, once per request; other requests fire nothing", (reason) => {
    const at = new Date('2026-01-06T10:00:01Z');
    const higher = request({ reason, eligibleRoles: ['senior_reviewer', 'team_lead'], tier: 'single_approver', explanation: 'two reviewers disagree' });
    const fired = immediateFor(higher, policy, at);
    expect(fired).toEqual([
      {
        id: `c1:1@2026-01-06T10:00:00.000Z:${reason}`,
        event: { caseId: 'c1', level: 1, escalateTo: 'senior_reviewer', reason, firedAt: '2026-01-06T10:00:01.000Z', round: 1, detail: 'two reviewers disagree (to senior_reviewer, team_lead, tier single_approver)' },
      },
    ]);
    expect(immediateFor(higher, policy, new Date('2026-01-06T10:05:00Z'))[0].id).toBe(fired[0].id);
    expect(immediateFor(request({ reason, requestedAt: '2026-01-06T11:00:00.000Z' }), policy, at)[0].id).not.toBe(fired[0].id);
    for (const other of ['band', 'tier', 'audit', 'shadow', 'revision', 'escalation'] as const) expect(immediateFor(request({ reason: other }), policy, at)).toEqual([]);
  });

  it('manual escalation takes the next rung, and stays at the top once there', () => {
    expect(manualEscalation('c1', 1, 0, 'd1', 'above me', policy, new Date()).event).toMatchObject({ level: 1, escalateTo: 'team_lead', reason: 'manual', detail: 'above me' });
    expect(manualEscalation('c1', 1, 2, 'd2', undefined, policy, new Date()).event).toMatchObject({ level: 3, escalateTo: 'on_call_manager' });
    expect(manualEscalation('c1', 1, 3, 'd3', undefined, policy, new Date()).event).toMatchObject({ level: 3, escalateTo: 'on_call_manager' });
  });

  it('with business hours, a rung due at night goes to the on-call role', () => {
    const withHours = { ...policy, escalation: { ...policy.escalation, businessHours: { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], start: '09:00', end: '17:00', roles: ['team_lead', 'department_head'], onCallRole: 'on_call_manager' } } };
    expect(ladderFor(request({ requestedAt: '2026-01-06T10:00:00.000Z' }), withHours).map((d) => d.escalateTo)).toEqual(['team_lead', 'department_head', 'on_call_manager']);
    expect(ladderFor(request({ requestedAt: '2026-01-06T16:45:00.000Z' }), withHours).map((d) => d.escalateTo)).toEqual(['on_call_manager', 'on_call_manager', 'on_call_manager']);
  });

  it('a cancellation stops its deadline in the same bucket; rungs already due are left to fire', () => {
    const ladder = ladderFor(request({ requestedAt: '2026-01-06T10:00:00.000Z' }), policy);
    // Decided at 10:45: the 30-minute rung was due, the 60- and 120-minute ones are stopped.
    const cancels = cancellationsOf(rungsOf(ladder), new Date('2026-01-06T10:45:00Z'));
    expect(cancels.map((c) => c.cancels)).toEqual([ladder[1]._id, ladder[2]._id]);
    expect(cancels.every((c, i) => c.dueAt === ladder[i + 1].dueAt)).toBe(true);
    expect(liveDeadlines([...ladder, ...cancels]).map((d) => d.level)).toEqual([1]);
    expect(cancellationsOf(undefined, new Date())).toEqual([]);
  });

  it('a bucket yields each live deadline once, whatever the order of its entries', () => {
    const ladder = ladderFor(request(), policy);
    const [cancel] = cancellationsOf(rungsOf(ladder), new Date(0));
    expect(liveDeadlines([cancel, ...ladder, ladder[2], ladder[1]]).map((d) => d.level)).toEqual([2, 3]);
  });
});
