import type { Principal } from '../auth/authenticator';
import { reviewRequest } from '../review-client.test-helper';
import { onRequested, type QueueItem } from '../queue/queue-item';
import { ACTING_STALE_MS, actRefusal } from './review.service';

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
