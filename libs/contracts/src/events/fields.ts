import { z } from 'zod';

/*
 * Building blocks shared by the event schemas. Bounds are generous but present: every field
 * arrives from another process, and an unbounded string is a memory bug waiting for a producer.
 */

/**
 * Names that are compared for equality (ids, versions, outcomes) must not carry stray
 * whitespace: 'approve ' and 'approve' would count as an override, ' 42' and '42' as two cases.
 */
function trimmedString(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(/^\S(?:[\s\S]*\S)?$/, 'Must not be blank or start or end with whitespace');
}

/** An identifier from outside or inside the platform (prediction, case, reviewer, decision). */
export const idField = trimmedString(200);

/**
 * Lower-case machine names: categories, roles, tags, trigger names. Matching on them (a tag
 * `fraud_suspected` triggers escalation) must not depend on how a producer capitalised it.
 */
export const slugField = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'Must be lower-case letters, digits, _ . - (starting with a letter or digit)');

/** A producer system's name; it becomes the CloudEvents source `producer:<name>`, so URI-safe. */
export const producerField = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'Must be letters, digits, . _ : / - (no spaces)');

export const versionField = trimmedString(100);

/** A probability, a confidence, a rate: always the closed interval [0, 1]. */
export const unitInterval = z.number().min(0).max(1);

/** RFC 3339 with an explicit offset: a time without a zone is ambiguous across services. */
export const timestampField = z.iso.datetime({ offset: true });

/** The action or label an AI proposes or a human decides, e.g. `approve_refund`. */
export const outcomeField = trimmedString(500);

/** Free text written for people (reasoning, explanations, reasons, questions). */
export const textField = z.string().max(20_000);

/** Text a rule requires to be present: blank does not count. */
export const requiredText = textField.refine((s) => s.trim().length > 0, 'Must not be blank');

/** The first submission of a prediction is round 1; each revision adds one. */
export const roundField = z.number().int().min(1);

export const currencyField = z.string().regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as EUR');

export const durationMsField = z.number().int().min(0);

export function isBlank(s: string | undefined): boolean {
  return s === undefined || s.trim().length === 0;
}

export function toMillis(iso: string): number {
  return Date.parse(iso);
}

/** Who acted: reviewers are named by id and by the role they acted in (one person, many roles). */
export const ReviewerRefSchema = z.object({ reviewerId: idField, role: slugField });
export type ReviewerRef = z.infer<typeof ReviewerRefSchema>;
