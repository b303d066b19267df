import type { z } from 'zod';

/**
 * Stable codes: consumers route on them (every ContractError is a poison message for the DLQ,
 * never retried) and operators search for them, so a code is never renamed.
 */
export const ContractErrorCodes = [
  /** The value is not UTF-8 JSON (or is empty: a tombstone carries no event). */
  'MALFORMED_JSON',
  /** The JSON does not satisfy the event's schema; `issues` says where. */
  'INVALID_PAYLOAD',
  /** ce_type names another event than the topic's. */
  'UNKNOWN_TYPE',
  /** ce_type names this event in a version we do not read, or ce_specversion is not 1.0. */
  'UNKNOWN_VERSION',
  /** A required CloudEvents header is absent, empty or unusable (bad time, non-JSON content type). */
  'MISSING_HEADER',
  /** The Kafka record has no key: without it the case's events are not ordered. */
  'MISSING_KEY',
  /** The record key is not the one the contract derives from the data (wrong partition). */
  'KEY_MISMATCH',
  /** The value is over its topic's limit (maxEventBytes): 256 KiB for a prediction, 768 KiB for the platform's own events. */
  'TOO_LARGE',
] as const;

export type ContractErrorCode = (typeof ContractErrorCodes)[number];

export interface ContractIssue {
  /** Readable location in the payload: `score.factors.inputQuality.value`, `approvers[0].role`; '' is the root. */
  path: string;
  message: string;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly issues: ContractIssue[] = [],
  ) {
    super(message);
  }
}

/** A DLQ header has to stay readable: the message lists a few issues, `issues` keeps them all. */
const MAX_ISSUES_IN_MESSAGE = 10;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/**
 * Turns a zod error into issues with readable paths and one message naming what was being
 * validated, e.g. `invalid prediction.submitted v1: probability: Too big: expected number to be <=1`.
 */
export function formatZodError(err: z.ZodError, label = 'payload'): { message: string; issues: ContractIssue[] } {
  const issues = err.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => `${i.path || '(root)'}: ${i.message}`);
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
  return { message: `invalid ${label}: ${shown.join('; ')}${more}`, issues };
}

export function invalidPayload(err: z.ZodError, label: string): ContractError {
  const { message, issues } = formatZodError(err, label);
  return new ContractError('INVALID_PAYLOAD', message, issues);
}
