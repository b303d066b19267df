import { ContractError } from '@hitl/contracts';

/**
 * Errors are classified once, here, so every consumer treats a poison message and a network
 * blip differently: the first goes to the dead-letter topic at once, the second is retried
 * with backoff a bounded number of times (kafkajs' own split between KafkaJSNonRetriableError
 * and retriable protocol errors).
 */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(
    message: string,
    readonly code = 'NON_RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ErrorClass = 'retriable' | 'non-retriable';

/** Errors from the MongoDB driver and kafkajs that signal a transient condition. */
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoWriteConcernError',
  'MongooseServerSelectionError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

export function classifyError(error: unknown): ErrorClass {
  if (error instanceof ContractError || error instanceof NonRetriableError) return 'non-retriable';
  if (error instanceof RetriableError) return 'retriable';
  if (error instanceof Error) {
    if (TRANSIENT_NAMES.has(error.name)) return 'retriable';
    const flagged = (error as { retriable?: unknown }).retriable;
    if (flagged === false && error.name.startsWith('KafkaJS')) return 'non-retriable';
    // TypeError/RangeError/SyntaxError are programming or data errors: retrying cannot help.
    if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
      return 'non-retriable';
    }
  }
  // Unknown failures are retried (bounded), then dead-lettered: an unexpected outage must not
  // dead-letter good events at the first try.
  return 'retriable';
}

export function errorCode(error: unknown): string {
  if (error instanceof ContractError) return error.code;
  if (error instanceof NonRetriableError) return error.code;
  if (error instanceof Error) return error.name || 'Error';
  return 'UNKNOWN';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How many times each value occurs (the dead letters of a chunk by code, for the metric). */
export function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
