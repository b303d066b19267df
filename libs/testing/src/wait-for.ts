export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown when the condition never held: say what was awaited. */
  description?: string;
}

/**
 * Polls `condition` until it returns a truthy value and returns that value; fails with the
 * description and the last error after the timeout. The synchronisation tests use instead of
 * sleeping a fixed time (kafkajs' own testHelpers do the same).
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 30_000, intervalMs = 50, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
