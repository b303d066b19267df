import { PRIORITY_MAX, Tiers, type Band, type Tier, type Trigger } from '@hitl/contracts';

const BAND_WEIGHT: Record<Band, number> = { auto_approve: 0, auto_approve_audit: 0, human_review: 10, senior_review: 25 };

/**
 * 0..100, higher first: stakes (tier) dominate, then how unsure the AI is, then why a person
 * must look (a critical flag outranks a context trigger), plus 10 per escalation level.
 */
export function priorityOf(tier: Tier, band: Band, triggers: Trigger[], escalationLevel = 0): number {
  const stakes = Tiers.indexOf(tier) * 15;
  const urgency = triggers.some((t) => t.kind === 'critical_flag') ? 25 : triggers.length > 0 ? 10 : 0;
  return Math.min(PRIORITY_MAX, stakes + BAND_WEIGHT[band] + urgency + escalationLevel * 10);
}
