import { backoffDelay, pause, type RetryPolicy } from './backoff';
import { classifyError, type ErrorClass } from './errors';

export type RetryOutcome =
  | { ok: true; attempts: number }
  | { ok: false; interrupted: false; attempts: number; error: unknown; errorClass: ErrorClass }
  | { ok: false; interrupted: true; attempts: number; error: unknown };

export interface RetryHooks {
  signal?: AbortSignal;
  /** Called between attempts so a long retry does not cost the consumer its group membership. */
  heartbeat?: () => Promise<void>;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retriable error, or runs out of attempts.
 * Shutdown (signal aborted) interrupts the wait: the caller must then leave the message
 * uncommitted so the next owner of the partition processes it, never dead-letter it.
 */
export async function runWithRetry(fn: (attempt: number) => Promise<void>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<RetryOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn(attempt);
      return { ok: true, attempts: attempt };
    } catch (error) {
      const errorClass = classifyError(error);
      if (errorClass === 'non-retriable' || attempt >= policy.maxAttempts) {
        return { ok: false, interrupted: false, attempts: attempt, error, errorClass };
      }
      if (hooks.signal?.aborted) return { ok: false, interrupted: true, attempts: attempt, error };
      const delay = backoffDelay(attempt, policy);
      hooks.onRetry?.(attempt, error, delay);
      await pause(delay, hooks.signal);
      if (hooks.signal?.aborted) return { ok: false, interrupted: true, attempts: attempt, error };
      await hooks.heartbeat?.();
    }
  }
}
