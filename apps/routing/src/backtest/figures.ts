import { Tiers, type Tier } from '@hitl/contracts';
import { errorUpperBound } from '@hitl/trust';
import type { RecordedCase } from './recorded-case';
import type { ReplayedCase } from './replay';

export interface TierWorkload {
  /** Review requests: one per case sent to people. */
  requests: number;
  /** requests × the tier's required approvals: how many times a person reviews. */
  personReviews: number;
}

export interface PolicyFigures {
  cases: number;
  autoApproved: number;
  /** autoApproved / cases (0 without cases). */
  automationRate: number;
  /**
   * The error of what this policy auto-approves, from the auto-approved cases with a known outcome,
   * each weighted by the cases it stands for (an audit: 1/π). `known` and `wrong` count outcomes;
   * `rate` is the weighted estimate, `upperBound` its one-sided bound at confidenceLevel.
   */
  error: { confidenceLevel: number; known: number; wrong: number; rate: number | null; upperBound: number | null; effectiveKnown: number };
  workload: { byTier: Record<Tier, TierWorkload>; audits: number; personReviews: number };
  escalations: { immediate: number; timeBased: number | null };
}

/** Per tier of the live human cases: how many, and how many of them hit a timeout escalation. */
export interface TimeoutShares {
  byTier: Record<Tier, { humanCases: number; escalated: number }>;
  overall: { humanCases: number; escalated: number };
}

const perTier = <T>(make: () => T) => Object.fromEntries(Tiers.map((tier) => [tier, make()])) as Record<Tier, T>;

/**
 * The recording's time-based escalation shares: of the cases people decided live, per tier,
 * the share that reached a timeout escalation (a review nobody took in time). Only the live run
 * knows how fast reviewers were; a backtest can only carry its shares over to other volumes.
 */
export function timeoutShares(cases: RecordedCase[]): TimeoutShares {
  const shares: TimeoutShares = { byTier: perTier(() => ({ humanCases: 0, escalated: 0 })), overall: { humanCases: 0, escalated: 0 } };
  for (const c of cases) {
    if (c.live.route !== 'human' || !c.live.tier) continue;
    const escalated = c.live.escalations.some((e) => e.reason === 'timeout') ? 1 : 0;
    for (const count of [shares.byTier[c.live.tier], shares.overall]) {
      count.humanCases++;
      count.escalated += escalated;
    }
  }
  return shares;
}

/**
 * Expected timeout escalations: each tier's requests × that tier's recorded share; a tier with no
 * human case in the recording takes the overall share. Null when the recording has no human
 * case at all (no evidence of how reviews age).
 */
export function expectedTimeouts(byTier: Record<Tier, TierWorkload>, shares: TimeoutShares): number | null {
  if (shares.overall.humanCases === 0) return null;
  return Tiers.reduce((sum, tier) => {
    const share = shares.byTier[tier].humanCases > 0 ? shares.byTier[tier] : shares.overall;
    return sum + (byTier[tier].requests * share.escalated) / share.humanCases;
  }, 0);
}

/**
 * The figures of one policy over the replayed cases. An auto-approval counts as wrong when its
 * known outcome differs from the AI's recommendation. Known outcomes are not a random sample: a
 * case the live policy sent to people has one (all of them do), a case it auto-approved has one
 * only if it was audited. So each outcome is weighted by the cases it stands for (1, or 1/π for
 * an audit sampled with probability π), the Horvitz–Thompson way, and the bound is the one-sided
 * weighted Clopper–Pearson bound (Korn–Graubard) at `confidenceLevel`, the one live trust
 * certification judges by. figures.spec.ts checks its coverage by simulation. Null without
 * known outcomes.
 */
export function figuresOf(replayed: ReplayedCase[], confidenceLevel: number, shares: TimeoutShares): PolicyFigures {
  const byTier = perTier((): TierWorkload => ({ requests: 0, personReviews: 0 }));
  let autoApproved = 0;
  let audits = 0;
  let known = 0;
  let wrong = 0;
  const weighted = { w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0 };
  let immediate = 0;
  for (const c of replayed) {
    immediate += c.immediateEscalations;
    if (c.decision.kind === 'review') {
      byTier[c.decision.tier].requests++;
      byTier[c.decision.tier].personReviews += c.decision.requiredApprovals;
      continue;
    }
    autoApproved++;
    if (c.decision.auditSampled) audits++;
    if (c.outcome === undefined) continue;
    known++;
    const weight = c.outcomeWeight ?? 1;
    weighted.w += weight;
    weighted.w2 += weight * weight;
    weighted.n++;
    if (c.outcome !== c.recommendation) {
      wrong++;
      weighted.wrong += weight;
      weighted.w2wrong += weight * weight;
    }
  }
  const bound = known > 0 ? errorUpperBound(weighted, confidenceLevel) : undefined;
  const personReviews = Tiers.reduce((sum, tier) => sum + byTier[tier].personReviews, audits); // an audit is one review
  return {
    cases: replayed.length,
    autoApproved,
    automationRate: replayed.length > 0 ? autoApproved / replayed.length : 0,
    error: { confidenceLevel, known, wrong, rate: bound ? bound.estimate : null, upperBound: bound ? bound.upper : null, effectiveKnown: bound ? bound.effectiveN : 0 },
    workload: { byTier, audits, personReviews },
    escalations: { immediate, timeBased: expectedTimeouts(byTier, shares) },
  };
}

export interface ChangedCases {
  autoToHuman: string[];
  humanToAuto: string[];
}

/** Cases the candidate decides differently from the current policy (by case id, in input order). */
export function changedCases(current: ReplayedCase[], candidate: ReplayedCase[]): ChangedCases {
  const changed: ChangedCases = { autoToHuman: [], humanToAuto: [] };
  current.forEach((c, i) => {
    const next = candidate[i].decision.kind;
    if (c.decision.kind === 'auto' && next === 'review') changed.autoToHuman.push(c.caseId);
    if (c.decision.kind === 'review' && next === 'auto') changed.humanToAuto.push(c.caseId);
  });
  return changed;
}
