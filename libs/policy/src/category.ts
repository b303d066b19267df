import type { FactorWeights } from '@hitl/contracts';
import type { BandEdges, InputRules, Policy, RolloutStage } from './policy.schema';

/** Everything scoring and routing need about one category, defaults and override merged. */
export interface CategoryRules {
  category: string;
  weights: FactorWeights;
  bands: BandEdges;
  inputs: InputRules;
  rollout: RolloutStage;
  maxRevisionRounds: number;
  auditSampleRate: number;
  coverageScale: number;
  /** Before certified evidence: people decide every case (assist), or the guide's bands do (guide_bands). */
  untilCertified: 'assist' | 'guide_bands';
  /** The outcomes a person may decide (empty: any). */
  outcomes: string[];
  /** Whether an outcome outside `outcomes` may be typed in. */
  freeTextOutcomes: boolean;
  /** True when the policy has an entry for this category (otherwise: the defaults alone). */
  configured: boolean;
}

/**
 * The category's settings: each key of its override replaces the default's (lists replace,
 * they are not appended: a category that lists its required fields lists all of them). Weights
 * and bands are replaced as a whole, because they are only valid together (sum, order).
 */
export function rulesFor(policy: Policy, category: string): CategoryRules {
  const own = Object.hasOwn(policy.categories, category) ? policy.categories[category] : undefined;
  const d = policy.defaults;
  return {
    category,
    weights: own?.weights ?? d.weights,
    bands: own?.bands ?? d.bands,
    inputs: { ...d.inputs, ...definedOnly(own?.inputs ?? {}) },
    rollout: own?.rollout ?? d.rollout,
    maxRevisionRounds: own?.maxRevisionRounds ?? d.maxRevisionRounds,
    auditSampleRate: own?.auditSampleRate ?? d.auditSampleRate,
    coverageScale: own?.coverageScale ?? d.coverageScale,
    untilCertified: own?.untilCertified ?? policy.feedback.trust.untilCertified,
    outcomes: own?.outcomes ?? d.outcomes,
    freeTextOutcomes: own?.freeTextOutcomes ?? d.freeTextOutcomes ?? (own?.outcomes ?? d.outcomes).length === 0,
    configured: own !== undefined,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Why a person may not decide `outcome` for the category, or undefined when they may: the AI's
 * recommendation always may be decided; otherwise the policy's list, unless it allows free text.
 * `blind`: the case is decided without seeing the recommendation, which a refusal must then not
 * name (the list alone is shown).
 */
export function outcomeRefusal(rules: Pick<CategoryRules, 'category' | 'outcomes' | 'freeTextOutcomes'>, outcome: string, recommendation: string, blind = false): string | undefined {
  if (outcome === recommendation || rules.freeTextOutcomes || rules.outcomes.includes(outcome)) return undefined;
  return `outcome ${JSON.stringify(outcome)} is not one of ${rules.category}'s outcomes: ${[...new Set([...(blind ? [] : [recommendation]), ...rules.outcomes])].join(', ')}`;
}
