import type { Trigger } from '@hitl/contracts';
import type { ContextTrigger, Policy } from './policy.schema';
import { searchableTexts } from './searchable-texts';

export interface TriggerSource {
  tags?: readonly string[];
  reasoning: string;
  input: Record<string, unknown>;
}

/** The contract bounds a trigger's detail; one list of matches must not exceed it. */
const MAX_DETAIL = 1_000;
const MAX_TRIGGERS = 50;

/**
 * Reasons to involve a person whatever the confidence. Critical flags come from the producer's
 * tags only (an explicit claim such as fraud_suspected); context triggers fire on their tags or
 * on a keyword found, case-insensitively and as whole words, in the reasoning or in any string
 * of `input` (nested objects and arrays too, within bounds). One trigger per name, critical
 * flags first, each in policy order; `detail` says what matched and where.
 */
export function detectTriggers(prediction: TriggerSource, policy: Policy): Trigger[] {
  const tags = new Set(prediction.tags ?? []);
  const triggers: Trigger[] = [];
  for (const flag of policy.criticalFlags) {
    if (tags.has(flag.name)) triggers.push({ kind: 'critical_flag', name: flag.name, detail: `tag ${flag.name}` });
  }
  const texts = [{ where: 'reasoning', text: prediction.reasoning }, ...searchableTexts(prediction.input, 'input')];
  for (const trigger of policy.contextTriggers) {
    const matches = [
      ...trigger.tags.filter((tag) => tags.has(tag)).map((tag) => `tag ${tag}`),
      ...keywordMatches(trigger, texts),
    ];
    if (matches.length > 0) triggers.push({ kind: 'context', name: trigger.name, detail: truncate(matches.join('; ')) });
  }
  return triggers.slice(0, MAX_TRIGGERS);
}

function keywordMatches(trigger: ContextTrigger, texts: { where: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { where, text } of texts) {
    for (const { keyword, pattern } of keywordPatterns(trigger)) {
      if (pattern.test(text)) found.push(`"${keyword}" in ${where}`);
    }
  }
  return found;
}

const compiled = new WeakMap<ContextTrigger, { keyword: string; pattern: RegExp }[]>();

/**
 * One regex per keyword, compiled once per policy, tested separately so that overlapping
 * phrases ("take legal" and "legal action") are both reported. Whole words, so "press" does
 * not fire on "expressed" nor "media" on "intermediate"; a plural -s/-es still matches
 * ("lawyers"), and any run of whitespace matches the space inside a phrase ("legal\n action").
 */
function keywordPatterns(trigger: ContextTrigger): { keyword: string; pattern: RegExp }[] {
  let patterns = compiled.get(trigger);
  if (!patterns) {
    patterns = trigger.keywords.map((raw) => {
      const keyword = raw.trim().toLowerCase().replace(/\s+/g, ' ');
      const body = escape(keyword).replace(/ /g, '\\s+');
      return { keyword, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${body}(?:e?s)?(?![\\p{L}\\p{N}])`, 'iu') };
    });
    compiled.set(trigger, patterns);
  }
  return patterns;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function truncate(s: string): string {
  return s.length <= MAX_DETAIL ? s : `${s.slice(0, MAX_DETAIL - 1)}…`;
}
