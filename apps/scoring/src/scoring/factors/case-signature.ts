import type { CategoryRules } from '@hitl/policy';
import { categoricalValues, fieldValue, numericValue } from './field-value';

/**
 * What "a similar case" means for training-data coverage: the same AI recommendation and the
 * same coarse features — each numeric field by order of magnitude (doubling buckets: below 1,
 * 1, 2–3, 4–7, …), each categorical field by its value(s). `features` is the full signature.
 */
export interface CaseSignature {
  recommendation: string;
  features: string;
}

export function caseSignature(recommendation: string, input: Record<string, unknown>, rules: CategoryRules): CaseSignature {
  const parts = [recommendation];
  for (const field of rules.inputs.numericFields) {
    const x = numericValue(fieldValue(input, field));
    parts.push(`${field}=${x === undefined ? '-' : magnitude(x)}`);
  }
  for (const field of rules.inputs.categoricalFields) {
    const values = categoricalValues(fieldValue(input, field));
    parts.push(`${field}=${values.length === 0 ? '-' : [...new Set(values)].sort().join(',')}`);
  }
  return { recommendation, features: parts.join('|') };
}

/** Doubling buckets, signed: [0, 1) → 0, [1, 2) → 1, [2, 4) → 2, [4, 8) → 3, −5 → −3. */
function magnitude(x: number): number {
  const abs = Math.abs(x);
  const b = abs < 1 ? 0 : Math.floor(Math.log2(abs)) + 1;
  return x < 0 ? -b : b;
}
