import { createHash } from 'node:crypto';

/** The contract's bound on policyVersion. */
const MAX_VERSION_LENGTH = 100;

/**
 * The policyVersion a calibrated category reports: `<base>+cal.<category>.<n>` — the policy
 * file's version, then n, the calibrations applied to this category so far (1, 2, …). The `+`
 * suffix keeps the base version readable and tells which calibration scored a case. A category
 * name too long to fit is shortened and made unique again with a hash.
 */
export function calibratedVersion(base: string, category: string, n: number): string {
  const version = `${base}+cal.${category}.${n}`;
  if (version.length <= MAX_VERSION_LENGTH) return version;
  const hash = createHash('sha256').update(category).digest('hex').slice(0, 8);
  const room = Math.max(1, MAX_VERSION_LENGTH - `${base}+cal.~${hash}.${n}`.length);
  return `${base}+cal.${category.slice(0, room)}~${hash}.${n}`;
}
