import { Topics } from '@hitl/contracts';
import { loadPolicy } from '@hitl/policy';
import { scored } from '../fixtures.test-helper';
import { inSample } from '@hitl/platform';
import { AUDIT_PRIORITY, openCase } from './open-case';

const policy = loadPolicy();
const now = new Date('2026-01-06T10:00:00Z');

describe('opening a case: the audit of a sampled auto-approval', () => {
  const ids = Array.from({ length: 2_000 }, (_, i) => `case-${i}`);
  const sampled = ids.find((id) => inSample(id, policy.defaults.auditSampleRate))!;
  const unsampled = ids.find((id) => !inSample(id, policy.defaults.auditSampleRate))!;

  it('a sampled auto-approval stands, and a person is asked to check it afterwards', () => {
    const t = openCase(scored(sampled, { overall: 0.9, band: 'auto_approve_audit', value: 10 }), policy, now);
    expect(t.applied).toBe(true);
    if (!t.applied) return;
    expect(t.outputs.map((o) => o.topic)).toEqual([Topics.DecisionFinalized, Topics.ReviewRequested]);
    expect(t.outputs[0].data).toMatchObject({ decidedBy: 'auto', auditSampled: true });
    const least = policy.tiers.find((tier) => tier.name !== 'automatic' && tier.eligibleRoles.length > 0)!;
    expect(t.outputs[1].data).toMatchObject({ reason: 'audit', tier: least.name, requiredApprovals: 1, eligibleRoles: least.eligibleRoles, priority: AUDIT_PRIORITY, round: 1 });
    expect(t.case.state).toBe('finalized');
  });

  it('an unsampled one is only finalized', () => {
    const t = openCase(scored(unsampled, { overall: 0.9, band: 'auto_approve_audit', value: 10 }), policy, now);
    expect(t.applied && t.outputs.map((o) => o.topic)).toEqual([Topics.DecisionFinalized]);
  });
});
