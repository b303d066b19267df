import type { CategoryRules } from '@hitl/policy';
import type { CategorySnapshot } from './category-snapshot';
import { categoricalValues, fieldValue, numericValue } from './field-value';
import { standardDeviation } from './running-stats';

/** A value never seen in a field that has been observed enough: unusual, not alarming. */
export const UNSEEN_VALUE_INDICATOR = 0.5;

export interface EdgeCaseFinding {
  indicator: number;
  /** For the explanation, e.g. "priorClaims 14 is an outlier (z 5.2)". */
  reason: string;
}

export interface EdgeCases {
  value: number;
  /** Findings that contribute, strongest first. */
  findings: EdgeCaseFinding[];
}

/**
 * The edge-case indicator, 0 (ordinary) .. 1 (surely an edge case): the maximum of
 *  - 1 for each critical flag the producer set (fraud_suspected, …);
 *  - per numeric field, once the category has `minObservations` of it: with z = |x − mean| / sd,
 *    0 while z ≤ outlierZ, then z / (2·outlierZ) capped at 1 (0.5 just past the threshold, 1 at
 *    twice it); a field that never varied so far gives 0.5 for a different value;
 *  - per categorical field, once it has `minObservations`: 0.5 for a value never seen
 *    (not for fields with more distinct values than we keep).
 * The statistics are those from before this case.
 */
export function edgeCases(
  input: Record<string, unknown>,
  criticalFlags: readonly string[],
  rules: CategoryRules,
  stats: CategorySnapshot,
): EdgeCases {
  const { numericFields, categoricalFields, outlierZ, minObservations } = rules.inputs;
  const findings: EdgeCaseFinding[] = criticalFlags.map((flag) => ({ indicator: 1, reason: `flagged ${flag}` }));

  for (const field of numericFields) {
    const x = numericValue(fieldValue(input, field));
    const s = stats.numeric(field);
    if (x === undefined || !s || s.n < minObservations) continue;
    const sd = standardDeviation(s);
    if (sd === 0) {
      if (x !== s.mean) findings.push({ indicator: UNSEEN_VALUE_INDICATOR, reason: `${field} ${x} differs from the constant ${s.mean}` });
      continue;
    }
    const z = Math.abs(x - s.mean) / sd;
    if (z > outlierZ) findings.push({ indicator: Math.min(1, z / (2 * outlierZ)), reason: `${field} ${x} is an outlier (z ${z.toFixed(1)})` });
  }

  for (const field of categoricalFields) {
    const seen = stats.categorical(field);
    if (!seen || seen.saturated || seen.n < minObservations) continue;
    const unseen = [...new Set(categoricalValues(fieldValue(input, field)))].filter((v) => !seen.has(v));
    if (unseen.length > 0) findings.push({ indicator: UNSEEN_VALUE_INDICATOR, reason: `${field} ${unseen.map((v) => JSON.stringify(v)).join(', ')} never seen` });
  }

  findings.sort((a, b) => b.indicator - a.indicator);
  return { value: findings.reduce((max, f) => Math.max(max, f.indicator), 0), findings };
}
