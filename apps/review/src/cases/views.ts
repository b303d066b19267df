import { activeClaim, auditVerdictOf, finalOf, missingRoles, overturnsToConfirmOf, awaitsArbiter, type QueueItem } from '../queue/queue-item';
import type { CaseDetail } from './review.service';

/** A queue row: enough to choose what to work on next. */
export function summaryOf(item: QueueItem, now: Date) {
  const claim = activeClaim(item, now);
  const blind = item.blind === true;
  return {
    caseId: item._id,
    category: item.category,
    tier: item.tier,
    // An exercise looks like any first review until it is decided.
    reason: item.reason === 'exercise' ? 'band' : item.reason,
    priority: item.priority,
    dueAt: item.dueAt,
    overdue: Date.parse(item.dueAt) < now.getTime(),
    /** The ladder's next step if nobody acts: when, to whom (null past the last rung). */
    nextEscalation: item.escalatesAt && item.escalatesTo && item.status === 'open' ? { at: item.escalatesAt, to: item.escalatesTo } : null,
    escalated: item.escalated,
    /** Shadow stage: decided without the AI's view (null: not shown). */
    blind,
    recommendation: blind ? null : item.recommendation,
    confidence: blind ? null : item.score.overall,
    band: blind ? null : item.score.band,
    triggers: item.triggers.map((t) => t.name),
    value: item.context.value,
    currency: item.context.currency,
    round: item.round,
    approvals: `${item.approvals}/${item.requiredApprovals}`,
    claimedBy: claim ? { id: claim.by, name: claim.name, until: claim.until } : null,
  };
}

/**
 * Everything the guide's review screen shows: context, AI reasoning, confidence, history, similar
 * cases. A blind case (shadow stage) shows the facts and people's actions only: nothing that
 * carries the AI's view (its reasoning, score, the routing explanation, similar cases chosen and
 * labelled by recommendation).
 */
export function detailOf(detail: CaseDetail, now: Date) {
  const { item } = detail;
  const blind = item.blind === true;
  return {
    ...summaryOf(item, now),
    predictionId: item.predictionId,
    status: item.status,
    requiredApprovals: item.requiredApprovals,
    eligibleRoles: item.eligibleRoles,
    /** Roles the quorum still needs a vote from (one manager and one compliance officer…). */
    missingVotes: item.status === 'open' ? missingRoles(item) : [],
    context: blind ? { ...item.context, reasoning: null } : item.context,
    score: blind ? null : item.score,
    triggerDetails: item.triggers,
    explanation: blind ? null : item.explanation,
    policyVersion: item.policyVersion,
    requests: (blind ? item.requests.map(({ explanation: _hidden, ...r }) => r) : item.requests).map((r) => (r.reason === 'exercise' ? { ...r, reason: 'band' as const } : r)),
    decisions: item.votes,
    escalations: item.escalations,
    finalized: finalOf(item) ?? null,
    audit: auditOf(item),
    similar: blind ? [] : detail.similar,
    canAct: detail.canAct,
    /** What may be decided: the outcomes to choose from (free text only where the policy allows) and the override reason codes. */
    choices: detail.choices,
  };
}

/**
 * An audit of an auto-approval: the decision it checks (final, whatever the verdict) and the
 * verdict once given — upheld (approve: the AI was right) or overturned (override: it was wrong).
 */
function auditOf(item: QueueItem) {
  const decision = item.reason === 'audit' ? finalOf(item) : undefined;
  if (!decision) return null;
  const verdict = auditVerdictOf(item);
  const waiting = overturnsToConfirmOf(item);
  const [pending] = waiting;
  const differing = waiting.find((v) => v.outcome !== pending.outcome);
  const overturn = (v: typeof pending) => ({ reviewerId: v.reviewerId, outcome: v.outcome ?? null, reason: v.reason ?? null });
  const upholder = pending && !differing ? item.votes.find((v) => v.action === 'approve' || (v.action === 'override' && v.outcome === item.recommendation)) : undefined;
  return {
    autoApproved: { outcome: decision.outcome, finalizedAt: decision.finalizedAt },
    verdict: verdict ? { upheld: verdict.upheld, outcome: verdict.vote.outcome ?? null, reviewerId: verdict.vote.reviewerId, reason: verdict.vote.reason ?? null, decidedAt: verdict.vote.decidedAt } : null,
    /** An overturn given, waiting for confirmation or an arbiter before it is the verdict (null otherwise). */
    overturnToConfirm: pending ? overturn(pending) : null,
    /** Who confirmed it so far, and how many confirmations it needs (arbitration.overturnConfirmations). */
    confirmations: pending ? { by: waiting.filter((v) => v !== pending && v.outcome === pending.outcome).map((v) => v.reviewerId), needed: item.overturnConfirmations ?? 1 } : null,
    /** An overturn with another answer: a senior arbiter's word is the verdict (null otherwise). */
    differingOverturn: differing ? overturn(differing) : null,
    /** Someone upheld the AI after the overturn was confirmed: a senior arbiter's word is the verdict (null otherwise). */
    upheldAfterConfirmation: upholder ? { reviewerId: upholder.reviewerId } : null,
    /** Who the verdict waits for: more confirmations, or a senior arbiter (null: a verdict, or no overturn yet). */
    awaits: pending ? (awaitsArbiter(item) ? ('arbiter' as const) : ('confirmation' as const)) : null,
  };
}
