/** The value at a field path of `input`; dots reach into nested objects (`request.reason`). */
export function fieldValue(input: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(input, path)) return input[path];
  let node: unknown = input;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A number scoring can use in statistics: finite numbers only (no NaN, no numeric strings). */
export function numericValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Longest categorical value kept: longer text is free text, not a category. */
const MAX_CATEGORY_LENGTH = 200;

/**
 * The category values of a field: a scalar is one value, an array is one value per element
 * (procedure codes, symptoms); objects and empty strings are not categories.
 */
export function categoricalValues(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim().slice(0, MAX_CATEGORY_LENGTH));
    else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
  }
  return out;
}
