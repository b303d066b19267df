import { loadPolicy, type Policy } from '@hitl/policy';
import { scored } from '../fixtures.test-helper';
import { inSample } from '@hitl/platform';
import { routeScored, type Route } from './route-scored';

const policy = loadPolicy();
const review = (route: Route) => {
  if (route.kind !== 'review') throw new Error(`expected a review, got ${route.kind}: ${route.explanation}`);
  return route.request;
};

describe('routing a scored prediction: the guide band table (category with no tier of its own, low value and risk)', () => {
  it.each([
    [0.97, 'auto_approve', 'auto'],
    [0.9, 'auto_approve_audit', 'auto'],
    [0.78, 'human_review', 'review'],
    [0.6, 'senior_review', 'review'],
  ] as const)('confidence %d (%s) → %s', (overall, band, kind) => {
    expect(routeScored(scored('c1', { overall, band, value: 200, riskLevel: 'low' }), policy).kind).toBe(kind);
  });

  it('sends human_review to the single approvers and senior_review to senior reviewers', () => {
    expect(review(routeScored(scored('c2', { overall: 0.78, band: 'human_review', value: 200, riskLevel: 'low' }), policy))).toMatchObject({
      tier: 'single_approver',
      requiredApprovals: 1,
      eligibleRoles: ['support_lead', 'account_manager'],
      reason: 'band',
    });
    expect(review(routeScored(scored('c3', { overall: 0.6, band: 'senior_review', value: 200, riskLevel: 'low' }), policy)).eligibleRoles).toEqual(['senior_reviewer']);
  });

  it('samples every auto-approval, of either band, deterministically at the audit rate, and records the probability', () => {
    const ids = Array.from({ length: 4_000 }, (_, i) => `case-${i}`);
    const share = ids.filter((id) => inSample(id, 0.05)).length / ids.length;
    expect(share).toBeGreaterThan(0.035);
    expect(share).toBeLessThan(0.065);
    const sampledId = ids.find((id) => inSample(id, 0.05))!;
    const unsampledId = ids.find((id) => !inSample(id, 0.05))!;
    expect(routeScored(scored(sampledId, { overall: 0.9, band: 'auto_approve_audit', value: 10 }), policy)).toMatchObject({ kind: 'auto', auditSampled: true, auditProbability: 0.05 });
    // Audits are a uniform sample of all auto-approvals: the top band too.
    expect(routeScored(scored(sampledId, { overall: 0.99, band: 'auto_approve', value: 10 }), policy)).toMatchObject({ kind: 'auto', auditSampled: true, auditProbability: 0.05 });
    expect(routeScored(scored(unsampledId, { overall: 0.99, band: 'auto_approve', value: 10 }), policy)).toMatchObject({ kind: 'auto', auditSampled: false, auditProbability: 0.05 });
  });
});

describe('routing: the guide tier table', () => {
  it.each([
    ['standard_inquiry at 0.97', { category: 'standard_inquiry', value: 20, riskLevel: 'low' }, 'auto', 'automatic'],
    ['refund at 0.97 (single approver tier, confident)', { category: 'refund', value: 40, riskLevel: 'low' }, 'auto', 'single_approver'],
    ['large_refund at 0.97', { category: 'large_refund', value: 20_000, riskLevel: 'high' }, 'review', 'dual_approval'],
    ['contract_change at 0.97', { category: 'contract_change' }, 'review', 'dual_approval'],
    ['legal_risk at 0.97', { category: 'legal_risk' }, 'review', 'executive_review'],
    ['value 20,000 at 0.97', { value: 20_000 }, 'review', 'dual_approval'],
    ['value 60,000 at 0.97', { value: 60_000 }, 'review', 'executive_review'],
    ['risk critical at 0.97', { riskLevel: 'critical' }, 'review', 'executive_review'],
  ] as const)('%s → %s at %s', (_label, context, kind, tier) => {
    const route = routeScored(scored('t', { overall: 0.97, band: 'auto_approve', ...context }), policy);
    expect(route.kind).toBe(kind);
    expect(route.kind === 'auto' ? route.tier : route.request.tier).toBe(tier);
  });

  it('asks two distinct approvers from the dual-approval roles and says which rule chose the tier', () => {
    const route = routeScored(scored('d', { overall: 0.97, band: 'auto_approve', category: 'large_refund' }), policy);
    expect(review(route)).toMatchObject({ requiredApprovals: 2, eligibleRoles: ['manager', 'compliance_officer'], reason: 'tier' });
    expect(route.explanation).toMatch(/large_refund/);
  });

  it('lets the policy decide which tiers a confident AI may decide alone (tiers[].autoApprove)', () => {
    const strict: Policy = { ...policy, tiers: policy.tiers.map((t) => (t.name === 'single_approver' ? { ...t, autoApprove: false } : t)) };
    const refund = scored('r', { overall: 0.97, band: 'auto_approve', category: 'refund', value: 40, riskLevel: 'low' });
    expect(routeScored(refund, policy).kind).toBe('auto');
    const route = routeScored(refund, strict);
    expect(review(route)).toMatchObject({ tier: 'single_approver', reason: 'tier' });
    expect(route.explanation).toMatch(/single_approver is never decided automatically/);
  });

  it('executive review goes to director or legal counsel', () => {
    expect(review(routeScored(scored('e', { overall: 0.8, band: 'human_review', category: 'reputation_risk' }), policy)).eligibleRoles).toEqual(['director', 'legal_counsel']);
  });
});

describe('routing: triggers escalate whatever the confidence', () => {
  it.each([
    ['fraud_suspected', 'critical_flag', 'critical_flag', 'dual_approval'],
    ['legal_risk', 'critical_flag', 'critical_flag', 'executive_review'],
    ['safety_concern', 'critical_flag', 'critical_flag', 'executive_review'],
    ['legal_action', 'context', 'context', 'executive_review'],
    ['vip_customer', 'context', 'context', 'single_approver'],
  ] as const)('%s (%s) at 0.99 → review (%s) at least %s', (name, kind, reason, minTier) => {
    const request = review(routeScored(scored('x', { overall: 0.99, band: 'auto_approve', value: 10, riskLevel: 'low', triggers: [{ kind, name }] }), policy));
    expect(request.reason).toBe(reason);
    expect(['automatic', 'single_approver', 'dual_approval', 'executive_review'].indexOf(request.tier)).toBeGreaterThanOrEqual(
      ['automatic', 'single_approver', 'dual_approval', 'executive_review'].indexOf(minTier),
    );
  });
});

describe('routing: gradual rollout (shadow, assist, automate)', () => {
  const staged = (rollout: 'shadow' | 'assist' | 'automate'): Policy => ({ ...policy, categories: { ...policy.categories, property_damage: { ...policy.categories.property_damage, rollout } } });
  const shadow = staged('shadow');

  it.each(['shadow', 'assist'] as const)('%s: sends what automation would approve to a person and records that', (stage) => {
    const route = routeScored(scored('s', { overall: 0.99, band: 'auto_approve', value: 10, riskLevel: 'low' }), staged(stage));
    expect(route).toMatchObject({ kind: 'review', rollout: stage, automationWouldHave: 'auto_approve', request: { reason: 'shadow' } });
    expect(route.explanation).toContain(`rollout stage ${stage}: automation would have approved`);
  });

  it('automate: the same case is decided by the AI, and the route names no stage', () => {
    const route = routeScored(scored('s', { overall: 0.99, band: 'auto_approve', value: 10, riskLevel: 'low' }), staged('automate'));
    expect(route.kind).toBe('auto');
    expect(routeScored(scored('s3', { overall: 0.75, band: 'human_review', value: 10 }), staged('automate'))).not.toHaveProperty('rollout');
  });

  it('records human_review as what automation would have done for an unsure case', () => {
    expect(routeScored(scored('s2', { overall: 0.75, band: 'human_review', value: 10 }), shadow)).toMatchObject({ kind: 'review', automationWouldHave: 'human_review' });
  });
});
