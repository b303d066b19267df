import { RiskLevels, Tiers, type RiskLevel, type Tier } from '@hitl/contracts';
import type { Policy, TierPolicy } from './policy.schema';

export interface TierInput {
  category: string;
  riskLevel?: RiskLevel;
  /** Monetary value at stake (the currency is the producer's; limits are plain numbers). */
  value?: number;
}

export interface TierSelection {
  tier: TierPolicy;
  /** Why this tier, in words a reviewer understands; one entry per rule that demanded it. */
  because: string[];
}

export function tierRank(tier: Tier): number {
  return Tiers.indexOf(tier);
}

/**
 * The tier rule. Each dimension maps to the least tier that admits it — risk: the least tier
 * whose maxRisk is at least the case's risk; value: the least tier whose maxValue is at least
 * the value (null = no limit); category: the tier that lists it (none: no constraint); an
 * absent risk or value constrains nothing — and the case takes the highest of them and of
 * `minTier` (what its triggers demand). Limits are inclusive: value 1000 fits a 1000 limit.
 */
export function selectTier(input: TierInput, policy: Policy, minTier?: Tier): TierSelection {
  const tiers = policy.tiers;
  const demands: { index: number; reason: string }[] = [];

  if (input.riskLevel !== undefined) {
    const risk = input.riskLevel;
    const index = tiers.findIndex((t) => RiskLevels.indexOf(t.maxRisk) >= RiskLevels.indexOf(risk));
    if (index > 0) demands.push({ index, reason: `risk ${risk} is above ${tiers[index - 1].name}'s maximum ${tiers[index - 1].maxRisk}` });
    else if (index < 0) demands.push({ index: tiers.length - 1, reason: `risk ${risk} is above every tier's maximum` });
  }
  if (input.value !== undefined) {
    const value = input.value;
    const index = tiers.findIndex((t) => t.maxValue === null || value <= t.maxValue);
    if (index > 0) demands.push({ index, reason: `value ${amount(value)} exceeds ${tiers[index - 1].name}'s limit ${amount(tiers[index - 1].maxValue!)}` });
    else if (index < 0) demands.push({ index: tiers.length - 1, reason: `value ${amount(value)} exceeds every tier's limit` });
  }
  const listing = tiers.findIndex((t) => t.categories.includes(input.category));
  if (listing > 0) demands.push({ index: listing, reason: `category ${input.category} needs ${tiers[listing].name}` });
  if (minTier !== undefined && tierRank(minTier) > 0) {
    demands.push({ index: tiers.findIndex((t) => t.name === minTier), reason: `a trigger requires at least ${minTier}` });
  }

  const chosen = Math.max(0, ...demands.map((d) => d.index));
  const because = demands.filter((d) => d.index === chosen).map((d) => d.reason);
  if (because.length === 0) because.push(`${describe(input)} within ${tiers[0].name}'s limits`);
  return { tier: tiers[chosen], because };
}

function describe(input: TierInput): string {
  const parts = [
    input.riskLevel !== undefined ? `risk ${input.riskLevel}` : undefined,
    input.value !== undefined ? `value ${amount(input.value)}` : undefined,
    `category ${input.category}`,
  ].filter((p): p is string => p !== undefined);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `${list} ${parts.length > 1 ? 'are' : 'is'}`;
}

/** 25,000 and 1,000.01: thousands separated, cents only when there are any. */
function amount(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
