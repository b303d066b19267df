import { EscalationReasonSchema, PredictionScoredV1Schema, TierSchema } from '@hitl/contracts';
import { z } from 'zod';

/**
 * One line of a recording (`npm run backtest:record`): a case's scored prediction, what happened
 * to it live, and its outcome when one is known. Validated when read back, so a hand-edited or
 * truncated file fails on the line that is wrong instead of skewing the figures.
 */
export const RecordedCaseSchema = z.object({
  caseId: z.string().min(1),
  /** The prediction.scored event of the case's latest round, as scoring published it. */
  scored: PredictionScoredV1Schema,
  live: z.object({
    /** undecided: neither a final decision nor a review request was recorded (yet). */
    route: z.enum(['auto', 'human', 'undecided']),
    tier: TierSchema.optional(),
    requiredApprovals: z.number().int().min(1).optional(),
    auditSampled: z.boolean().optional(),
    /** An auto-approval's probability of being audited (decision.finalized auditProbability): an audit verdict stands for 1/π cases. */
    auditProbability: z.number().min(0).max(1).optional(),
    escalations: z.array(z.object({ level: z.number().int().min(1), reason: EscalationReasonSchema })),
  }),
  /**
   * What the right decision was, where people said so: the final human decision, or the audit
   * verdict on an auto-approval. Absent for auto-approvals nobody audited and open cases.
   */
  outcome: z.object({ value: z.string().min(1), source: z.enum(['human_decision', 'audit']) }).optional(),
});

export type RecordedCase = z.output<typeof RecordedCaseSchema>;
export type LiveRoute = RecordedCase['live']['route'];
