import { z } from 'zod';
import { durationMsField, idField, outcomeField, ReviewerRefSchema, slugField, timestampField, unitInterval, versionField } from './fields';
import { ScoreTrustSchema } from './score';
import { BandSchema, DecidedBySchema, TierSchema } from './vocabulary';

/** The one event downstream systems consume: exactly one per prediction. */
export const DecisionFinalizedV1Schema = z
  .object({
    caseId: idField.describe('The case (= predictionId); the message key.'),
    predictionId: idField,
    outcome: outcomeField,
    decidedBy: DecidedBySchema,
    approvers: z.array(ReviewerRefSchema).max(20).describe('Who backed the final outcome (their vote was this outcome); empty when decidedBy is auto.'),
    dissenters: z
      .array(ReviewerRefSchema)
      .max(20)
      .optional()
      .describe('Who voted on the case for another outcome and was outvoted (e.g. the reviewer an arbiter overruled); absent when nobody dissented.'),
    band: BandSchema,
    tier: TierSchema,
    policyVersion: versionField,
    finalizedAt: timestampField,
    latencyMs: durationMsField.describe('From submittedAt to finalizedAt.'),
    auditSampled: z.boolean().optional().describe('An auto-approval picked for a random human audit.'),
    category: slugField.optional().describe('The prediction category (for per-category health and feedback).'),
    modelVersion: versionField.optional().describe('The model that made the prediction.'),
    recommendation: outcomeField.optional().describe("The AI's recommendation, beside the final outcome."),
    confidence: unitInterval.optional().describe('The overall confidence the case was scored with.'),
    auditProbability: unitInterval.optional().describe('For an auto-approval: the probability it had of being audited (every estimate weights an audit by its inverse).'),
    automationEligible: z.boolean().optional().describe('No trigger and a tier the AI may decide: the case could have been decided by automation, so its outcome is evidence of trust.'),
    trust: ScoreTrustSchema.optional().describe('The trust the case was scored with.'),
    shadow: z.boolean().optional().describe('The category is not automated yet (rollout stage shadow or assist): people decided, the AI was logged.'),
  })
  .superRefine((e, ctx) => {
    const approvers = Array.isArray(e.approvers) ? e.approvers : [];
    if (e.decidedBy === 'auto' && approvers.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'Must be empty when decidedBy is auto' });
    }
    if (e.decidedBy === 'human' && approvers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'Must name the approvers when decidedBy is human' });
    }
    // Dual approval means two distinct people; a repeated reviewer is a routing bug.
    const ids = [...approvers, ...(Array.isArray(e.dissenters) ? e.dissenters : [])].map((a) => a?.reviewerId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'Must not name a reviewer twice' });
    }
  })
  .meta({
    title: 'decision.finalized v1',
    description:
      'The final decision of a case, exactly one per prediction. Rules: approvers is empty when decidedBy is auto and names each human who backed the outcome once when decidedBy is human; dissenters names those outvoted; nobody is named twice.',
  });

export type DecisionFinalizedV1 = z.infer<typeof DecisionFinalizedV1Schema>;
