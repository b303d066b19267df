import { BIN_EDGES, evidenceBetween, type BinEvidence } from './bins';
import { errorUpperBound, type ErrorBound } from './weighted-bound';

export interface CertificationRule {
  /** The error rate the auto-approved set must stay under (e.g. 0.02). */
  targetErrorRate: number;
  /** Confidence of the guarantee (e.g. 0.95: the chance that a certified threshold's error is really above target is at most 5 %). */
  confidenceLevel: number;
  /** No threshold below this basis is ever tried. */
  lowestThreshold: number;
}

export interface ThresholdTest extends ErrorBound {
  threshold: number;
  /** Outcomes (unweighted) at or above the threshold. */
  outcomes: number;
  passed: boolean;
}

export interface Certification {
  /** The lowest certified threshold on the basis, or null when none is. */
  threshold: number | null;
  /** The test at the certified threshold (or the first one that failed when none is). */
  at: ThresholdTest | null;
  /** Every threshold tried, strictest first: the fixed sequence stops at the first failure. */
  tested: ThresholdTest[];
}

/**
 * Learn-then-Test with a fixed sequence (Angelopoulos et al., 2021): candidate thresholds are the
 * bin edges from the strictest down to `lowestThreshold`; each tests the null hypothesis "the
 * error of the cases at or above it exceeds the target" with the weighted Clopper–Pearson upper
 * bound at the policy's confidence, and the sequence stops at the first threshold it cannot
 * reject. Testing in a fixed order at full level keeps the chance of certifying any threshold
 * whose error is above target at most 1 − confidence (family-wise), however many are tried.
 * A candidate whose bin holds no outcome of its own is skipped (no new evidence, no new claim),
 * and so is one with too few outcomes to pass even if none were wrong (the strictest thresholds
 * hold few cases): whether a test can pass at all depends on how many outcomes there are, not on
 * whether they are wrong, so skipping it keeps the sequence fixed given the cases and the
 * guarantee intact, where testing it would stop the sequence before any threshold had a chance.
 */
export function certifyThreshold(bins: readonly BinEvidence[], rule: CertificationRule): Certification {
  const tested: ThresholdTest[] = [];
  const acc = { w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0 };
  let certified: ThresholdTest | null = null;
  for (let i = bins.length - 1; i >= 0 && BIN_EDGES[i] >= rule.lowestThreshold - 1e-12; i--) {
    const b = bins[i];
    acc.w += b.w;
    acc.w2 += b.w2;
    acc.wrong += b.wrong;
    acc.w2wrong += b.w2wrong;
    acc.n += b.n;
    if (b.n === 0) continue;
    if (errorUpperBound({ ...acc, wrong: 0 }, rule.confidenceLevel).upper > rule.targetErrorRate) continue;
    const bound = errorUpperBound(acc, rule.confidenceLevel);
    const test: ThresholdTest = { threshold: BIN_EDGES[i], outcomes: acc.n, ...bound, passed: bound.upper <= rule.targetErrorRate };
    tested.push(test);
    if (!test.passed) return { threshold: certified?.threshold ?? null, at: certified ?? test, tested };
    certified = test;
  }
  return { threshold: certified?.threshold ?? null, at: certified, tested };
}

/** The bound on the error of the cases at or above `threshold` (the set automation acts on). */
export function boundAt(bins: readonly BinEvidence[], threshold: number, confidence: number): ErrorBound & { outcomes: number } {
  const acc = evidenceBetween(bins, threshold);
  return { ...errorUpperBound(acc, confidence), outcomes: acc.n };
}
