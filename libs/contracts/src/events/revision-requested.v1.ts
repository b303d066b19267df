import { z } from 'zod';
import { idField, requiredText, ReviewerRefSchema, roundField, timestampField } from './fields';

/**
 * Sent back to the producer (the guide's collaborative pattern). `round` is the round the
 * reviewer looked at; the producer answers with the same predictionId and round + 1. Rounds
 * count submissions (the first is 1), so a revision is only requested while round < maxRounds;
 * at maxRounds routing escalates instead.
 */
export const RevisionRequestedV1Schema = z
  .object({
    caseId: idField.describe('The case (= predictionId); the message key.'),
    predictionId: idField,
    round: roundField.describe('The round reviewed; the refined prediction must carry round + 1.'),
    question: requiredText.describe('What the reviewer needs to know.'),
    requestedBy: ReviewerRefSchema,
    requestedAt: timestampField,
    maxRounds: z.number().int().min(2).describe('The highest round a case may reach before it escalates.'),
  })
  .superRefine((e, ctx) => {
    if (e.round >= e.maxRounds) {
      ctx.addIssue({ code: 'custom', path: ['round'], message: 'Must be below maxRounds (the case escalates instead)' });
    }
  })
  .meta({
    title: 'revision.requested v1',
    description:
      'A reviewer asks the producer for a refined prediction; the producer answers on prediction.submitted with the same predictionId and round + 1. Rule: round < maxRounds.',
  });

export type RevisionRequestedV1 = z.infer<typeof RevisionRequestedV1Schema>;
