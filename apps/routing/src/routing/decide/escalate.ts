import { recordsRoutingRequest } from '@hitl/contracts';
import { roleAt, type Policy } from '@hitl/policy';
import { refuse, type Transition } from '../case/open-case';
import { reviewRequested, type CaseOutput } from '../case/outputs';
import type { EscalationFired, ReviewCase } from '../case/review-case';
import { priorityOf } from '../route/priority';
import { decide } from './decide';

/**
 * escalation.fired re-routes an open case: the role it names may now act too, and the
 * request's priority rises with the level. A level already applied is a duplicate. A
 * disagreement or max_rounds escalation is routing's own higher review: only recorded.
 */
export function escalate(c: ReviewCase, fired: EscalationFired, policy: Policy, now: Date): Transition {
  // Routing's own higher reviews (a disagreement, a case past its revision rounds), recorded and
  // notified by the escalation service: the request that escalated is already the one open.
  if (recordsRoutingRequest(fired.reason)) {
    return { applied: true, case: { ...c, history: [...c.history, { at: now.toISOString(), what: `escalation recorded: ${fired.reason}, to ${fired.escalateTo}` }] }, outputs: [] };
  }
  if (c.state === 'finalized') return refuse(c, `escalation level ${fired.level} (${fired.reason}) after finalization recorded, not applied`, now);
  if (c.state === 'awaiting_revision') return refuse(c, `escalation level ${fired.level} recorded: the case waits for the producer`, now);
  if (fired.level <= c.escalationLevel) return refuse(c, `escalation level ${fired.level} already applied`, now);
  if (fired.round !== undefined && fired.round !== c.round) return refuse(c, `escalation for round ${fired.round} ignored in round ${c.round}`, now);
  const { escalatesAt: _at, escalatesTo: _to, ...request } = c.request!;
  const why = `escalated to ${fired.escalateTo} (level ${fired.level}, ${fired.reason})`;
  const next: ReviewCase = {
    ...c,
    escalationLevel: fired.level,
    request: {
      ...request,
      eligibleRoles: [...new Set([...request.eligibleRoles, fired.escalateTo])],
      // A critical flag's or context trigger's role decides too (escalation.targetMustDecide).
      ...((policy.escalation.targetMustDecide as string[]).includes(fired.reason) ? { requiredRoles: [...new Set([...(request.requiredRoles ?? []), fired.escalateTo])] } : {}),
      reason: 'escalation',
      priority: priorityOf(request.tier, c.band, c.scored.triggers, fired.level),
      requestedAt: now.toISOString(),
      // The tier's time limit stays that of the request; the ladder's next step is when the
      // escalation service said (it knows its own time scale), to the policy's next rung.
      dueAt: request.dueAt,
      ...nextStep(policy, fired),
    },
    history: [...c.history, { at: now.toISOString(), what: why }],
  };
  const outputs: CaseOutput[] = [reviewRequested(next, why)];
  // Decisions that arrived before this escalation, by a role it adds: applied now, in order.
  let current: ReviewCase = { ...next, parked: [] };
  for (const waiting of c.parked ?? []) {
    if (!current.request?.eligibleRoles.includes(waiting.role) || current.state === 'finalized') {
      current = { ...current, parked: [...(current.parked ?? []), waiting] };
      continue;
    }
    const t = decide(current, waiting, policy, now);
    current = t.case;
    if (t.applied) outputs.push(...t.outputs);
  }
  if ((current.parked ?? []).length === 0) delete current.parked;
  return { applied: true, case: current, outputs };
}

/** The ladder's step after this one: when the escalation service said, to the rung the policy names. */
function nextStep(policy: Policy, fired: EscalationFired): Pick<NonNullable<ReviewCase['request']>, 'escalatesAt' | 'escalatesTo'> {
  const rung = policy.escalation.ladder[fired.level];
  if (!rung || !fired.dueAt) return {};
  return { escalatesAt: fired.dueAt, escalatesTo: roleAt(rung.escalateTo, new Date(fired.dueAt), policy.escalation.businessHours) };
}
