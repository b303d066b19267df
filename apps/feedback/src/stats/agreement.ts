/**
 * Inter-rater agreement over categorical labels (e.g. reviewer vs reviewer, or reviewer vs
 * AI recommendation): raw percent agreement, Cohen's kappa for two raters and Fleiss' kappa
 * for many. Pure and dependency-free. With no data every figure is NaN (there is nothing to
 * agree on), and `n` is 0.
 */

/** Two raters' labels for one item. */
export type LabelPair = readonly [string, string];

export interface CohensKappa {
  /** (observed − expected) / (1 − expected); 1 is perfect agreement, 0 chance level, < 0 worse than chance. */
  kappa: number;
  /** p_o: the share of items on which both raters gave the same label. */
  observed: number;
  /** p_e: the agreement expected by chance from each rater's own label frequencies. */
  expected: number;
  /** Number of items (pairs). */
  n: number;
}

export interface FleissKappa {
  /** (P̄ − P̄e) / (1 − P̄e). */
  kappa: number;
  /** Number of items that counted (those with at least two ratings). */
  n: number;
  /** P̄: the mean, over items, of the share of agreeing rater pairs. */
  observed: number;
  /** P̄e: Σ p_j², with p_j the share of all ratings that went to category j. */
  expected: number;
}

/** How many times each label occurs. */
function countLabels(labels: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

/**
 * κ = (p_o − p_e) / (1 − p_e). When p_e = 1 every rating went to one single category, so the
 * observed agreement is perfect too (p_o = 1) but chance alone explains it and the ratio is
 * 0/0: by convention that is κ = 1 (perfect agreement), not NaN.
 */
function kappaOf(observed: number, expected: number): number {
  return expected >= 1 ? 1 : (observed - expected) / (1 - expected);
}

/** The share of pairs on which the two raters gave the same label; NaN for no pairs. */
export function percentAgreement(pairs: readonly LabelPair[]): number {
  if (pairs.length === 0) return NaN;
  return pairs.filter(([a, b]) => a === b).length / pairs.length;
}

/**
 * Cohen's kappa for two raters who each labelled the same n items:
 *
 *   p_o = (1/n) Σ_i [a_i = b_i],  p_e = Σ_k (n_k^A / n)(n_k^B / n),  κ = (p_o − p_e) / (1 − p_e),
 *
 * where n_k^A is how often rater A used label k. Labels are compared as exact strings.
 * Edge cases: both raters used one and the same label throughout → p_e = p_o = 1, κ = 1 (see
 * {@link kappaOf}); no pairs → NaN everywhere, n = 0.
 */
export function cohensKappa(pairs: readonly LabelPair[]): CohensKappa {
  const n = pairs.length;
  if (n === 0) return { kappa: NaN, observed: NaN, expected: NaN, n: 0 };
  const first = countLabels(pairs.map(([a]) => a));
  const second = countLabels(pairs.map(([, b]) => b));
  let expected = 0;
  for (const [label, count] of first) expected += (count / n) * ((second.get(label) ?? 0) / n);
  const observed = percentAgreement(pairs);
  return { kappa: kappaOf(observed, expected), observed, expected, n };
}

/**
 * Fleiss' kappa for many raters; each item is the list of labels its raters gave.
 *
 * Implements the usual generalisation to a varying number of raters per item (classic
 * Fleiss 1971 assumes a constant m, and this reduces to it exactly when m is constant):
 *
 *   P_i = Σ_j n_ij (n_ij − 1) / (m_i (m_i − 1))   (share of agreeing ordered rater pairs on item i)
 *   P̄  = mean of P_i over the items
 *   p_j = Σ_i n_ij / Σ_i m_i                      (share of all ratings in category j)
 *   P̄e = Σ_j p_j²,   κ = (P̄ − P̄e) / (1 − P̄e)
 *
 * Items with fewer than two ratings have no rater pairs and are left out entirely (also from
 * p_j). Every rating in one single category → κ = 1 (see {@link kappaOf}); no usable item →
 * NaN everywhere, n = 0.
 */
export function fleissKappa(items: readonly (readonly string[])[]): FleissKappa {
  const rated = items.filter((labels) => labels.length >= 2);
  if (rated.length === 0) return { kappa: NaN, n: 0, observed: NaN, expected: NaN };
  let agreementSum = 0;
  let totalRatings = 0;
  const categoryTotals = new Map<string, number>();
  for (const labels of rated) {
    const m = labels.length;
    let agreeingPairs = 0;
    for (const [label, count] of countLabels(labels)) {
      agreeingPairs += count * (count - 1);
      categoryTotals.set(label, (categoryTotals.get(label) ?? 0) + count);
    }
    agreementSum += agreeingPairs / (m * (m - 1));
    totalRatings += m;
  }
  const observed = agreementSum / rated.length;
  let expected = 0;
  for (const total of categoryTotals.values()) expected += (total / totalRatings) ** 2;
  return { kappa: kappaOf(observed, expected), n: rated.length, observed, expected };
}
