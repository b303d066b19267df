import type { CategoryRules } from '@hitl/policy';
import { fieldValue, numericValue } from './field-value';

export interface InputQuality {
  /** Share of the required fields present and valid; 1 when the category requires none. */
  value: number;
  /** Required fields that are absent or invalid, for the explanation. */
  missing: string[];
}

/**
 * A required field counts when it is present and not empty (null, blank text, [] and {} are
 * empty; false and 0 are values); a required field that is also numeric must be a finite number.
 */
export function inputQuality(input: Record<string, unknown>, rules: CategoryRules): InputQuality {
  const required = rules.inputs.requiredFields;
  if (required.length === 0) return { value: 1, missing: [] };
  const numeric = new Set(rules.inputs.numericFields);
  const missing = required.filter((field) => !isValid(fieldValue(input, field), numeric.has(field)));
  return { value: (required.length - missing.length) / required.length, missing };
}

function isValid(value: unknown, mustBeNumber: boolean): boolean {
  if (mustBeNumber) return numericValue(value) !== undefined;
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return typeof value !== 'number' || Number.isFinite(value);
}
