import { z } from 'zod';
import { slugField, textField, timestampField, versionField } from './fields';

/**
 * An admin's hand on the stop button of a category and model (human oversight's "stop"):
 * stop automation now, or lift a stop the circuit breaker (or an admin) put there. Emitted by the
 * review app for an authenticated admin (and recorded in its audit log); feedback applies it and
 * publishes the resulting trust.updated.
 */
export const TrustControlV1Schema = z
  .object({
    category: slugField.describe('The message key.'),
    modelVersion: versionField,
    action: z.enum(['stop', 'lift']),
    reason: textField.min(3).max(1_000).describe('Why, in words (required: it is audited).'),
    by: z.object({ reviewerId: z.string().min(1).max(200), role: slugField }),
    controlId: z.string().min(1).max(200).describe('Unique per action: a redelivery applies it once.'),
    requestedAt: timestampField,
  })
  .meta({ title: 'trust.control v1', description: "An admin stops or restarts automation of a category and model, with a reason." });

export type TrustControlV1 = z.infer<typeof TrustControlV1Schema>;
