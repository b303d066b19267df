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
 * that certify the target (`outcomesToCertify`: 299 for 1 % at 95 % when none is wrong; more
 * when some are), given how many auto-approvals a day the category and model see; the floor
 * once the audits already there are enough. Every audit is recorded with this probability and
 * weighted by its inverse, so changing the rate biases no estimate.
 */
export function auditRate(input: { haveOutcomes: number; estimatedError: number; autoPerDay: number; target: number; confidence: number }, rule: AuditRule): number {
  const planning = Math.min(input.target / 2, Math.max(0, input.estimatedError));
  // With the error seen so far (at most half the target), how many outcomes bound it under the target.
  const needed = planning > 0 ? outcomesWithErrors(planning, input.target, input.confidence) : outcomesToCertify(input.target, input.confidence);
  const missing = Math.max(0, needed - input.haveOutcomes);
  if (missing === 0) return rule.floor;
  const volume = input.autoPerDay * rule.windowDays;
  const rate = volume > 0 ? missing / volume : rule.ceiling;
  return round4(Math.min(rule.ceiling, Math.max(rule.floor, rate)));
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
