import { z } from 'zod';
import { idField, isBlank, outcomeField, roundField, slugField, textField, timestampField, toMillis } from './fields';
import { ReviewerActionSchema, type ReviewerAction } from './vocabulary';

/** Actions that decide the case need the outcome they decide on. */
const NEEDS_OUTCOME: ReadonlySet<ReviewerAction> = new Set(['approve', 'override']);
/** Friction by design: overriding the AI, asking the producer and escalating must say why. */
const NEEDS_REASON: ReadonlySet<ReviewerAction> = new Set(['override', 'request_info', 'escalate']);

export const ReviewDecidedV1Schema = z
  .object({
    caseId: idField.describe('The case (= predictionId); the message key.'),
    decisionId: idField.describe('Unique id of this human action; consumers dedupe on it.'),
    reviewerId: idField,
    role: slugField.describe('The role the reviewer acted in.'),
    action: ReviewerActionSchema.describe(
      'approve: accept the AI recommendation; override: decide otherwise; request_info: ask the producer (revision); escalate: hand up.',
    ),
    outcome: outcomeField.optional().describe('The decided outcome; required for approve and override.'),
    reason: textField
      .optional()
      .describe('Required for override (why), request_info (the question) and escalate (why).'),
    reasonCode: slugField.optional().describe("The override's reason code from the policy's overrideReasons (the review API requires one for override when the policy lists them); reason keeps the free text."),
    agreesWithAi: z.boolean().describe('True for approve, false for override.'),
    round: roundField,
    exercise: z.literal(true).optional().describe('A verdict on a calibration exercise, not on a live case: routing ignores it; feedback counts it toward the catch rate.'),
    startedAt: timestampField.describe('When the reviewer opened the case.'),
    decidedAt: timestampField,
  })
  .superRefine((e, ctx) => {
    if (NEEDS_OUTCOME.has(e.action) && e.outcome === undefined) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: `Required when action is ${e.action}` });
    }
    if (NEEDS_REASON.has(e.action) && isBlank(e.reason)) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `Required when action is ${e.action}` });
    }
    // An approve that disagrees, or an override that agrees, would corrupt the override rate.
    if (e.action === 'approve' && e.agreesWithAi === false) {
      ctx.addIssue({ code: 'custom', path: ['agreesWithAi'], message: 'Must be true when action is approve' });
    }
    if (e.action === 'override' && e.agreesWithAi === true) {
      ctx.addIssue({ code: 'custom', path: ['agreesWithAi'], message: 'Must be false when action is override' });
    }
    if (toMillis(e.decidedAt) < toMillis(e.startedAt)) {
      ctx.addIssue({ code: 'custom', path: ['decidedAt'], message: 'Must not be before startedAt' });
    }
  })
  .meta({
    title: 'review.decided v1',
    description:
      'A reviewer acted on a case. Rules: outcome is required for approve and override; reason for override, request_info and escalate; agreesWithAi is true for approve and false for override; decidedAt is not before startedAt.',
  });

export type ReviewDecidedV1 = z.infer<typeof ReviewDecidedV1Schema>;
