import type { Band } from '@hitl/contracts';
import type { BandEdges } from './policy.schema';

/**
 * The band of a score (edges as documented on BandEdgesSchema): only auto-approval's edge is
 * exclusive, so a score of exactly 0.95 is audited, 0.85 is auto-approved with audit and 0.70
 * goes to an ordinary human review (guide: "> 0.95", "0.85 – 0.95", "0.70 – 0.85", "< 0.70").
 */
export function bandOf(overall: number, edges: BandEdges): Band {
  if (overall > edges.autoApprove) return 'auto_approve';
  if (overall >= edges.autoApproveAudit) return 'auto_approve_audit';
  if (overall >= edges.humanReview) return 'human_review';
  return 'senior_review';
}
