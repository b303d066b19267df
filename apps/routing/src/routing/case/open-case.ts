import type { Policy } from '@hitl/policy';
import { routeScored } from '../route/route-scored';
import { nextEscalation } from './next-escalation';
import { decisionFinalized, reviewRequested, type CaseOutput } from './outputs';
import type { PredictionScored, ReviewCase } from './review-case';

/** Audits go to the least tier that has reviewers, one approval, ahead of its routine reviews, its SLA. */
export function auditRequest(policy: Policy, now: Date): NonNullable<ReviewCase['request']> {
  const tier = policy.tiers.find((t) => t.name !== 'automatic' && t.eligibleRoles.length > 0)!;
  return {
    tier: tier.name,
    requiredApprovals: 1,
    eligibleRoles: tier.eligibleRoles,
    reason: 'audit',
    priority: AUDIT_PRIORITY,
    requestedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + tier.slaMinutes * 60_000).toISOString(),
  };
}

/**
 * Audits come before the routine reviews of the least tier (band or context: 25–50, see priorityOf) and after
 * critical flags and escalations of the higher tiers. An audit decides nothing, but it is the only
 * evidence of how automation does where it acts: one left at the bottom of a backlog blinds the
 * drift charts while the auto-approvals it should check go on (on bench:quality with a backlog of
 * 900 cases, a drifted category was auto-approved 140 times, all wrong, before its audits came
 * back). Audits are few: the audit rate, at its 5 % floor once certified, of auto-approvals.
 */
export const AUDIT_PRIORITY = 55;

export type Transition = { applied: true; case: ReviewCase; outputs: CaseOutput[] } | { applied: false; case: ReviewCase; why: string };

export function refuse(c: ReviewCase, why: string, now: Date): Transition {
  return { applied: false, why, case: { ...c, history: [...c.history, { at: now.toISOString(), what: why, refused: true }] } };
}

/**
 * A scored prediction opens a case, or — when the case waits for the producer's revision — is
 * the refined prediction of its next round. Any other scored event for an existing case is a
 * duplicate or stale and is refused (recorded, not applied).
 */
export function openCase(scored: PredictionScored, policy: Policy, now: Date, existing?: ReviewCase): Transition {
  const round = scored.prediction.round;
  // Without an existing case any round opens one: a refined prediction whose case we never saw
  // is better decided than lost.
  if (existing && (existing.state !== 'awaiting_revision' || round !== existing.round + 1)) {
    return refuse(existing, `prediction.scored round ${round} ignored: case is ${existing.state} in round ${existing.round}`, now);
  }
  const route = routeScored(scored, policy);
  const at = now.toISOString();
  const base: ReviewCase = {
    caseId: scored.prediction.predictionId,
    state: 'awaiting_review',
    round,
    scored,
    band: scored.score.band,
    tier: route.kind === 'auto' ? route.tier : route.request.tier,
    votes: [],
    voters: [],
    escalationLevel: existing?.escalationLevel ?? 0,
    shadow: route.kind === 'review' && route.rollout !== undefined,
    ...(route.kind === 'review' && route.rollout ? { rollout: route.rollout } : {}),
    automationWouldHave: route.kind === 'auto' ? 'auto_approve' : route.automationWouldHave,
    auditSampled: route.kind === 'auto' && route.auditSampled,
    ...(route.kind === 'auto' ? { auditProbability: route.auditProbability, automationEligible: true } : { automationEligible: route.automationEligible }),
    submittedAt: existing?.submittedAt ?? scored.prediction.submittedAt,
    history: [...(existing?.history ?? []), { at, what: `round ${round}: ${route.explanation}` }],
  };
  if (route.kind === 'auto') {
    const c: ReviewCase = { ...base, state: 'finalized', finalized: { outcome: scored.prediction.recommendation, decidedBy: 'auto', at } };
    const finalized = decisionFinalized(c, scored.prediction.recommendation, 'auto', [], now);
    if (!route.auditSampled) return { applied: true, case: c, outputs: [finalized] };
    // A sampled auto-approval stands, and a person checks it afterwards (the guide's "AI
    // decides, human spot-checks"): the audit outcome is the false-negative evidence.
    const request = auditRequest(policy, now);
    const audited: ReviewCase = { ...c, request, ...(policy.arbitration.aiDisagreementTiers.includes(request.tier) ? { confirmOverride: true } : {}) };
    return { applied: true, case: audited, outputs: [finalized, reviewRequested(audited, `audit of an auto-approval: ${route.explanation}`)] };
  }
  const { slaMinutes, ...request } = route.request;
  const c: ReviewCase = {
    ...base,
    request: {
      ...request,
      reason: existing ? 'revision' : request.reason,
      requestedAt: at,
      dueAt: new Date(now.getTime() + slaMinutes * 60_000).toISOString(),
      ...nextEscalation(policy, now, 0),
    },
  };
  return { applied: true, case: c, outputs: [reviewRequested(c, route.explanation)] };
}
