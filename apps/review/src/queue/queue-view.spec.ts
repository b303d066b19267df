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
