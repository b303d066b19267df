import { z } from 'zod';
import {
  durationMsField,
  idField,
  isBlank,
  outcomeField,
  roundField,
  slugField,
  textField,
  timestampField,
  unitInterval,
  versionField,
} from './fields';
import { BandSchema, TierSchema } from './vocabulary';

/** One human decision as a learning example: what the AI said, what the person decided, why. */
export const FeedbackCapturedV1Schema = z
  .object({
    feedbackId: idField.describe('Unique per captured decision; derived from the decision so a replay keeps it.'),
    caseId: idField.describe('The case (= predictionId); the message key.'),
    predictionId: idField,
    category: slugField,
    modelVersion: versionField,
    aiRecommendation: outcomeField,
    humanDecision: outcomeField,
    override: z.boolean().describe('The human decided otherwise than the AI.'),
    reviewerId: idField,
    role: slugField,
    reviewTimeMs: durationMsField.describe('From opening the case to deciding.'),
    reason: textField.optional().describe('Why; always present for an override.'),
    reasonCode: slugField.optional().describe("The override's reason code from the policy (review.decided reasonCode), when it has one."),
    band: BandSchema,
    confidence: unitInterval.describe('The overall score the AI had.'),
    tier: TierSchema,
    round: roundField,
    capturedAt: timestampField,
  })
  .superRefine((e, ctx) => {
    if (e.override === true && isBlank(e.reason)) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Required when override is true' });
    }
  })
  .meta({
    title: 'feedback.captured v1',
    description:
      'A human decision captured for learning. Rule: reason is required when override is true.',
  });

export type FeedbackCapturedV1 = z.infer<typeof FeedbackCapturedV1Schema>;
