import { errorUpperBound, outcomesToCertify } from './weighted-bound';

export interface AuditRule {
  /** The least share of auto-approvals audited, certified or not. */
  floor: number;
  /** The most. */
  ceiling: number;
  /** Within how many days the outcomes needed to certify should be collected. */
  windowDays: number;
}

/**
 * The share of auto-approvals to audit: enough to collect, within the window, the outcomes
 * that would certify the target with a share of them wrong up to half the target (the
 * evidence the certification's second point needs, libs/trust certify.ts: 753 for 2 %
 * at 97.5 %; `outcomesToCertify` — 299 for 1 % at 95 % — when none is wrong), given how many
 * auto-approvals a day the category and model see; the floor once the outcomes already there
 * are enough. Every audit is recorded with this probability and weighted by its inverse, so
 * changing the rate biases no estimate.
 *
 * Half the target, not the error seen: planned on a small error seen at a strict threshold, the
 * audits stopped at the few hundred outcomes that keep that threshold, and the evidence to try
 * a looser one never came (on bench:quality thresholds stayed near 0.99 where 0.95 held 1.3 %).
 */
export function auditRate(input: AuditPlanInput, rule: AuditRule): number {
  const needed = outcomesWithErrors(input.target / 2, input.target, input.confidence);
  const missing = Math.max(0, needed - input.haveOutcomes, missingForNext(input));
  if (missing === 0) return rule.floor;
  const volume = input.autoPerDay * rule.windowDays;
  const rate = volume > 0 ? missing / volume : rule.ceiling;
  return round4(Math.min(rule.ceiling, Math.max(rule.floor, rate)));
}

export interface AuditPlanInput {
  /** Effective outcomes at the certified threshold (0 when none is). */
  haveOutcomes: number;
  /** Auto-approvals a day at the certified threshold. */
  autoPerDay: number;
  target: number;
  confidence: number;
  /**
   * The next looser candidate the certification tried and could not pass (its test): audits are
   * planned to pass it too when its estimate is under the target, since outcomes above it are
   * what would pass it (every audit is one).
   */
  next?: { effectiveN: number; estimate: number } | null;
}

/**
 * The outcomes still missing to pass the next looser candidate at the error seen there (half the
 * target at least): 0 when there is none, or its estimate is not under the target, since no
 * number of outcomes would then pass it.
 *
 * Why: planned only for the certified threshold, audits fell to the floor as soon as it was held,
 * and a candidate erring at 1.2 % beside a 2 % target waited weeks for the ~1,000 outcomes that
 * pass it (bench:quality: thresholds stayed near 0.965 where 0.95 held 1.2 %).
 */
function missingForNext(input: AuditPlanInput): number {
  const next = input.next;
  if (!next || !(next.estimate < input.target * 0.8)) return 0;
  const needed = outcomesWithErrors(Math.max(next.estimate, input.target / 2), input.target, input.confidence);
  return Math.max(0, needed - next.effectiveN);
}

/**
 * Outcomes needed when a share `error` of them is wrong: the fewest n whose bound, with n·error of
 * them wrong, is within the target (a planning figure, not a test). Found by bisection: at a fixed
 * share wrong the bound falls as n grows. (A normal approximation p + z·√(p(1 − p)/n) asks for
 * about half as many as the Clopper–Pearson bound needs at these small error counts.)
 */
function outcomesWithErrors(error: number, target: number, confidence: number): number {
  const certifies = (n: number) => errorUpperBound({ w: n, w2: n, wrong: error * n, n }, confidence).upper <= target;
  let lo = outcomesToCertify(target, confidence); // none wrong: no fewer can do
  if (certifies(lo)) return lo;
  let hi = 2 * lo;
  while (!certifies(hi)) [lo, hi] = [hi, 2 * hi];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (certifies(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
