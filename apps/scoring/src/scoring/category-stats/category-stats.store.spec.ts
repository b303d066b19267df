import { exampleOf, Topics, type FeedbackCapturedV1 } from '@hitl/contracts';
import type { Connection } from 'mongoose';
import { CategoryStatsStore } from './category-stats.store';
import type { StoredLabelledCase } from './category-stats.repository';

/** Just enough of the database: the labelled cases written, and those there at start-up. */
function fakeConnection(stored: Partial<StoredLabelledCase>[] = []) {
  const written: Record<string, unknown>[] = [];
  const cursor = (docs: unknown[]) => ({ sort: () => cursor(docs), limit: () => cursor(docs), toArray: async () => docs });
  const collection = (name: string) => ({
    createIndex: async () => 'ok',
    find: () => cursor(name === 'scoring_labelled_cases' ? [...stored].reverse() : []),
    bulkWrite: async (ops: { updateOne: { filter: { _id: string }; update: { $setOnInsert: Record<string, unknown> } } }[]) => {
      for (const { updateOne } of ops) written.push({ _id: updateOne.filter._id, ...updateOne.update.$setOnInsert });
      return {};
    },
  });
  return { connection: { db: { collection } } as unknown as Connection, written };
}

const feedback = (feedbackId: string, override: boolean): FeedbackCapturedV1 => ({
  ...exampleOf(Topics.FeedbackCaptured),
  feedbackId,
  caseId: `case-${feedbackId}`,
  category: 'refund',
  aiRecommendation: 'approve',
  humanDecision: override ? 'deny' : 'approve',
  override,
  ...(override ? { reason: 'policy says otherwise' } : {}),
});

const anyApprove = { recommendation: 'approve', features: 'approve|unscored here' };

describe('CategoryStatsStore: labelled cases from feedback.captured', () => {
  it('records whether the human agreed with the AI (agrees = !override), stored and counted', async () => {
    const { connection, written } = fakeConnection();
    const store = new CategoryStatsStore(connection);
    await store.recordLabelled([feedback('f1', false), feedback('f2', true), feedback('f3', true)]);
    expect(written.map((c) => [c._id, c.agrees])).toEqual([
      ['f1', true],
      ['f2', false],
      ['f3', false],
    ]);
    expect(store.of('refund').labelledMatches(anyApprove)).toEqual({ similar: 3, agreeing: 1 });
  });

  it('a stored case without `agrees` (recorded before it existed) counts as not agreeing', async () => {
    const storedAt = new Date('2026-01-06T09:00:00Z');
    const { connection } = fakeConnection([
      { _id: 'old', category: 'refund', recommendation: 'approve', features: null, storedAt },
      { _id: 'new', category: 'refund', recommendation: 'approve', features: null, agrees: true, storedAt },
    ]);
    const store = new CategoryStatsStore(connection);
    await store.onModuleInit();
    expect(store.of('refund').labelledMatches(anyApprove)).toEqual({ similar: 2, agreeing: 1 });
  });
});
