import { Tiers, Topics, type Tier } from '@hitl/contracts';
import { auditStageOf, missingRoles, rolesTheQuorumNeeds, rulesFor, type Policy } from '@hitl/policy';
import { refuse, type Transition } from '../case/open-case';
import { decisionFinalized, reviewRequested } from '../case/outputs';
import type { CaseRequest, ReviewCase, ReviewDecided, ReviewerVote } from '../case/review-case';
import { nextEscalation } from '../case/next-escalation';
import { priorityOf } from '../route/priority';

function nextTier(tier: Tier): Tier {
  return Tiers[Math.min(Tiers.length - 1, Tiers.indexOf(tier) + 1)];
}

function slaOf(policy: Policy, tier: Tier): number {
  return policy.tiers.find((t) => t.name === tier)!.slaMinutes;
}

function newRequest(c: ReviewCase, policy: Policy, now: Date, fields: Pick<CaseRequest, 'tier' | 'requiredApprovals' | 'eligibleRoles' | 'reason' | 'disagreement'>, bump = 1): CaseRequest {
  return {
    ...fields,
    priority: priorityOf(fields.tier, c.band, c.scored.triggers, c.escalationLevel + bump),
    requestedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + Math.max(1, slaOf(policy, fields.tier)) * 60_000).toISOString(),
    // A new request (arbiter, second person, max rounds, next round) starts a new ladder.
    ...nextEscalation(policy, now, 0),
  };
}

/** The guide: a person overriding a high-confidence AI in a high-risk tier needs a senior arbiter. */
function overridesConfidentAi(c: ReviewCase, vote: ReviewerVote, policy: Policy): boolean {
  return !vote.agreesWithAi && c.scored.score.overall >= policy.arbitration.highConfidence && policy.arbitration.highRiskTiers.includes(c.tier);
}

/** The guide's AI–human disagreement: an override in a tier the policy lists goes to a second person. */
function overridesAiInTier(c: ReviewCase, vote: ReviewerVote, policy: Policy): boolean {
  return !vote.agreesWithAi && policy.arbitration.aiDisagreementTiers.includes(c.tier);
}

function toSecondPerson(c: ReviewCase, votes: ReviewerVote[], voters: string[], policy: Policy, now: Date, why: string, secondLook: NonNullable<ReviewCase['secondLook']>): Transition {
  const roles = [...new Set([...(policy.tiers.find((t) => t.name === c.tier)?.eligibleRoles ?? []), ...policy.arbitration.roles])];
  const request = newRequest(c, policy, now, { tier: c.tier, requiredApprovals: 1, eligibleRoles: roles, reason: 'disagreement', disagreement: 'ai_override' });
  const next: ReviewCase = { ...c, state: 'awaiting_arbiter', votes, voters, request, secondLook, history: [...c.history, { at: now.toISOString(), what: why }] };
  return { applied: true, case: next, outputs: [reviewRequested(next, why)] };
}

/** Those whose vote was the final outcome back it; the others were outvoted (e.g. by an arbiter). */
function finalize(c: ReviewCase, outcome: string, votes: ReviewerVote[], now: Date, what: string): Transition {
  const ref = (v: ReviewerVote) => ({ reviewerId: v.reviewerId, role: v.role });
  const approvers = votes.filter((v) => v.outcome === outcome).map(ref);
  const dissenters = votes.filter((v) => v.outcome !== outcome).map(ref);
  const backing = `${approvers.map((a) => a.reviewerId).join(' and ')} backed ${outcome}${dissenters.length > 0 ? `; ${dissenters.map((d) => d.reviewerId).join(' and ')} dissented` : ''}`;
  const done: ReviewCase = {
    ...c,
    state: 'finalized',
    votes,
    finalized: { outcome, decidedBy: 'human', at: now.toISOString() },
    history: [...c.history, { at: now.toISOString(), what: `${what} (${backing})` }],
  };
  return { applied: true, case: done, outputs: [decisionFinalized(done, outcome, 'human', approvers, now, dissenters)] };
}

function toArbiter(c: ReviewCase, votes: ReviewerVote[], voters: string[], policy: Policy, now: Date, why: string, whose: 'reviewers' | 'confident_ai'): Transition {
  const request = newRequest(c, policy, now, { tier: c.tier, requiredApprovals: 1, eligibleRoles: policy.arbitration.roles, reason: 'disagreement', disagreement: whose });
  const next: ReviewCase = { ...c, state: 'awaiting_arbiter', votes, voters, request, history: [...c.history, { at: now.toISOString(), what: why }] };
  return { applied: true, case: next, outputs: [reviewRequested(next, why)] };
}

/** request_info: back to the producer, or — past the policy's rounds — up to the next level. */
function requestInfo(c: ReviewCase, d: ReviewDecided, policy: Policy, now: Date): Transition {
  const maxRounds = rulesFor(policy, c.scored.prediction.category).maxRevisionRounds;
  const at = now.toISOString();
  if (c.round >= maxRounds) {
    const tier = nextTier(c.tier);
    const roles = [...new Set([...policy.seniorRoles, ...policy.tiers.find((t) => t.name === tier)!.eligibleRoles])];
    const request = newRequest(c, policy, now, { tier, requiredApprovals: 1, eligibleRoles: roles, reason: 'max_rounds' });
    const why = `round ${c.round} of ${maxRounds}: more information was asked once too often; up to ${tier} (${roles.join(', ')})`;
    const next: ReviewCase = { ...c, state: 'awaiting_review', tier, request, votes: [], voters: [], history: [...c.history, { at, what: why }] };
    return { applied: true, case: next, outputs: [reviewRequested(next, why)] };
  }
  const next: ReviewCase = { ...c, state: 'awaiting_revision', history: [...c.history, { at, what: `${d.reviewerId} asked the producer: ${d.reason}` }] };
  return {
    applied: true,
    case: next,
    outputs: [
      {
        topic: Topics.RevisionRequested,
        data: {
          caseId: c.caseId,
          predictionId: c.scored.prediction.predictionId,
          round: c.round,
          question: d.reason ?? 'more information needed',
          requestedBy: { reviewerId: d.reviewerId, role: d.role },
          requestedAt: at,
          maxRounds,
        },
      },
    ],
  };
}

/** Required roles (the tier's quorum, escalation targets that must decide) with no vote yet. */
function missingOf(request: ReviewCase['request'], votes: { role: string }[]): string[] {
  return missingRoles(request?.requiredRoles, votes.map((v) => v.role));
}

/** The quorum's roles (libs/policy quorum.ts, the rule the review app refuses by too). An arbiter decides alone. */
function quorumRefusal(c: ReviewCase, d: ReviewDecided): string | undefined {
  if (c.state === 'awaiting_arbiter' || (d.action !== 'approve' && d.action !== 'override')) return undefined;
  const needed = rolesTheQuorumNeeds({ requiredRoles: c.request?.requiredRoles, requiredApprovals: c.request?.requiredApprovals ?? 1, votedRoles: c.votes.map((v) => v.role) });
  if (needed.length === 0 || needed.includes(d.role)) return undefined;
  return `${d.reviewerId} (${d.role}) cannot give this approval: the quorum still needs ${needed.join(' and ')}`;
}

/** Decisions a case keeps for roles not eligible yet (a forged flood stays bounded). */
const MAX_PARKED = 10;

/**
 * A vote in the second look at an override, by the rule audits follow too (libs/policy
 * auditStageOf): backing the AI before anyone confirmed the override decides for the AI; the
 * overrider's answer from arbitration.overturnConfirmations people decides for it; until then
 * one more person; a split or a third answer goes to a senior arbiter, whose word is final.
 */
function secondLook(c: ReviewCase, look: NonNullable<ReviewCase['secondLook']>, vote: ReviewerVote, votes: ReviewerVote[], voters: string[], policy: Policy, now: Date): Transition {
  const overrider = votes[look.overrider];
  const recommendation = c.scored.prediction.recommendation;
  const answers = [overrider.outcome, ...votes.slice(look.from).map((v) => v.outcome)];
  const stage = auditStageOf(recommendation, policy.arbitration.overturnConfirmations, answers);
  if ('verdictAt' in stage) return finalize(c, vote.outcome, votes, now, `${vote.reviewerId} decided ${vote.outcome} on the second look`);
  const said = votes.slice(look.from).map((v) => `${v.reviewerId} ${v.outcome}`).join(', ');
  if (stage.awaits === 'arbiter') {
    return toArbiter(c, votes, voters, policy, now, `${answers.includes(recommendation) ? 'a split' : 'three answers'} (the AI ${recommendation}, ${overrider.reviewerId} ${overrider.outcome}, ${said}): a senior arbiter decides`, 'reviewers');
  }
  return toSecondPerson(c, votes, voters, policy, now, `${said} backed ${overrider.reviewerId}'s override (${overrider.outcome}): one more person who sees both (arbitration.overturnConfirmations ${policy.arbitration.overturnConfirmations})`, look);
}

/**
 * Applies one reviewer action to a case. Dual approval needs two distinct reviewers; a
 * disagreement, or an override of a confident AI in a high-risk tier, goes to an arbiter who
 * took no part, and whose decision is final. An override in a tier of aiDisagreementTiers goes
 * to a second person, whose decision is final when it backs the AI or the override; a third
 * answer goes to a senior arbiter.
 */
export function decide(c: ReviewCase, d: ReviewDecided, policy: Policy, now: Date): Transition {
  if (c.state === 'finalized') return refuse(c, `decision ${d.decisionId} by ${d.reviewerId} recorded, not applied: the case is finalized`, now);
  if (c.state === 'awaiting_revision') return refuse(c, `decision ${d.decisionId} refused: waiting for the producer's revision`, now);
  if (d.round !== c.round) return refuse(c, `decision ${d.decisionId} is for round ${d.round}, the case is in round ${c.round}`, now);
  if (c.votes.some((v) => v.decisionId === d.decisionId)) return refuse(c, `duplicate decision ${d.decisionId} ignored`, now);
  const eligible = c.request?.eligibleRoles ?? [];
  if (!eligible.includes(d.role)) {
    if ((c.parked ?? []).some((p) => p.decisionId === d.decisionId)) return refuse(c, `duplicate decision ${d.decisionId} ignored`, now);
    if ((c.parked ?? []).length >= MAX_PARKED) return refuse(c, `${d.reviewerId} (${d.role}) is not among the eligible roles ${eligible.join(', ')}`, now);
    const why = `${d.reviewerId} (${d.role}) is not among the eligible roles ${eligible.join(', ')} yet: kept until an escalation adds the role`;
    return { applied: true, case: { ...c, parked: [...(c.parked ?? []), d], history: [...c.history, { at: now.toISOString(), what: why }] }, outputs: [] };
  }
  if (c.voters.includes(d.reviewerId)) {
    const stage = c.state === 'awaiting_arbiter' ? 'arbitrate a disagreement they are part of' : 'give both approvals';
    return refuse(c, `${d.reviewerId} cannot ${stage}`, now);
  }

  if (d.action === 'escalate') {
    // The escalation service turns this into escalation.fired; routing re-routes on that.
    return { applied: true, case: { ...c, history: [...c.history, { at: now.toISOString(), what: `${d.reviewerId} escalated: ${d.reason}` }] }, outputs: [] };
  }
  if (d.action === 'request_info') return requestInfo(c, d, policy, now);
  const quorum = quorumRefusal(c, d);
  if (quorum) return refuse(c, quorum, now);

  const vote: ReviewerVote = {
    decisionId: d.decisionId,
    reviewerId: d.reviewerId,
    role: d.role,
    action: d.action,
    outcome: d.outcome ?? c.scored.prediction.recommendation,
    agreesWithAi: d.agreesWithAi,
    ...(d.reason ? { reason: d.reason } : {}),
    decidedAt: d.decidedAt,
  };
  const votes = [...c.votes, vote];
  const voters = [...c.voters, d.reviewerId];

  if (c.state === 'awaiting_arbiter') {
    if (c.request?.disagreement === 'ai_override' && c.secondLook) return secondLook(c, c.secondLook, vote, votes, voters, policy, now);
    return finalize(c, vote.outcome, votes, now, `arbiter ${d.reviewerId} decided ${vote.outcome}`);
  }

  const required = c.request?.requiredApprovals ?? 1;
  const missing = missingOf(c.request, votes);
  if (votes.length < required || missing.length > 0) {
    const more = Math.max(required - votes.length, missing.length);
    const what = `${d.reviewerId} voted ${vote.outcome}; ${more} more needed${missing.length > 0 ? `, from ${missing.join(' and ')}` : ''}`;
    const next: ReviewCase = { ...c, state: 'awaiting_second_approval', votes, voters, history: [...c.history, { at: now.toISOString(), what }] };
    return { applied: true, case: next, outputs: [] };
  }
  const outcomes = new Set(votes.map((v) => v.outcome));
  if (outcomes.size > 1) return toArbiter(c, votes, voters, policy, now, `approvers disagree (${[...outcomes].join(' vs ')}): a senior arbiter decides`, 'reviewers');
  if (votes.some((v) => overridesConfidentAi(c, v, policy))) {
    return toArbiter(c, votes, voters, policy, now, `override of a confident AI (${c.scored.score.overall.toFixed(2)}) in ${c.tier}: a senior arbiter decides`, 'confident_ai');
  }
  const overrider = votes.find((v) => overridesAiInTier(c, v, policy));
  if (overrider) {
    return toSecondPerson(c, votes, voters, policy, now, `${overrider.reviewerId} overrode the AI (${c.scored.prediction.recommendation} → ${overrider.outcome}${overrider.reason ? `: ${overrider.reason}` : ''}): a second person who sees both decides`, { overrider: votes.indexOf(overrider), from: votes.length });
  }
  return finalize(c, vote.outcome, votes, now, `${votes.map((v) => v.reviewerId).join(' and ')} decided ${vote.outcome}`);
}
