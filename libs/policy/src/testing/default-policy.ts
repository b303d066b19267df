import { loadPolicy } from '../load-policy';
import type { Policy } from '../policy.schema';

let cached: Policy | undefined;

/** The repository's default policy, loaded once per test file (tests must not mutate it). */
export function defaultPolicy(): Policy {
  cached ??= loadPolicy(undefined, {});
  return cached;
}
