import { loadPolicy, rulesFor, type CategoryRules } from '@hitl/policy';
import { CategoryStats } from '../category-stats/category-stats';
import { EMPTY_SNAPSHOT } from './category-snapshot';
import { edgeCases } from './edge-cases';

const policy = loadPolicy(undefined, {});
const base = rulesFor(policy, 'liability_dispute');
/** numeric: amount; categorical: jurisdiction; outliers beyond z 3 after 30 observations. */
const rules: CategoryRules = { ...base, inputs: { ...base.inputs, numericFields: ['amount'], categoricalFields: ['jurisdiction'], outlierZ: 3, minObservations: 30 } };

/** 30 cases: amount alternating 90/110 (mean 100, sd ≈ 10.17), jurisdiction NY or CA. */
function seasoned(count = 30): CategoryStats {
  const stats = new CategoryStats();
  for (let i = 0; i < count; i++) stats.observe({ amount: i % 2 === 0 ? 90 : 110, jurisdiction: i % 2 === 0 ? 'NY' : 'CA' }, rules);
  return stats;
}
const sd = Math.sqrt((30 * 100) / 29);

describe('edgeCases', () => {
  it('is 0 for an ordinary case', () => {
    expect(edgeCases({ amount: 105, jurisdiction: 'NY' }, [], rules, seasoned())).toEqual({ value: 0, findings: [] });
  });

  it('a critical flag is a sure edge case', () => {
    expect(edgeCases({}, ['fraud_suspected'], rules, EMPTY_SNAPSHOT)).toEqual({ value: 1, findings: [{ indicator: 1, reason: 'flagged fraud_suspected' }] });
  });

  // [amount, expected indicator]: 0 up to z = 3, then z / 6, capped at 1.
  it.each([
    [100 + 2.99 * sd, 0], // within the threshold: not an outlier
    [100 + 3.3 * sd, 0.55],
    [100 - 4.5 * sd, 0.75], // either side
    [100 + 6 * sd, 1],
    [100 + 60 * sd, 1],
  ])('amount %p → %p once minObservations are reached', (amount, indicator) => {
    expect(edgeCases({ amount, jurisdiction: 'NY' }, [], rules, seasoned()).value).toBeCloseTo(indicator, 9);
  });

  it('names the outlier and its z', () => {
    expect(edgeCases({ amount: 100 + 4.5 * sd }, [], rules, seasoned()).findings).toEqual([{ indicator: 0.75, reason: `amount ${100 + 4.5 * sd} is an outlier (z 4.5)` }]);
  });

  it('calls nothing an outlier before minObservations', () => {
    expect(edgeCases({ amount: 1e9, jurisdiction: 'TX' }, [], rules, seasoned(29)).value).toBe(0);
  });

  it('an unseen categorical value is a half edge case once minObservations are reached', () => {
    expect(edgeCases({ amount: 100, jurisdiction: 'TX' }, [], rules, seasoned())).toEqual({ value: 0.5, findings: [{ indicator: 0.5, reason: 'jurisdiction "TX" never seen' }] });
  });

  it('a value differing from a field that never varied is unseen too', () => {
    const constant = new CategoryStats();
    for (let i = 0; i < 30; i++) constant.observe({ amount: 7 }, rules);
    expect(edgeCases({ amount: 7 }, [], rules, constant).value).toBe(0);
    expect(edgeCases({ amount: 8 }, [], rules, constant).value).toBe(0.5);
  });

  it('takes the maximum, strongest finding first', () => {
    const result = edgeCases({ amount: 100 + 4.5 * sd, jurisdiction: 'TX' }, ['legal_risk'], rules, seasoned());
    expect(result.value).toBe(1);
    expect(result.findings.map((f) => f.indicator)).toEqual([1, 0.75, 0.5]);
  });

  it('ignores missing and non-numeric values', () => {
    expect(edgeCases({ amount: 'a lot' }, [], rules, seasoned()).value).toBe(0);
  });
});
