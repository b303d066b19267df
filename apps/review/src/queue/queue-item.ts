import { recordsRoutingRequest, type EventOf, type Topics } from '@hitl/contracts';
import { auditStageOf, missingRoles as missingRolesOf, rolesTheQuorumNeeds } from '@hitl/policy';

export type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;
export type ReviewDecided = EventOf<typeof Topics.ReviewDecided>;
export type EscalationFired = EventOf<typeof Topics.EscalationFired>;
export type DecisionFinalized = EventOf<typeof Topics.DecisionFinalized>;

/**
 * Where a case stands for reviewers:
 * - open: waiting for someone eligible (for a dual case, until both approvals are in);
 * - deciding: enough approvals given, waiting for routing's final decision;
 * - waiting_producer: a reviewer asked the producer for more information;
 * - finalized: decided; kept for history and as a similar past case.
 */
export type QueueStatus = 'open' | 'deciding' | 'waiting_producer' | 'finalized';

export interface Vote {
  decisionId: string;
  reviewerId: string;
  role: string;
  action: ReviewDecided['action'];
  outcome?: string;
  reason?: string;
  /** An override's reason code from the policy. */
  reasonCode?: string;
  round: number;
  startedAt: string;
  decidedAt: string;
}

export interface RequestRecord {
  round: number;
  tier: ReviewRequested['tier'];
  reason: ReviewRequested['reason'];
  eligibleRoles: string[];
  requiredApprovals: number;
  priority: number;
  requestedAt: string;
  dueAt: string;
  explanation: string;
}

export interface Claim {
  by: string;
  name: string;
  at: string;
  until: string;
  /** The decision being published right now: a second click meanwhile is refused. */
  acting?: string;
  /** When that action began: a replica that died mid-action leaves the mark, which ACTING_STALE_MS ends. */
  actingSince?: string;
}

/** One case in the review app's own read model (one document per case). */
export interface QueueItem {
  _id: string;
  predictionId: string;
  status: QueueStatus;
  round: number;
  tier: ReviewRequested['tier'];
  category: string;
  eligibleRoles: string[];
  requiredApprovals: number;
  /** Roles the quorum must include, one approval each (see missingRoles). */
  requiredRoles?: string[];
  /** Approvals and overrides in the current stage (a new request, e.g. an arbiter's, starts a stage). */
  approvals: number;
  /** Who voted in this round: separation of duties for the second approval and for the arbiter. */
  voters: string[];
  priority: number;
  /** The tier's time limit for a decision. */
  dueAt: string;
  /** The escalation ladder's next step, if nobody acts (none past the last rung, nor for audits). */
  escalatesAt?: string;
  escalatesTo?: string;
  requestedAt: string;
  reason: ReviewRequested['reason'];
  explanation: string;
  recommendation: string;
  score: ReviewRequested['score'];
  triggers: NonNullable<ReviewRequested['triggers']>;
  context: ReviewRequested['context'];
  policyVersion: string;
  /**
   * The category is in the rollout's shadow stage: the reviewer decides without seeing the AI's
   * recommendation, score, reasoning or explanation, so the decision is evidence of its own.
   */
  blind?: boolean;
  /**
   * The case's trace (W3C traceparent of its latest request): a reviewer's action, however long
   * after, continues it, so one case stays one trace across the human wait.
   */
  trace?: string;
  /** An audit whose overturn needs a second person's word (the guide's AI–human disagreement). */
  confirmOverride?: boolean;
  /** How many people must confirm such an overturn (arbitration.overturnConfirmations when its first vote came; absent: 1). */
  overturnConfirmations?: number;
  /** A calibration exercise: the past case it replays and what people decided there (never shown before the verdict). */
  exercise?: NonNullable<ReviewRequested['exercise']>;
  escalated: boolean;
  escalations: Pick<EscalationFired, 'level' | 'escalateTo' | 'reason' | 'firedAt'>[];
  requests: RequestRecord[];
  votes: Vote[];
  /** When each reviewer first opened the case (startedAt of their decision). */
  openedBy: Record<string, string>;
  claim?: Claim | null;
  /**
   * The case's final decision. An audit's is known from its request (routing audits only
   * auto-approvals, final at once with the AI's recommendation as outcome), so the review app needs
   * no decision.finalized for it, which it skips for auto-approvals. An exercise has none.
   */
  finalized?: FinalDecision | null;
  /** Event ids already applied (bounded): redelivery changes nothing. */
  applied: string[];
  version: number;
  updatedAt: Date;
}

/** What the case remembers of its decision.finalized (latencyMs is not known for an audit's). */
export type FinalDecision = Pick<DecisionFinalized, 'outcome' | 'decidedBy' | 'approvers' | 'dissenters' | 'finalizedAt'> & { latencyMs?: number };

/**
 * The auto-approval an audit checks, as its request tells it: routing sends the audit request
 * with the decision.finalized, at the same time, for a decision whose outcome is the AI's
 * recommendation and that nobody approved by hand.
 */
export function auditedDecision(e: Pick<ReviewRequested, 'recommendation' | 'requestedAt'>): FinalDecision {
  return { outcome: e.recommendation, decidedBy: 'auto', approvers: [], finalizedAt: e.requestedAt };
}

/**
 * The final decision of a case, if it has one: the one it stored, or for an audit the
 * auto-approval it checks (also for audits stored before their request recorded it). An
 * exercise, or a live case not decided yet, has none.
 */
export function finalOf(item: Pick<QueueItem, 'finalized' | 'recommendation' | 'requests'>): FinalDecision | undefined {
  if (item.finalized) return item.finalized;
  const audit = item.requests.find((r) => r.reason === 'audit');
  return audit ? auditedDecision({ recommendation: item.recommendation, requestedAt: audit.requestedAt }) : undefined;
}

/** The policy's arbitration as the review app applies it to audits. */
export interface AuditArbitration {
  /** arbitration.roles: who gives an audit's verdict after a split or a third answer. */
  roles: readonly string[];
  /** arbitration.overturnConfirmations. */
  overturnConfirmations: number;
}

type AuditView = Pick<QueueItem, 'reason' | 'votes' | 'recommendation' | 'confirmOverride' | 'overturnConfirmations'>;

/** Where an audit stands, by the rule of libs/policy auditStageOf (undefined: not an audit). */
function auditStage(item: AuditView): ReturnType<typeof auditStageOf> | undefined {
  if (item.reason !== 'audit') return undefined;
  const confirmations = item.confirmOverride === true ? (item.overturnConfirmations ?? 1) : 0;
  return auditStageOf(item.recommendation, confirmations, auditVotes(item).map((v) => answerOf(v, item.recommendation)));
}

/**
 * An audit's verdict (undefined until given): the first answer, or with confirmOverride the
 * overturn once confirmed, the AI upheld by the first person after the overturn, or a senior
 * arbiter's word after a split or a third answer.
 */
export function auditVerdictOf(item: AuditView): { vote: Vote; upheld: boolean } | undefined {
  const stage = auditStage(item);
  if (!stage || !('verdictAt' in stage)) return undefined;
  const vote = auditVotes(item)[stage.verdictAt];
  return { vote, upheld: answerOf(vote, item.recommendation) === item.recommendation };
}

/** What a person said of the AI's recommendation: their outcome, or the recommendation when they approved. */
function answerOf(v: Vote, recommendation: string): string {
  return v.action === 'approve' ? recommendation : (v.outcome ?? recommendation);
}

/** The audit's approvals and overrides, in order. */
function auditVotes(item: Pick<QueueItem, 'votes'>): Vote[] {
  return item.votes.filter((v) => v.action === 'approve' || v.action === 'override');
}

/**
 * The overturns an audit's verdict waits on (empty otherwise): the first and its confirmations,
 * waiting for more; or overturns with different answers, waiting for a senior arbiter.
 */
export function overturnsToConfirmOf(item: AuditView): Vote[] {
  const stage = auditStage(item);
  if (!stage || !('awaits' in stage)) return [];
  return auditVotes(item).filter((v) => answerOf(v, item.recommendation) !== item.recommendation);
}

/** Whether an audit waits for a senior arbiter (a split or a third answer). */
export function awaitsArbiter(item: AuditView): boolean {
  const stage = auditStage(item);
  return !!stage && 'awaits' in stage && stage.awaits === 'arbiter' && auditVotes(item).length > 0;
}

const REMEMBER_EVENTS = 200;

function remember(item: QueueItem, eventId: string): string[] {
  return [...item.applied, eventId].slice(-REMEMBER_EVENTS);
}

/** A new request for the case: a first request, a new round, an arbiter, an escalation re-route. */
export function onRequested(item: QueueItem | undefined, eventId: string, e: ReviewRequested, now: Date): QueueItem | undefined {
  if (item?.applied.includes(eventId)) return undefined;
  if (item && (item.status === 'finalized' || e.round < item.round)) {
    return { ...item, applied: remember(item, eventId) }; // late: a finalized case is not reopened
  }
  const newRound = !item || e.round > item.round;
  const record: RequestRecord = {
    round: e.round,
    tier: e.tier,
    reason: e.reason,
    eligibleRoles: e.eligibleRoles,
    requiredApprovals: e.requiredApprovals,
    priority: e.priority,
    requestedAt: e.requestedAt,
    dueAt: e.dueAt,
    explanation: e.explanation,
  };
  // What the latest request says about the case: the same whether it opens or updates it.
  const fromRequest = {
    status: 'open' as const,
    round: e.round,
    tier: e.tier,
    category: e.context.category,
    eligibleRoles: e.eligibleRoles,
    requiredApprovals: e.requiredApprovals,
    requiredRoles: e.requiredRoles,
    approvals: 0,
    priority: e.priority,
    dueAt: e.dueAt,
    escalatesAt: e.escalatesAt,
    escalatesTo: e.escalatesTo,
    requestedAt: e.requestedAt,
    reason: e.reason,
    explanation: e.explanation,
    recommendation: e.recommendation,
    score: e.score,
    triggers: e.triggers ?? [],
    context: e.context,
    policyVersion: e.policyVersion,
    blind: e.rollout === 'shadow',
    ...(e.confirmOverride ? { confirmOverride: true } : {}),
    ...(e.exercise ? { exercise: e.exercise } : {}),
  };
  const base: QueueItem = item ?? {
    _id: e.caseId,
    predictionId: e.predictionId,
    ...fromRequest,
    voters: [],
    escalated: false,
    escalations: [],
    requests: [],
    votes: [],
    openedBy: {},
    claim: null,
    finalized: null,
    applied: [],
    version: 0,
    updatedAt: now,
  };
  return {
    ...base,
    ...fromRequest,
    voters: newRound ? [] : base.voters,
    escalated: base.escalated || e.reason === 'escalation',
    requests: [...base.requests, record],
    // A new round is new work: whoever held the case lets go, and everyone opens it afresh.
    claim: newRound ? null : base.claim,
    openedBy: newRound ? {} : base.openedBy,
    // An audit's case was decided already (auto-approved): what the request says of that decision.
    ...(e.reason === 'audit' && !base.finalized ? { finalized: auditedDecision(e) } : {}),
    applied: remember(base, eventId),
  };
}

/** A reviewer's action, seen on Kafka (ours, or another replica's): idempotent by decisionId. */
export function onDecided(item: QueueItem | undefined, e: ReviewDecided, arbitration: AuditArbitration): QueueItem | undefined {
  if (!item || item.votes.some((v) => v.decisionId === e.decisionId)) return undefined;
  return withVote(item, toVote(e), arbitration);
}

export function toVote(e: ReviewDecided): Vote {
  return {
    decisionId: e.decisionId,
    reviewerId: e.reviewerId,
    role: e.role,
    action: e.action,
    ...(e.outcome !== undefined ? { outcome: e.outcome } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
    round: e.round,
    startedAt: e.startedAt,
    decidedAt: e.decidedAt,
  };
}

/** Records a vote; only a vote of the current round on an open case moves it along. */
export function withVote(item: QueueItem, vote: Vote, arbitration: AuditArbitration): QueueItem {
  const votes = [...item.votes, vote];
  if (item.status !== 'open' || vote.round !== item.round) return { ...item, votes };
  const released = item.claim?.by === vote.reviewerId ? null : item.claim;
  if (vote.action === 'request_info') return { ...item, votes, status: 'waiting_producer', claim: null };
  if (vote.action === 'escalate') return { ...item, votes, claim: released };
  const approvals = item.approvals + 1;
  let current = item;
  if (item.reason === 'audit' && item.confirmOverride === true) {
    // The rule the audit was opened under stays its rule (a policy change does not move it).
    const audit = { ...item, votes, overturnConfirmations: item.overturnConfirmations ?? arbitration.overturnConfirmations };
    const stage = auditStage(audit)!;
    if ('awaits' in stage) {
      // Open again for someone else: an overturn counts only once confirmed, and a split or a
      // third answer only with a senior arbiter's word (who took no part: voters cannot act again).
      const roles = stage.awaits === 'arbiter' && arbitration.roles.length > 0 ? { eligibleRoles: [...arbitration.roles] } : {};
      return { ...audit, approvals, requiredApprovals: approvals + 1, ...roles, voters: [...item.voters, vote.reviewerId], claim: released };
    }
    current = { ...item, overturnConfirmations: audit.overturnConfirmations, requiredApprovals: approvals };
  }
  // An audit's verdict ends it: the case was decided already, nothing more comes from routing.
  // So does an exercise's: it replays a past case, routing never hears of it.
  // The verdict never changes the final decision: an audit keeps the auto-approval it checked.
  if ((current.reason === 'audit' || current.reason === 'exercise') && approvals >= current.requiredApprovals) {
    const finalized = current.reason === 'audit' ? (finalOf(item) ?? null) : (current.finalized ?? null);
    return { ...current, votes, approvals, voters: [...current.voters, vote.reviewerId], status: 'finalized', claim: null, finalized };
  }
  const next = { ...current, votes };
  return {
    ...next,
    approvals,
    voters: current.voters.includes(vote.reviewerId) ? current.voters : [...current.voters, vote.reviewerId],
    // Routing decides once the approvals are in and every role the quorum needs has voted.
    status: approvals >= current.requiredApprovals && missingRoles(next).length === 0 ? 'deciding' : 'open',
    claim: released,
  };
}

/** Roles the quorum still needs a vote from, in the current round (as routing counts them). */
export function missingRoles(item: Pick<QueueItem, 'requiredRoles' | 'votes' | 'round'>): string[] {
  return missingRolesOf(item.requiredRoles, votedRoles(item));
}

/** The roles the next approval must come from, or [] when any eligible role may give it (libs/policy quorum.ts, the rule routing applies). */
export function rolesTheQuorumNeedsOf(item: Pick<QueueItem, 'requiredRoles' | 'requiredApprovals' | 'votes' | 'round'>): string[] {
  return rolesTheQuorumNeeds({ requiredRoles: item.requiredRoles, requiredApprovals: item.requiredApprovals, votedRoles: votedRoles(item) });
}

/** The roles of the round's approvals and overrides. */
function votedRoles(item: Pick<QueueItem, 'votes' | 'round'>): string[] {
  return item.votes.filter((v) => v.round === item.round && (v.action === 'approve' || v.action === 'override')).map((v) => v.role);
}

export function onEscalated(item: QueueItem | undefined, eventId: string, e: EscalationFired): QueueItem | undefined {
  if (!item || item.applied.includes(eventId)) return undefined;
  if (item.status === 'finalized') return { ...item, applied: remember(item, eventId) };
  const recorded = { ...item, escalated: true, escalations: [...item.escalations, { level: e.level, escalateTo: e.escalateTo, reason: e.reason, firedAt: e.firedAt }], applied: remember(item, eventId) };
  // The record of a request routing made itself (a disagreement's second look or arbiter): that
  // request names who decides. Widening it here would let a role act that routing does not count,
  // e.g. the second look's role on the arbiter's request when the two topics arrive out of order.
  if (recordsRoutingRequest(e.reason)) return recorded;
  // Routing re-routes with a new request; until it arrives the new role may already see the case.
  return { ...recorded, eligibleRoles: item.eligibleRoles.includes(e.escalateTo) ? item.eligibleRoles : [...item.eligibleRoles, e.escalateTo] };
}

export function onFinalized(item: QueueItem | undefined, eventId: string, e: DecisionFinalized): QueueItem | undefined {
  // A case decided without a review request (auto-approved) never was in the queue.
  if (!item || item.applied.includes(eventId)) return undefined;
  const finalized = { outcome: e.outcome, decidedBy: e.decidedBy, approvers: e.approvers, ...(e.dissenters ? { dissenters: e.dissenters } : {}), finalizedAt: e.finalizedAt, latencyMs: e.latencyMs };
  // An audit of an auto-approval stays in the queue after the decision: it is the audit's work.
  if (item.reason === 'audit' && item.status === 'open') return { ...item, finalized, applied: remember(item, eventId) };
  return {
    ...item,
    status: 'finalized',
    claim: null,
    finalized,
    applied: remember(item, eventId),
  };
}

/** The claim, if it is still someone's at `now`. */
export function activeClaim(item: Pick<QueueItem, 'claim'>, now: Date): Claim | undefined {
  return item.claim && Date.parse(item.claim.until) > now.getTime() ? item.claim : undefined;
}
