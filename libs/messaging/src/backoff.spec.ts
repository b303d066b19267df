import { backoffDelay, type RetryPolicy } from './backoff';
import { runWithRetry } from './retry';
import { NonRetriableError, RetriableError } from './errors';

const policy: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 1_000 };

describe('backoffDelay', () => {
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [2, 0, 100],
    [3, 1, 400],
    [10, 1, 1_000],
    [10, 0, 500],
  ])('attempt %i with random %d waits %i ms (exponential, equal jitter, capped)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });
});

describe('runWithRetry', () => {
  const fast: RetryPolicy = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1 };

  it('retries a retriable failure and reports the attempt that succeeded', async () => {
    let calls = 0;
    const outcome = await runWithRetry(async () => {
      calls++;
      if (calls < 3) throw new RetriableError('blip');
    }, fast);
    expect(outcome).toEqual({ ok: true, attempts: 3 });
  });

  it('gives up after maxAttempts with the last error', async () => {
    const outcome = await runWithRetry(async () => {
      throw new RetriableError('down');
    }, fast);
    expect(outcome).toMatchObject({ ok: false, interrupted: false, attempts: 3, errorClass: 'retriable' });
  });

  it('does not retry a non-retriable failure', async () => {
    let calls = 0;
    const outcome = await runWithRetry(async () => {
      calls++;
      throw new NonRetriableError('bad data');
    }, fast);
    expect(calls).toBe(1);
    expect(outcome).toMatchObject({ ok: false, interrupted: false, attempts: 1, errorClass: 'non-retriable' });
  });

  it('stops waiting when shutdown aborts, and says it was interrupted (not dead-lettered)', async () => {
    const abort = new AbortController();
    const slow: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 };
    const outcome = runWithRetry(
      async () => {
        throw new RetriableError('down');
      },
      slow,
      { signal: abort.signal, onRetry: () => abort.abort() },
    );
    await expect(outcome).resolves.toMatchObject({ ok: false, interrupted: true, attempts: 1 });
  });
});
