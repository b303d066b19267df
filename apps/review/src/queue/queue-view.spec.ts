import { exampleOf, Topics } from '@hitl/contracts';
import { reviewRequest } from '../review-client.test-helper';
import { onRequested, type QueueItem } from './queue-item';
import { QueueView } from './queue-view';

const now = new Date('2026-01-06T10:00:00Z');
function item(id: string, overrides: Parameters<typeof reviewRequest>[1] = {}, extra: Partial<QueueItem> = {}): QueueItem {
  return { ...onRequested(undefined, `ev-${id}`, reviewRequest(id, overrides), now)!, version: 1, ...extra };
}
const query = { roles: ['support_lead'], userId: 'sam', limit: 20, offset: 0 };

describe('the in-memory queue view', () => {
  it('answers a reviewer: their roles, open, not voted by them; priority first, then the earliest due', () => {
    const view = new QueueView();
    view.reload([
      item('low', { priority: 10 }),
      item('late', { priority: 90, dueAt: '2026-01-06T12:00:00Z' }),
      item('soon', { priority: 90, dueAt: '2026-01-06T11:00:00Z' }),
      item('exec', { priority: 99, eligibleRoles: ['director'] }),
      item('voted', { priority: 50 }, { voters: ['sam'] }),
      item('deciding', { priority: 50 }, { status: 'deciding' }),
    ]);
    expect(view.query(query)).toEqual({ total: 3, items: [expect.objectContaining({ _id: 'soon' }), expect.objectContaining({ _id: 'late' }), expect.objectContaining({ _id: 'low' })] });
    expect(view.query({ ...query, limit: 1, offset: 1 }).items.map((i) => i._id)).toEqual(['late']);
    expect(view.query({ ...query, minPriority: 50 }).total).toBe(2);
    expect(view.query({ ...query, dueBefore: '2026-01-06T11:30:00Z' }).items.map((i) => i._id)).toEqual(['soon']);
    expect(view.query({ ...query, roles: ['director'] }).items.map((i) => i._id)).toEqual(['exec']);
  });

  it('assignable: what POST /api/next may hand a reviewer, in queue order: open, their roles, not voted, claimed by nobody, not being acted on, in their skills', () => {
    const view = new QueueView();
    const claim = (by: string, until: string) => ({ claim: { by, name: by, at: now.toISOString(), until } });
    const context = (category: string) => ({ context: { ...exampleOf(Topics.ReviewRequested).context, category } });
    view.reload([
      item('low', { priority: 10, ...context('refund') }),
      item('soon', { priority: 90, dueAt: '2026-01-06T11:00:00Z', ...context('refund') }),
      item('late', { priority: 90, dueAt: '2026-01-06T12:00:00Z', ...context('kyc') }),
      item('exec', { priority: 99, eligibleRoles: ['director'] }),
      item('voted', { priority: 50 }, { voters: ['sam'] }),
      item('deciding', { priority: 50 }, { status: 'deciding' }),
      item('claimed', { priority: 80 }, claim('jamie', '2026-01-06T10:05:00Z')),
      item('lapsed', { priority: 70, ...context('refund') }, claim('jamie', '2026-01-06T09:59:59Z')),
      item('busy', { priority: 60 }),
    ]);
    view.begin('busy', 'Jamie');
    const sam = { id: 'sam', roles: ['support_lead'] };
    expect(view.assignable(sam, now, 50).map((i) => i._id)).toEqual(['soon', 'late', 'lapsed', 'low']);
    expect(view.assignable({ ...sam, skills: ['refund'] }, now, 50).map((i) => i._id)).toEqual(['soon', 'lapsed', 'low']);
    expect(view.assignable(sam, now, 2).map((i) => i._id)).toEqual(['soon', 'late']);
    view.end('busy');
    expect(view.assignable(sam, now, 50).map((i) => i._id)).toEqual(['soon', 'late', 'lapsed', 'busy', 'low']);
    // held: open cases with a live claim by the reviewer (a lapsed claim holds nothing).
    expect(view.heldBy('jamie', now)).toBe(1);
    expect(view.heldBy('sam', now)).toBe(0);
  });

  it('keeps the newest version, drops finalized cases, and reports each change once', () => {
    const view = new QueueView();
    const seen: string[] = [];
    view.changes.subscribe((c) => seen.push(`${c._id}@${c.version}`));
    view.upsert(item('a', {}, { version: 2, priority: 70 }));
    view.upsert(item('a', {}, { version: 1, priority: 10 })); // older: ignored
    view.upsert(item('a', {}, { version: 2, priority: 70 })); // same: ignored
    expect(view.query(query).items[0].priority).toBe(70);
    view.upsert(item('a', {}, { version: 3, status: 'finalized' }));
    expect(view.size).toBe(0);
    expect(seen).toEqual(['a@2', 'a@3']);
  });

  it('a reload forgets cases the database no longer holds (finalized by another replica)', () => {
    const view = new QueueView();
    view.reload([item('a'), item('b')]);
    view.reload([item('b')]);
    expect(view.query(query).items.map((i) => i._id)).toEqual(['b']);
  });
});
