import { roleAt, type Policy } from '@hitl/policy';
import type { CaseRequest } from './review-case';

/**
 * When the request escalates if nobody acts, and to whom: the policy ladder's rung after `level`
 * (rungs count from the request that started the ladder, `ladderFrom`), the role as business
 * hours make it then. None past the last rung. As the policy sets it: an escalation service run
 * with ESCALATION_TIME_SCALE (tests, demos) fires earlier.
 */
export function nextEscalation(policy: Policy, ladderFrom: Date, level: number): Pick<CaseRequest, 'escalatesAt' | 'escalatesTo'> {
  const rung = policy.escalation.ladder[level];
  if (!rung) return {};
  const at = new Date(ladderFrom.getTime() + rung.afterMinutes * 60_000);
  return { escalatesAt: at.toISOString(), escalatesTo: roleAt(rung.escalateTo, at, policy.escalation.businessHours) };
}
