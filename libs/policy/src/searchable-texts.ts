/*
 * Bounds on what the keyword search reads: `input` comes from a producer, and a pathological
 * document (deeply nested, a million strings) must not stall the scoring hop.
 */
const MAX_DEPTH = 8;
const MAX_STRINGS = 1_000;
const MAX_TOTAL_CHARS = 200_000;

/**
 * The string values of a JSON-like value with their location (`input.customer.note`,
 * `input.items[2]`), depth-first in document order, within the bounds above.
 */
export function searchableTexts(value: unknown, root: string): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  let budget = MAX_TOTAL_CHARS;
  const visit = (v: unknown, where: string, depth: number): void => {
    if (out.length >= MAX_STRINGS || budget <= 0) return;
    if (typeof v === 'string') {
      const text = v.slice(0, budget);
      budget -= text.length;
      out.push({ where, text });
    } else if (Array.isArray(v)) {
      if (depth < MAX_DEPTH) v.forEach((item, i) => visit(item, `${where}[${i}]`, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      if (depth < MAX_DEPTH) for (const [key, item] of Object.entries(v)) visit(item, `${where}.${key}`, depth + 1);
    }
  };
  visit(value, root, 0);
  return out;
}
