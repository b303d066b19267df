import { RiskLevels, Tiers } from '@hitl/contracts';
import { bandOf, loadPolicy, rulesFor, tierRank } from '@hitl/policy';
import fc from 'fast-check';
import { scored } from '../fixtures.test-helper';
import { routeScored } from './route-scored';

const policy = loadPolicy();
const categories = ['property_damage', 'refund', 'large_refund', 'legal_risk', 'standard_inquiry', 'content_moderation', 'loan_decision'];
const triggers = [
  { kind: 'critical_flag' as const, name: 'fraud_suspected' },
  { kind: 'critical_flag' as const, name: 'safety_concern' },
  { kind: 'context' as const, name: 'vip_customer' },
  { kind: 'context' as const, name: 'media_exposure' },
];

const anyScored = fc
  .record({
    overall: fc.double({ min: 0, max: 1, noNaN: true }),
    category: fc.constantFrom(...categories),
    value: fc.option(fc.double({ min: 0, max: 200_000, noNaN: true }), { nil: undefined }),
    riskLevel: fc.option(fc.constantFrom(...RiskLevels), { nil: undefined }),
    triggers: fc.subarray(triggers),
  })
  .map(({ overall, category, ...rest }) => scored('p', { overall, band: bandOf(overall, rulesFor(policy, category).bands), category, ...rest }));

describe('every scored prediction takes exactly one route', () => {
  it('auto-approves only confident, trigger-free cases of automatable tiers; everything else asks eligible people', () => {
    fc.assert(
      fc.property(anyScored, (event) => {
        const route = routeScored(event, policy);
        if (route.kind === 'auto') {
          expect(event.triggers).toEqual([]);
          expect(['auto_approve', 'auto_approve_audit']).toContain(event.score.band);
          expect(tierRank(route.tier)).toBeLessThanOrEqual(tierRank('single_approver'));
        } else {
          expect(route.kind).toBe('review');
          expect(route.request.eligibleRoles.length).toBeGreaterThan(0);
          expect(route.request.requiredApprovals).toBeGreaterThanOrEqual(1);
          expect(Tiers).toContain(route.request.tier);
          expect(route.request.priority).toBeGreaterThanOrEqual(0);
          expect(route.request.priority).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('routes the same event the same way every time (no hidden state)', () => {
    fc.assert(fc.property(anyScored, (event) => expect(routeScored(event, policy)).toEqual(routeScored(event, policy))), { numRuns: 300 });
  });
});
