import { freshDatabaseUri } from '@hitl/testing';
import mongoose, { type Connection } from 'mongoose';
import { applyIfNewer, applyOnce } from './apply-once';

describe('idempotent effects on the real database (FerretDB or MongoDB)', () => {
  let db: Connection;
  type Case = { _id: string; approvals?: number; state?: string };

  beforeAll(async () => {
    db = await mongoose.createConnection(freshDatabaseUri('dedupe')).asPromise();
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('applies an event once however often it is delivered, and each new event once', async () => {
    const cases = db.collection<Case>('cases');
    const results = [];
    for (const eventId of ['e1', 'e1', 'e2', 'e1', 'e2', 'e3']) {
      results.push(await applyOnce(cases, 'case-1', eventId, { $inc: { approvals: 1 } }));
    }
    expect(results).toEqual([true, false, true, false, false, true]);
    expect((await cases.findOne({ _id: 'case-1' }))?.approvals).toBe(3);
  });

  it('remembers only the most recent event ids when told to', async () => {
    const cases = db.collection<Case>('cases');
    for (const eventId of ['a', 'b', 'c']) await applyOnce(cases, 'case-2', eventId, { $inc: { approvals: 1 } }, { remember: 2 });
    expect(await applyOnce(cases, 'case-2', 'c', { $inc: { approvals: 1 } }, { remember: 2 })).toBe(false);
    expect(await applyOnce(cases, 'case-2', 'a', { $inc: { approvals: 1 } }, { remember: 2 })).toBe(true);
  });

  it('applies a versioned update only when the version is newer', async () => {
    const cases = db.collection<Case>('cases');
    expect(await applyIfNewer(cases, 'case-3', 2, { $set: { state: 'awaiting_review' } })).toBe(true);
    expect(await applyIfNewer(cases, 'case-3', 2, { $set: { state: 'duplicate' } })).toBe(false);
    expect(await applyIfNewer(cases, 'case-3', 1, { $set: { state: 'stale' } })).toBe(false);
    expect(await applyIfNewer(cases, 'case-3', 3, { $set: { state: 'finalized' } })).toBe(true);
    expect((await cases.findOne({ _id: 'case-3' }))?.state).toBe('finalized');
  });

  it('applies concurrent deliveries of one event once', async () => {
    const cases = db.collection<Case>('cases');
    const results = await Promise.all(Array.from({ length: 8 }, () => applyOnce(cases, 'case-4', 'same', { $inc: { approvals: 1 } })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await cases.findOne({ _id: 'case-4' }))?.approvals).toBe(1);
  });
});
