import { inverseRegularizedIncompleteBeta } from './intervals';

/** The evidence about one set of cases: weighted outcomes (see BinEvidence). */
export interface WeightedCount {
  w: number;
  w2: number;
  wrong: number;
  /** Σ w² over the wrong outcomes: with it the bound sees where the errors are (variance-based n*). */
  w2wrong?: number;
  n: number;
}

export interface ErrorBound {
  /** Σ w·wrong / Σ w: the estimated error rate of the set (0 with no evidence). */
  estimate: number;
  /** One-sided upper confidence bound on the error rate (1 with no evidence). */
  upper: number;
  /** Effective sample size: the smaller of Kish's (Σw)²/Σw² and p̂(1 − p̂)/Var(p̂), at most the outcomes seen. */
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
 * weights is approximate; weighted-bound.spec.ts checks it by simulation on census + audit mixtures
 * (and records the mixtures where it under-covers).
 */
export function errorUpperBound(c: WeightedCount, confidence: number): ErrorBound {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(c.w > 0) || !(c.w2 > 0) || c.n <= 0) return { estimate: 0, upper: 1, effectiveN: 0 };
  const estimate = Math.min(1, Math.max(0, c.wrong / c.w));
  const effectiveN = Math.min(c.n, (c.w * c.w) / c.w2, varianceBasedN(c, estimate));
  const x = estimate * effectiveN;
  const upper = estimate >= 1 ? 1 : inverseRegularizedIncompleteBeta(confidence, x + 1, effectiveN - x);
  return { estimate, upper, effectiveN };
}

/**
 * The matching one-sided lower bound, B⁻¹(1 − confidence; x*, n* − x* + 1) (0 with no error
 * seen): the error is above it with the given confidence. The circuit breaker stops automation
 * only on this, on evidence that the red line is passed, not on an upper bound that a handful of
 * outcomes leaves wide.
 */
export function errorLowerBound(c: WeightedCount, confidence: number): number {
  const { estimate, effectiveN } = errorUpperBound(c, confidence);
  if (!(effectiveN > 0) || estimate <= 0) return 0;
  const x = estimate * effectiveN;
  return inverseRegularizedIncompleteBeta(1 - confidence, x, effectiveN - x + 1);
}

/**
 * Korn & Graubard's effective size n* = p̂(1 − p̂) / Var(p̂), with the linearized variance of the
 * ratio estimate Var(p̂) = Σ w²(y − p̂)² / (Σw)² = (Σ_wrong w²·(1 − 2p̂) + p̂²·Σw²) / (Σw)². Unlike
 * Kish's size it sees where the errors sit: errors among heavily weighted outcomes (few audits
 * at a low π) make the estimate vary more, and the bound wider. Infinity when it says nothing
 * (no Σ_wrong w² given, or p̂ at 0 or 1), so Kish's size stands alone.
 */
function varianceBasedN(c: WeightedCount, p: number): number {
  if (c.w2wrong === undefined || !(p > 0 && p < 1)) return Infinity;
  const variance = (c.w2wrong * (1 - 2 * p) + p * p * c.w2) / (c.w * c.w);
  return variance > 0 ? (p * (1 - p)) / variance : Infinity;
}

/** The fewest outcomes, none of them wrong, that bound the error under `target` (one-sided): 299 for 1 % at 95 %. */
export function outcomesToCertify(target: number, confidence: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`target must be in (0, 1), got ${target}`);
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - target));
}
