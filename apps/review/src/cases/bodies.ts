import { Tiers } from '@hitl/contracts';
import { z } from 'zod';

// The pattern puts "not blank" into the OpenAPI document too (trimming does not show there).
const text = (what: string) => z.string({ error: `${what} is required` }).regex(/\S/, `${what} must not be blank`).trim().min(1, `${what} must not be blank`).max(5_000);
const role = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'expected a role name').optional().describe('The role to act in, when the reviewer holds several eligible ones.');

/** Approve: agreeing with the AI takes one call, no body needed. */
export const ApproveBody = z.strictObject({ role, comment: z.string().max(5_000).optional() }).describe('Accept the AI recommendation.');
/** Override: friction by design, a reason is required (the guide). */
const reasonCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a reason code of the policy (lower-case, e.g. missing_context)')
  .max(100)
  .optional()
  .describe("One of the policy's overrideReasons codes (GET /api/cases/{id} lists them as overrideReasons); required when the policy lists any.");
export const OverrideBody = z
  .strictObject({
    outcome: text('outcome').pipe(z.string().max(500)).describe("The outcome decided instead: one of the case's outcomes (GET /api/cases/{id}), unless the policy allows free text for the category."),
    reason: text('reason'),
    reasonCode,
    role,
  })
  .describe('Decide otherwise than the AI, saying why.');
/** Decide a blind case (shadow stage): the outcome, without knowing what the AI recommended. */
export const DecideBody = z
  .strictObject({ outcome: text('outcome').pipe(z.string().max(500)), reason: z.string().trim().max(5_000).optional(), reasonCode, role })
  .describe('Decide a case reviewed blind (rollout stage shadow).');
export const RequestInfoBody = z.strictObject({ question: text('question'), role }).describe('Ask the producer for more information (a revision round).');
export const EscalateBody = z.strictObject({ reason: text('reason'), role }).describe('Hand the case up the escalation ladder.');

export type ApproveBody = z.infer<typeof ApproveBody>;
export type OverrideBody = z.infer<typeof OverrideBody>;
export type DecideBody = z.infer<typeof DecideBody>;
export type RequestInfoBody = z.infer<typeof RequestInfoBody>;
export type EscalateBody = z.infer<typeof EscalateBody>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const QueueQuery = z.strictObject({
  tier: z.enum(Tiers).optional(),
  category: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'expected a category name').optional(),
  minPriority: z.coerce.number().int().min(0).max(100).optional(),
  dueBefore: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time, e.g. 2026-01-06T10:00:00Z' }).optional(),
  escalated: bool.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

export const LoginBody = z.strictObject({ username: text('username').pipe(z.string().max(64)), password: z.string({ error: 'password is required' }).min(1, 'password is required').max(1_000) });
export type LoginBody = z.infer<typeof LoginBody>;
