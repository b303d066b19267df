import type { Principal } from '../auth/authenticator';
import { reviewRequest } from '../review-client.test-helper';
import { missingRoles, onDecided as onDecidedBy, onRequested, type QueueItem } from '../queue/queue-item';
import { casePage } from '../ui/pages';
import { detailOf } from './views';
import { ACTING_STALE_MS, actRefusal } from './review.service';

/** The policy's arbitration roles (an audit's arbiter after two different overturns). */
const onDecided = (item: QueueItem | undefined, e: Parameters<typeof onDecidedBy>[1]) => onDecidedBy(item, e, { roles: ['senior_reviewer'], overturnConfirmations: 1 });

const now = new Date('2026-01-06T10:00:00Z');
const sam: Principal = { id: 'sam', name: 'Sam Support', roles: ['support_lead'] };
const claimed = (actingSince: Date): QueueItem => ({
  ...onRequested(undefined, 'ev-1', reviewRequest('c-1', { eligibleRoles: ['support_lead'] }), now)!,
  version: 2,
  claim: { by: 'sam', name: 'Sam Support', at: actingSince.toISOString(), until: new Date(now.getTime() + 600_000).toISOString(), acting: 'decision-1', actingSince: actingSince.toISOString() },
});

describe('an action in progress', () => {
  it('blocks another action on the case while it runs', () => {
    expect(actRefusal(claimed(new Date(now.getTime() - 5_000)), sam, now)?.message).toMatch(/already in progress/);
  });

  it('no longer blocks once it is older than ACTING_STALE_MS: its replica died before publishing', () => {
    expect(actRefusal(claimed(new Date(now.getTime() - ACTING_STALE_MS - 1)), sam, now)).toBeUndefined();
  });
});

describe("the quorum's roles (four eyes as the guide writes it)", () => {
  const dual = onRequested(
    undefined,
    'ev-1',
    reviewRequest('d-1', { tier: 'dual_approval', requiredApprovals: 2, eligibleRoles: ['manager', 'compliance_officer'], requiredRoles: ['manager', 'compliance_officer'] }),
    now,
  )!;
  const person = (id: string, ...roles: string[]): Principal => ({ id, name: id, roles });
  const vote = (item: QueueItem, reviewerId: string, role: string) =>
    onDecided(item, { caseId: item._id, decisionId: `d-${reviewerId}`, reviewerId, role, action: 'approve', outcome: 'approve', agreesWithAi: true, round: 1, startedAt: now.toISOString(), decidedAt: now.toISOString() })!;

  it('after one manager, only a compliance officer may give the second approval; the case stays open until then', () => {
    expect(missingRoles(dual)).toEqual(['manager', 'compliance_officer']);
    expect(actRefusal(dual, person('mia', 'manager'), now)).toBeUndefined();
    const one = vote(dual, 'mia', 'manager');
    expect({ status: one.status, missing: missingRoles(one) }).toEqual({ status: 'open', missing: ['compliance_officer'] });
    expect(actRefusal(one, person('max', 'manager'), now)?.message).toBe('four eyes: case d-1 still needs a vote from compliance officer; your roles: manager');
    // Asking the producer or escalating stays open to them.
    expect(actRefusal(one, person('max', 'manager'), now, undefined, 'escalate')).toBeUndefined();
    expect(actRefusal(one, person('carl', 'compliance_officer'), now)).toBeUndefined();
    // Someone with both roles acts in the one still missing.
    expect(actRefusal(one, person('kim', 'manager', 'compliance_officer'), now)).toBeUndefined();
    const two = vote(one, 'carl', 'compliance_officer');
    expect({ status: two.status, missing: missingRoles(two) }).toEqual({ status: 'deciding', missing: [] });
  });

  it('the case screen says whose vote is still missing', () => {
    const one = vote(dual, 'mia', 'manager');
    const html = casePage(person('carl', 'compliance_officer'), detailOf({ item: one, claim: null, similar: [], canAct: { role: 'compliance_officer' }, choices: { outcomes: [], freeText: true, overrideReasons: [] } }, now), {}).value;
    expect(html).toContain('<p id="missing-votes" class="claim">Still missing: a vote from compliance officer.</p>');
  });
});
