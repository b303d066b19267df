import { z } from 'zod';
import {
  currencyField,
  idField,
  outcomeField,
  producerField,
  roundField,
  slugField,
  textField,
  timestampField,
  toMillis,
  unitInterval,
  versionField,
} from './fields';
import { ScoreSchema, TriggerSchema } from './score';
import { ReviewReasonSchema, RiskLevelSchema, RolloutStageSchema, TierSchema } from './vocabulary';

/** What a reviewer needs to decide without opening another system. */
export const ReviewContextSchema = z.object({
  category: slugField,
  input: z.record(z.string(), z.unknown()),
  reasoning: textField,
  value: z.number().min(0).optional(),
  currency: currencyField.optional(),
  riskLevel: RiskLevelSchema.optional(),
  tags: z.array(slugField).max(50).optional(),
  modelVersion: versionField,
  producer: producerField,
});
export type ReviewContext = z.infer<typeof ReviewContextSchema>;

/** 0 is routine, 100 the most urgent; queues sort by priority (desc), then dueAt (asc). */
export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 100;

export const ReviewRequestedV1Schema = z
  .object({
    caseId: idField.describe('The case (= predictionId); the message key.'),
    predictionId: idField,
    tier: TierSchema,
    requiredApprovals: z.number().int().min(1).max(10).describe('Distinct approvers needed (2 for dual approval).'),
    eligibleRoles: z.array(slugField).min(1).max(20).describe('Roles that may act on this request.'),
    requiredRoles: z
      .array(slugField)
      .max(20)
      .optional()
      .describe('Roles the quorum must include, one approval each (e.g. one manager and one compliance officer; an escalation target that must decide); absent: any eligible roles.'),
    reason: ReviewReasonSchema.describe('Why a person must look (one request per reason, e.g. disagreement).'),
    disagreement: z
      .enum(['ai_override', 'confident_ai', 'reviewers'])
      .optional()
      .describe("With reason disagreement, whose: ai_override, a person overrode the AI in a tier where the policy asks a second person to decide (arbitration.aiDisagreementTiers); confident_ai, an override of a confident AI in a high-risk tier; reviewers, two people voted differently."),
    priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX).describe('0 routine .. 100 most urgent.'),
    dueAt: timestampField.describe("The tier's time limit for a decision (its SLA: 60 minutes for single approval by default). Escalation runs on its own ladder: see escalatesAt."),
    escalatesAt: timestampField.optional().describe("When the escalation ladder takes its next step if nobody acts (the policy's ladder, from the request that started it); absent past the last rung and for audits."),
    escalatesTo: slugField.optional().describe('The role the next step of the ladder goes to (with escalatesAt).'),
    round: roundField,
    recommendation: outcomeField.describe("The AI's recommendation."),
    score: ScoreSchema,
    triggers: z.array(TriggerSchema).max(50).optional().describe('The triggers that made the review necessary.'),
    context: ReviewContextSchema,
    explanation: textField,
    rollout: RolloutStageSchema.exclude(['automate'])
      .optional()
      .describe("The category's rollout stage when it is not automated yet. shadow: the reviewer decides blind (the recommendation, score and explanation are not shown); assist: shown."),
    exercise: z
      .object({ sourceCaseId: idField, knownOutcome: outcomeField })
      .optional()
      .describe('Reason exercise: a past case where the AI was wrong, put unannounced in the queue; the confirmed outcome is never shown before the verdict.'),
    automationEligible: z.boolean().optional().describe('No trigger and a tier the AI may decide: the verdict is evidence of trust for the category and model.'),
    auditProbability: unitInterval.optional().describe('Reason audit: the probability the auto-approval had of being audited.'),
    confirmOverride: z.boolean().optional().describe("Reason audit: an override (the AI was wrong) needs a second person's word before it counts (the guide's AI–human disagreement)."),
    policyVersion: versionField,
    requestedAt: timestampField,
  })
  .superRefine((e, ctx) => {
    if (toMillis(e.dueAt) < toMillis(e.requestedAt)) {
      ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'Must not be before requestedAt' });
    }
    if ((e.reason === 'exercise') !== (e.exercise !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['exercise'], message: 'Required when reason is exercise, and only then' });
    }
  })
  .meta({
    title: 'review.requested v1',
    description:
      'A case needs a human decision from one of the eligible roles. Rules: dueAt is not before requestedAt; exercise is present exactly when reason is exercise.',
  });

export type ReviewRequestedV1 = z.infer<typeof ReviewRequestedV1Schema>;
