import { loadPolicy, rulesFor } from '@hitl/policy';
import { EMPTY_STATS } from '../factors/running-stats';
import { CategoryStats } from './category-stats';
import { MAX_DISTINCT_VALUES } from './seen-values';
import { applyDelta, isEmptyDelta } from './stats-document';

const policy = loadPolicy(undefined, {});
const rules = rulesFor(policy, 'liability_dispute');
const numericRules = { ...rules, inputs: { ...rules.inputs, numericFields: ['amount'], categoricalFields: ['jurisdiction'] } };
const now = new Date('2026-01-06T09:00:00Z');

describe('CategoryStats: in memory, flushed as deltas', () => {
  it('observes numeric and categorical fields', () => {
    const stats = new CategoryStats();
    stats.observe({ amount: 10, jurisdiction: 'NY' }, numericRules);
    stats.observe({ amount: 20, jurisdiction: ['CA', 'NY'] }, numericRules);
    stats.observe({ jurisdiction: 'x'.repeat(0) }, numericRules); // nothing to observe
    expect(stats.numeric('amount')).toEqual({ n: 2, mean: 15, m2: 50 });
    expect(stats.categorical('jurisdiction')).toMatchObject({ n: 2, saturated: false });
    expect(stats.categorical('jurisdiction')!.has('CA')).toBe(true);
    expect(stats.numeric('other')).toBeUndefined();
  });

  it('a flushed delta merged with what another replica stored becomes the shared state; pending work survives', () => {
    const mine = new CategoryStats();
    mine.observe({ amount: 10, jurisdiction: 'NY' }, numericRules);
    const delta = mine.takePending();
    expect(isEmptyDelta(mine.takePending())).toBe(true);

    const theirs = applyDelta('liability_dispute', undefined, { numeric: new Map([['amount', { n: 1, mean: 30, m2: 0 }]]), categorical: new Map([['jurisdiction', { n: 1, values: ['TX'] }]]) }, now);
    mine.observe({ amount: 20, jurisdiction: 'CA' }, numericRules); // during the flush
    const stored = applyDelta('liability_dispute', theirs, delta, now);
    expect(stored.version).toBe(2);
    mine.reset(stored);

    expect(mine.numeric('amount')).toMatchObject({ n: 3, mean: 20 });
    const seen = mine.categorical('jurisdiction')!;
    expect(['NY', 'CA', 'TX'].every((v) => seen.has(v))).toBe(true);
    expect(seen.n).toBe(3);
    // Only the observation made during the flush is still pending.
    const next = mine.takePending();
    expect(next.numeric.get('amount')).toMatchObject({ n: 1, mean: 20 });
    expect(next.categorical.get('jurisdiction')).toEqual({ n: 1, values: ['CA'] });
  });

  it('a failed flush puts its delta back', () => {
    const stats = new CategoryStats();
    stats.observe({ amount: 10, jurisdiction: 'NY' }, numericRules);
    const delta = stats.takePending();
    stats.observe({ amount: 30, jurisdiction: 'CA' }, numericRules);
    stats.restorePending(delta);
    const all = stats.takePending();
    expect(all.numeric.get('amount')).toMatchObject({ n: 2, mean: 20 });
    expect(all.categorical.get('jurisdiction')).toEqual({ n: 2, values: ['NY', 'CA'] });
  });

  it('keeps at most MAX_DISTINCT_VALUES values of a field, then calls it saturated', () => {
    const stats = new CategoryStats();
    for (let i = 0; i <= MAX_DISTINCT_VALUES; i++) stats.observe({ jurisdiction: `J${i}` }, numericRules);
    const seen = stats.categorical('jurisdiction')!;
    expect(seen.saturated).toBe(true);
    const stored = applyDelta('liability_dispute', undefined, stats.takePending(), now);
    expect(stored.categorical[0].values).toHaveLength(MAX_DISTINCT_VALUES);
    expect(stored.categorical[0].saturated).toBe(true);
  });

  it('matches labelled cases: the similar ones and how many of them agreed with the AI', () => {
    const stats = new CategoryStats();
    const signature = { recommendation: 'approve', features: 'approve|amount=3' };
    expect(stats.labelledMatches(signature)).toEqual({ similar: 0, agreeing: 0 });
    stats.labelled.add({ id: 'f1', recommendation: 'approve', features: signature.features, agrees: true });
    stats.labelled.add({ id: 'f2', recommendation: 'approve', features: signature.features, agrees: false });
    stats.labelled.add({ id: 'f3', recommendation: 'approve', features: null, agrees: true });
    stats.labelled.add({ id: 'f4', recommendation: 'approve', features: 'approve|amount=7', agrees: true });
    expect(stats.labelledMatches(signature)).toEqual({ similar: 3, agreeing: 2 });
  });

  it('an empty stored document leaves the pending observations visible', () => {
    const stats = new CategoryStats();
    stats.observe({ amount: 5 }, numericRules);
    stats.reset({ _id: 'x', version: 1, numeric: [{ field: 'amount', ...EMPTY_STATS }], categorical: [], updatedAt: now });
    expect(stats.numeric('amount')).toMatchObject({ n: 1, mean: 5 });
  });
});
