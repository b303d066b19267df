import type { RiskLevel, Tier } from '@hitl/contracts';
import { defaultPolicy } from './testing/default-policy';
import { selectTier, type TierInput } from './tiers';

const tierOf = (input: TierInput, minTier?: Tier) => selectTier(input, defaultPolicy(), minTier).tier.name;

describe('selectTier: the guide tier table', () => {
  it('the default policy carries the guide table', () => {
    expect(defaultPolicy().tiers.map(({ name, maxRisk, maxValue, categories, eligibleRoles, requiredApprovals }) => ({ name, maxRisk, maxValue, categories, eligibleRoles, requiredApprovals }))).toEqual([
      { name: 'automatic', maxRisk: 'low', maxValue: 1000, categories: ['standard_inquiry', 'status_update'], eligibleRoles: [], requiredApprovals: 0 },
      { name: 'single_approver', maxRisk: 'medium', maxValue: 10000, categories: ['refund', 'account_modification'], eligibleRoles: ['support_lead', 'account_manager'], requiredApprovals: 1 },
      { name: 'dual_approval', maxRisk: 'high', maxValue: 50000, categories: ['large_refund', 'contract_change'], eligibleRoles: ['manager', 'compliance_officer'], requiredApprovals: 2 },
      { name: 'executive_review', maxRisk: 'critical', maxValue: null, categories: ['legal_risk', 'reputation_risk'], eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1 },
    ]);
  });

  it.each<[RiskLevel, Tier]>([
    ['low', 'automatic'],
    ['medium', 'single_approver'],
    ['high', 'dual_approval'],
    ['critical', 'executive_review'],
  ])('risk %s alone → %s', (riskLevel, tier) => {
    expect(tierOf({ category: 'other', riskLevel })).toBe(tier);
  });

  it.each<[number, Tier]>([
    [0, 'automatic'],
    [1000, 'automatic'], // limits are inclusive
    [1000.01, 'single_approver'],
    [10000, 'single_approver'],
    [10000.01, 'dual_approval'],
    [50000, 'dual_approval'],
    [50000.01, 'executive_review'],
    [10_000_000, 'executive_review'], // no limit at the top
  ])('value %p alone → %s', (value, tier) => {
    expect(tierOf({ category: 'other', value })).toBe(tier);
  });

  it.each<[string, Tier]>([
    ['standard_inquiry', 'automatic'],
    ['status_update', 'automatic'],
    ['refund', 'single_approver'],
    ['account_modification', 'single_approver'],
    ['large_refund', 'dual_approval'],
    ['contract_change', 'dual_approval'],
    ['legal_risk', 'executive_review'],
    ['reputation_risk', 'executive_review'],
    ['property_damage', 'automatic'], // unlisted: no constraint
  ])('category %s alone → %s', (category, tier) => {
    expect(tierOf({ category })).toBe(tier);
  });

  // The highest demand wins, whichever dimension makes it.
  it.each<[TierInput, Tier | undefined, Tier]>([
    [{ category: 'refund', riskLevel: 'low', value: 40 }, undefined, 'single_approver'],
    [{ category: 'refund', riskLevel: 'low', value: 25_000 }, undefined, 'dual_approval'],
    [{ category: 'standard_inquiry', riskLevel: 'high', value: 10 }, undefined, 'dual_approval'],
    [{ category: 'large_refund', riskLevel: 'low', value: 500 }, undefined, 'dual_approval'],
    [{ category: 'status_update', riskLevel: 'low', value: 10 }, 'executive_review', 'executive_review'],
    [{ category: 'large_refund', riskLevel: 'critical', value: 10 }, 'single_approver', 'executive_review'],
    [{ category: 'property_damage', riskLevel: 'low', value: 4_900 }, undefined, 'single_approver'],
  ])('%j with minTier %p → %s', (input, minTier, tier) => {
    expect(tierOf(input, minTier)).toBe(tier);
  });

  describe('because: which rule chose the tier, in words', () => {
    it.each<[TierInput, Tier | undefined, string[]]>([
      [{ category: 'refund', value: 25_000 }, undefined, ["value 25,000 exceeds single_approver's limit 10,000"]],
      [{ category: 'other', value: 1000.01 }, undefined, ["value 1,000.01 exceeds automatic's limit 1,000"]],
      [{ category: 'other', riskLevel: 'high' }, undefined, ["risk high is above single_approver's maximum medium"]],
      [{ category: 'large_refund' }, undefined, ['category large_refund needs dual_approval']],
      [{ category: 'other', riskLevel: 'low' }, 'executive_review', ['a trigger requires at least executive_review']],
      [
        { category: 'large_refund', riskLevel: 'high', value: 20_000 },
        undefined,
        ["risk high is above single_approver's maximum medium", "value 20,000 exceeds single_approver's limit 10,000", 'category large_refund needs dual_approval'],
      ],
      [{ category: 'status_update', riskLevel: 'low', value: 12 }, undefined, ["risk low, value 12 and category status_update are within automatic's limits"]],
      [{ category: 'other' }, undefined, ["category other is within automatic's limits"]],
    ])('%j (minTier %p)', (input, minTier, because) => {
      expect(selectTier(input, defaultPolicy(), minTier).because).toEqual(because);
    });

    it('names only the rules that chose the tier, not the lesser ones', () => {
      expect(selectTier({ category: 'refund', riskLevel: 'critical', value: 20 }, defaultPolicy()).because).toEqual([
        "risk critical is above dual_approval's maximum high",
      ]);
    });
  });

  it('returns the tier policy itself (roles, approvals, SLA)', () => {
    const { tier } = selectTier({ category: 'large_refund' }, defaultPolicy());
    expect(tier).toMatchObject({ name: 'dual_approval', eligibleRoles: ['manager', 'compliance_officer'], requiredApprovals: 2, slaMinutes: 120 });
  });
});
