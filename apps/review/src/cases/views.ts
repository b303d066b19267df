import { activeClaim, type QueueItem } from '../queue/queue-item';
import type { CaseDetail } from './review.service';

/** A queue row: enough to choose what to work on next. */
export function summaryOf(item: QueueItem, now: Date) {
  const claim = activeClaim(item, now);
  return {
    caseId: item._id,
    category: item.category,
    tier: item.tier,
    reason: item.reason,
    priority: item.priority,
    dueAt: item.dueAt,
    overdue: Date.parse(item.dueAt) < now.getTime(),
    escalated: item.escalated,
    recommendation: item.recommendation,
    confidence: item.score.overall,
    band: item.score.band,
    triggers: item.triggers.map((t) => t.name),
    value: item.context.value,
    currency: item.context.currency,
    round: item.round,
    approvals: `${item.approvals}/${item.requiredApprovals}`,
    claimedBy: claim ? { id: claim.by, name: claim.name, until: claim.until } : null,
  };
}

/** Everything the guide's review screen shows: context, AI reasoning, confidence, history, similar cases. */
export function detailOf(detail: CaseDetail, now: Date) {
  const { item } = detail;
  return {
    ...summaryOf(item, now),
    predictionId: item.predictionId,
    status: item.status,
    requiredApprovals: item.requiredApprovals,
    eligibleRoles: item.eligibleRoles,
    context: item.context,
    score: item.score,
    triggerDetails: item.triggers,
    explanation: item.explanation,
    policyVersion: item.policyVersion,
    requests: item.requests,
    decisions: item.votes,
    escalations: item.escalations,
    finalized: item.finalized ?? null,
    similar: detail.similar,
    canAct: detail.canAct,
  };
}
