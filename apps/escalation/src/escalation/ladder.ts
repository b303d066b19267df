import type { EscalationReason, EventOf, Topics } from '@hitl/contracts';
import { roleAt, type Policy } from '@hitl/policy';

export type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;
export type EscalationFired = EventOf<typeof Topics.EscalationFired>;

/** One durable timer: fires `escalation.fired` at `dueAt` unless the request it belongs to is over. */
export interface Deadline {
  /** `<case>:<round>:<request>:<level>`: also the CloudEvents id of what it fires (consumers dedupe on it). */
  _id: string;
  caseId: string;
  round: number;
  /** The request (its requestedAt) this ladder belongs to: a newer request replaces the ladder. */
  requestKey: string;
  level: number;
  escalateTo: string;
  reason: EscalationReason;
  dueAt: string;
  /** When the next rung fires, told to whoever receives this one. */
  nextDueAt?: string;
  /** The case's trace (W3C traceparent of its request): what fires continues it. */
  traceparent?: string;
}

/** An escalation to publish right away (critical flag, context trigger, manual). */
export interface Immediate {
  id: string;
  event: EscalationFired;
}

export const requestKeyOf = (e: Pick<ReviewRequested, 'round' | 'requestedAt'>) => `${e.round}@${e.requestedAt}`;

/**
 * The time-based ladder of a review request: one deadline per rung of the policy's ladder
 * (30, 60, 120 minutes after the request by default), scaled by `timeScale` (60 makes a
 * minute a second, for tests and demos: the same durable path, faster).
 */
export function ladderFor(e: ReviewRequested, policy: Policy, timeScale = 1): Deadline[] {
  const start = Date.parse(e.requestedAt);
  const key = requestKeyOf(e);
  const at = (minutes: number) => new Date(start + (minutes * 60_000) / timeScale).toISOString();
  const rungs = policy.escalation.ladder;
  return rungs.map((rung, i) => ({
    _id: `${e.caseId}:${key}:${i + 1}`,
    caseId: e.caseId,
    round: e.round,
    requestKey: key,
    level: i + 1,
    // Decided for the moment it fires: outside business hours the on-call role takes the step.
    escalateTo: roleAt(rung.escalateTo, new Date(at(rung.afterMinutes)), policy.escalation.businessHours),
    reason: 'timeout',
    dueAt: at(rung.afterMinutes),
    ...(rungs[i + 1] ? { nextDueAt: at(rungs[i + 1].afterMinutes) } : {}),
  }));
}

/**
 * The escalations a review request fires at once: the guide's critical flags (fraud_suspected,
 * safety_concern, legal_risk) and context triggers (legal action, media exposure, VIP), each to
 * the role the policy names whatever the confidence; and routing's higher reviews (disagreement,
 * max_rounds). Each with a stable id.
 */
export function immediateFor(e: ReviewRequested, policy: Policy, now: Date): Immediate[] {
  return [...higherReview(e, now), ...triggered(e, policy, now)];
}

/**
 * Routing's own escalations: a disagreement (two people, or a person and the AI where the policy
 * asks for a second person) or a case past its revision rounds goes to a higher review. Recorded
 * and notified here with the same reason, so the case history, the escalation rate and the
 * webhooks see every escalation (DESIGN: only this service emits escalation.fired). One per
 * request (its id names the request): a redelivered request fires nothing new.
 */
function higherReview(e: ReviewRequested, now: Date): Immediate[] {
  if (e.reason !== 'disagreement' && e.reason !== 'max_rounds') return [];
  return [
    {
      id: `${e.caseId}:${requestKeyOf(e)}:${e.reason}`,
      event: { caseId: e.caseId, level: 1, escalateTo: e.eligibleRoles[0], reason: e.reason, firedAt: now.toISOString(), round: e.round, detail: `${e.explanation} (to ${e.eligibleRoles.join(', ')}, tier ${e.tier})`.slice(0, 2_000) },
    },
  ];
}

/** Critical flags and context triggers the policy names: each escalates to its role at once. */
function triggered(e: ReviewRequested, policy: Policy, now: Date): Immediate[] {
  return (e.triggers ?? []).flatMap((trigger) => {
    const rule =
      trigger.kind === 'critical_flag'
        ? policy.criticalFlags.find((f) => f.name === trigger.name)
        : policy.contextTriggers.find((c) => c.name === trigger.name);
    if (!rule) return [];
    const reason: EscalationReason = trigger.kind === 'critical_flag' ? 'critical' : 'context';
    return [
      {
        id: `${e.caseId}:${e.round}:${trigger.kind}:${trigger.name}`,
        event: { caseId: e.caseId, level: 1, escalateTo: rule.escalateTo, reason, firedAt: now.toISOString(), round: e.round, detail: `${trigger.name}${trigger.detail ? `: ${trigger.detail}` : ''}` },
      },
    ];
  });
}

/** A reviewer's "escalate": the next rung of the ladder above the highest reached so far. */
export function manualEscalation(caseId: string, round: number, reachedLevel: number, decisionId: string, reason: string | undefined, policy: Policy, now: Date): Immediate {
  const rungs = policy.escalation.ladder;
  const level = Math.min(reachedLevel + 1, rungs.length);
  return {
    id: `${caseId}:manual:${decisionId}`,
    event: { caseId, level, escalateTo: roleAt(rungs[level - 1].escalateTo, now, policy.escalation.businessHours), reason: 'manual', firedAt: now.toISOString(), round, ...(reason ? { detail: reason.slice(0, 2_000) } : {}) },
  };
}

/**
 * Stops a stored deadline. It is written into the deadline's own bucket, so the pass that reads
 * the bucket sees both and fires nothing: no lookup per deadline when thousands fall due at once.
 */
export interface Cancellation {
  _id: string;
  /** The id of the deadline it stops. */
  cancels: string;
  dueAt: string;
}

/** What a time bucket holds. */
export type TimerEntry = Deadline | Cancellation;

export const isCancellation = (entry: TimerEntry): entry is Cancellation => 'cancels' in entry;

/** A rung of the ladder a case is on, as the case remembers it (to cancel it later). */
export interface LadderRung {
  id: string;
  dueAt: string;
}

export const rungsOf = (ladder: Deadline[]): LadderRung[] => ladder.map((d) => ({ id: d._id, dueAt: d.dueAt }));

/**
 * Cancellations of the rungs still to come. A rung already due when the request ended was
 * rightly due: it is left to fire (or has fired).
 */
export function cancellationsOf(rungs: LadderRung[] | undefined, now: Date): Cancellation[] {
  return (rungs ?? []).filter((r) => Date.parse(r.dueAt) > now.getTime()).map((r) => ({ _id: `x:${r.id}`, cancels: r.id, dueAt: r.dueAt }));
}

/** The deadlines of a bucket that still fire: not cancelled, each id once (a redelivered request may store one twice). */
export function liveDeadlines(entries: TimerEntry[]): Deadline[] {
  const cancelled = new Set(entries.filter(isCancellation).map((c) => c.cancels));
  const live = new Map<string, Deadline>();
  for (const entry of entries) if (!isCancellation(entry) && !cancelled.has(entry._id)) live.set(entry._id, entry);
  return [...live.values()];
}

/** What escalation remembers of a case: its current request, and whether it is over. */
export interface CaseState {
  _id: string;
  version: number;
  requestKey: string;
  round: number;
  /** When a reviewer acted on the current request (approve, override, request info): the ladder stops. */
  actedAt?: string;
  closed?: boolean;
  /** Highest rung reached (timeouts, triggers and manual escalations). */
  level: number;
  /** The current request's ladder: what a decision, a finalization or a newer request cancels. */
  ladder?: LadderRung[];
}
