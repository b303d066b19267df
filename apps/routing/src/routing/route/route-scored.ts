import { Tiers, type Tier, type Trigger } from '@hitl/contracts';
import { rulesFor, selectTier, type Policy, type TierPolicy } from '@hitl/policy';
import type { CaseRequest, PredictionScored } from '../case/review-case';
import { inSample } from '@hitl/platform';
import { priorityOf } from './priority';

export type Route =
  | { kind: 'auto'; tier: Tier; auditSampled: boolean; auditProbability: number; explanation: string }
  | {
      kind: 'review';
      request: Omit<CaseRequest, 'requestedAt' | 'dueAt'> & { slaMinutes: number };
      rollout?: 'shadow' | 'assist';
      automationWouldHave: 'auto_approve' | 'human_review';
      /** No trigger and a tier the AI may decide: the outcome is evidence of the model's trust. */
      automationEligible: boolean;
      explanation: string;
    };

/** Why earned trust keeps this case from automation, in words; undefined when it does not. */
function trustHold(trust: PredictionScored['score']['trust']): string | undefined {
  if (!trust || trust.automate) return undefined;
  if (trust.state === 'stopped') return 'automation of this category and model is stopped (circuit breaker)';
  if (trust.state === 'learning') return 'no threshold is certified yet for this category and model: people decide (assist) while outcomes accumulate';
  return `the model's probability ${trust.basis} is below the certified threshold ${trust.threshold}`;
}

const tierRank = (tier: Tier) => Tiers.indexOf(tier);
const higher = (a: Tier, b: Tier): Tier => (tierRank(a) >= tierRank(b) ? a : b);

/** The least tier the triggers demand (critical flags and context triggers name one each). */
function triggerMinTier(triggers: Trigger[], policy: Policy): Tier {
  let min: Tier = 'automatic';
  for (const trigger of triggers) {
    const rule =
      trigger.kind === 'critical_flag'
        ? policy.criticalFlags.find((f) => f.name === trigger.name)
        : policy.contextTriggers.find((c) => c.name === trigger.name);
    if (rule) min = higher(min, rule.minTier);
  }
  return min;
}

function tierPolicy(policy: Policy, tier: Tier): TierPolicy {
  return policy.tiers.find((t) => t.name === tier)!;
}

/**
 * Decides what happens to a scored prediction: automatic approval, or a review request with its
 * tier, roles, quorum, priority and the explanation of which rule chose them.
 */
export function routeScored(scored: PredictionScored, policy: Policy): Route {
  const { prediction, score, triggers } = scored;
  const rules = rulesFor(policy, prediction.category);
  const selected = selectTier({ category: prediction.category, riskLevel: prediction.riskLevel, value: prediction.value }, policy, triggerMinTier(triggers, policy));
  const band = score.band;
  const confident = band === 'auto_approve' || band === 'auto_approve_audit';
  const eligible = triggers.length === 0 && selected.tier.autoApprove;
  const automatable = confident && eligible;
  const held = trustHold(score.trust);
  const because = [...selected.because];

  if (automatable && rules.rollout === 'automate' && !held) {
    // Audits are a uniform sample of all auto-approvals, each with its recorded probability, so
    // every estimate can weight an audit by the cases it stands for.
    const auditProbability = score.trust?.auditRate ?? rules.auditSampleRate;
    const auditSampled = inSample(prediction.predictionId, auditProbability);
    return {
      kind: 'auto',
      tier: selected.tier.name,
      auditSampled,
      auditProbability,
      explanation: `auto-approved: confidence ${score.overall.toFixed(2)} is in band ${band}${score.trust?.threshold !== undefined ? `, the model's probability ${score.trust.basis} is at or above the certified threshold ${score.trust.threshold}` : ''}; ${because.join('; ')}${auditSampled ? `; sampled for audit (probability ${auditProbability})` : ''}`,
    };
  }

  // A person decides. The automatic tier has no reviewers: its human work goes to single approvers.
  let tier = higher(selected.tier.name, 'single_approver');
  if (tier !== selected.tier.name) because.push(`a person must decide, so at least ${tier}`);
  let roles = [...tierPolicy(policy, tier).eligibleRoles];
  let reason: CaseRequest['reason'] = 'band';
  if (band === 'senior_review') {
    roles = tierRank(tier) >= tierRank('dual_approval') ? [...new Set([...roles, ...policy.seniorRoles])] : [...policy.seniorRoles];
    because.push(`confidence ${score.overall.toFixed(2)} is below ${rules.bands.humanReview}: senior review`);
  }
  if (triggers.length > 0) {
    reason = triggers.some((t) => t.kind === 'critical_flag') ? 'critical_flag' : 'context';
    because.push(`triggers: ${triggers.map((t) => t.name).join(', ')}`);
  } else if (automatable) {
    reason = 'shadow';
    because.push(rules.rollout !== 'automate' ? `rollout stage ${rules.rollout}: automation would have approved` : `${held}; the guide's bands would have approved`);
  } else if (held && eligible && score.trust?.state === 'certified') {
    because.push(held);
  } else if (confident) {
    reason = 'tier';
    because.push(`${tier} is never decided automatically`);
  }
  if (band === 'senior_review') tier = higher(tier, 'single_approver');
  const tierRules = tierPolicy(policy, tier);
  return {
    kind: 'review',
    request: {
      tier,
      requiredApprovals: Math.max(1, tierRules.requiredApprovals),
      eligibleRoles: roles,
      ...(tierRules.requiredRoles.length > 0 ? { requiredRoles: tierRules.requiredRoles } : {}),
      reason,
      priority: priorityOf(tier, band, triggers),
      slaMinutes: tierRules.slaMinutes,
    },
    ...(rules.rollout !== 'automate' ? { rollout: rules.rollout } : automatable && held ? { rollout: 'assist' as const } : {}),
    automationWouldHave: automatable ? 'auto_approve' : 'human_review',
    automationEligible: eligible,
    explanation: `${band.replace(/_/g, ' ')} (${score.overall.toFixed(2)}) → ${tier}: ${because.join('; ')}`,
  };
}
