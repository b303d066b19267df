import { inverseRegularizedIncompleteBeta } from './intervals';

/** The evidence about one set of cases: weighted outcomes (see BinEvidence). */
export interface WeightedCount {
  w: number;
  w2: number;
  wrong: number;
  n: number;
}

export interface ErrorBound {
  /** Σ w·wrong / Σ w: the estimated error rate of the set (0 with no evidence). */
  estimate: number;
  /** One-sided upper confidence bound on the error rate (1 with no evidence). */
  upper: number;
  /** Effective sample size (Σ w)² / Σ w², at most the outcomes seen. */
  effectiveN: number;
}

/**
 * A one-sided upper confidence bound on the error rate of a set of cases known through
 * outcomes weighted by the inverse of their sampling probability: the Clopper–Pearson bound
 * with the effective sample size n* = (Σw)²/Σw² and x* = p̂·n* wrong (Korn & Graubard, 1998),
 *
 *   upper = B⁻¹(confidence; x* + 1, n* − x*).
 *
 * With equal weights it is exactly the Clopper–Pearson bound. Its coverage with unequal
 * weights is approximate; trust.spec.ts checks it by simulation on census + audit mixtures.
 */
export function errorUpperBound(c: WeightedCount, confidence: number): ErrorBound {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(c.w > 0) || !(c.w2 > 0) || c.n <= 0) return { estimate: 0, upper: 1, effectiveN: 0 };
  const estimate = Math.min(1, Math.max(0, c.wrong / c.w));
  const effectiveN = Math.min(c.n, (c.w * c.w) / c.w2);
  const x = estimate * effectiveN;
  const upper = estimate >= 1 ? 1 : inverseRegularizedIncompleteBeta(confidence, x + 1, effectiveN - x);
  return { estimate, upper, effectiveN };
}

/** The fewest outcomes, none of them wrong, that bound the error under `target` (one-sided): 299 for 1 % at 95 %. */
export function outcomesToCertify(target: number, confidence: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`target must be in (0, 1), got ${target}`);
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - target));
}
