/**
 * Confidence intervals for a binomial proportion (e.g. "share of AI recommendations the
 * reviewers accepted"), and the special functions they need. Pure and dependency-free. Here in
 * the platform lib, not in one app, because more than one app reports such bounds (feedback's
 * health metrics and calibration, routing's backtest).
 */

/** A two-sided interval around an observed proportion; all three values lie in [0, 1]. */
export interface ProportionInterval {
  low: number;
  high: number;
  /** The observed proportion successes / trials (0 when there are no trials). */
  point: number;
}

/** The interval returned when there is no data: anything in [0, 1] is possible. */
const NO_DATA: ProportionInterval = { low: 0, high: 1, point: 0 };

/**
 * The standard normal quantile (inverse CDF) Φ⁻¹(p), by Acklam's rational approximation:
 * one rational function in the central region 0.02425 ≤ p ≤ 0.97575 and another in
 * q = √(−2 ln p) for the tails. Relative error below 1.2e-9, plenty for interval bounds.
 * `p = 0` gives −∞ and `p = 1` gives +∞; anything outside [0, 1] is a RangeError.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    // Tails: the upper tail is the mirror image of the lower one.
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * ln Γ(x) for x > 0, by the Lanczos approximation (g = 7, 9 terms; ~1e-15 relative error),
 * with the reflection formula Γ(x)Γ(1−x) = π / sin(πx) below 0.5.
 */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const y = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i] / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * The continued fraction of the incomplete beta function, evaluated by the modified Lentz
 * method (Numerical Recipes' `betacf`). Converges quickly for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const epsilon = 1e-15;
  const maxIterations = 10_000;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) return h;
  }
  throw new Error(`betaContinuedFraction: no convergence for x=${x}, a=${a}, b=${b}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), the CDF of a
 * Beta(a, b) variable at x. Computed as x^a (1−x)^b / (a B(a, b)) times the continued
 * fraction, using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
 * Requires a, b > 0 and 0 ≤ x ≤ 1 (RangeError otherwise).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedIncompleteBeta: a and b must be > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The inverse of I_x(a, b) in x: the p-quantile of Beta(a, b). I_x is increasing in x, so
 * plain bisection on [0, 1] is robust; it stops at a relative width of 1e-15 (or when the
 * midpoint can no longer be told from an end). p = 0 gives 0 and p = 1 gives 1.
 */
export function inverseRegularizedIncompleteBeta(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`inverseRegularizedIncompleteBeta: a and b must be > 0, got a=${a}, b=${b}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`inverseRegularizedIncompleteBeta: p must be in [0, 1], got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 1100; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi || hi - lo <= 1e-15 * mid) break;
    if (regularizedIncompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** RangeError unless 0 ≤ successes ≤ trials are integers and 0 < confidence < 1. */
function checkBinomial(name: string, successes: number, trials: number, confidence: number): void {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`${name}: trials must be a non-negative integer, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) throw new RangeError(`${name}: successes must be an integer in [0, ${trials}], got ${successes}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`${name}: confidence must be in (0, 1), got ${confidence}`);
}

/**
 * The Wilson score interval for a binomial proportion p̂ = x / n, with z = Φ⁻¹(1 − α/2):
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 *
 * Well behaved near 0 and 1 (unlike the Wald interval) and always contains p̂. The bounds
 * are pinned to exactly 0 when x = 0 and 1 when x = n (where they are so analytically).
 * No trials → `{ low: 0, high: 1, point: 0 }`: the whole range, and a finite point rather
 * than NaN so that the result stays sortable and JSON-serialisable.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): ProportionInterval {
  checkBinomial('wilsonInterval', successes, trials, confidence);
  if (trials === 0) return { ...NO_DATA };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const point = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (point + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((point * (1 - point)) / trials + z2n / (4 * trials));
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
    point,
  };
}

/**
 * The Clopper–Pearson ("exact") interval: the bounds are Beta quantiles,
 *
 *   low = B⁻¹(α/2; x, n − x + 1),  high = B⁻¹(1 − α/2; x + 1, n − x),
 *
 * with low = 0 when x = 0 and high = 1 when x = n. Conservative: its coverage is at least
 * the nominal confidence. No trials → `{ low: 0, high: 1, point: 0 }`, as for Wilson.
 */
export function clopperPearsonInterval(successes: number, trials: number, confidence = 0.95): ProportionInterval {
  checkBinomial('clopperPearsonInterval', successes, trials, confidence);
  if (trials === 0) return { ...NO_DATA };
  const alpha = 1 - confidence;
  const x = successes;
  const n = trials;
  return {
    low: x === 0 ? 0 : inverseRegularizedIncompleteBeta(alpha / 2, x, n - x + 1),
    high: x === n ? 1 : inverseRegularizedIncompleteBeta(1 - alpha / 2, x + 1, n - x),
    point: x / n,
  };
}
