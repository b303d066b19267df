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
 * Learn-then-Test with fixed sequences (Angelopoulos et al., 2021). Candidate thresholds are the
 * bin edges down to `lowestThreshold`; each tests the null hypothesis "the error of the cases at
 * or above it exceeds the target" with the weighted Clopper–Pearson upper bound, and a sequence
 * stops at the first threshold it cannot reject. Testing in a fixed order at full level keeps
 * the chance of certifying a threshold whose error is above target at most its α, however many
 * are tried. Two sequences share the policy's α (α/2 each, a union bound):
 *
 * - from the strictest threshold down: finds a strict threshold when little is known;
 * - from the strictest threshold with enough outcomes above it that, wrong at half the target
 *   rate, they would be certified (about 1,000 for 2 % at 97.5 %): a single error among the first
 *   few hundred outcomes at the top stops the first sequence there, before the thresholds that
 *   hold most of the evidence are tried (on the first bench:quality runs it kept every category
 *   uncertified at 0.6 % error over 440 outcomes; a stable model's 6,400 outcomes with 0.2 % errors
 *   at the top certified nothing); this one starts where errors at the top can be absorbed. (It
 *   started where half the outcomes are before: when that is in a region the model gets wrong,
 *   as with a model right on 60 % of its cases, it failed at once.)
 *
 * The certified threshold is the lowest either sequence passed. Where a sequence starts and which
 * candidates it skips depend only on how many outcomes each bin holds, never on whether they are
 * wrong, so the sequences are fixed given the cases and the guarantee holds. Skipped: a candidate
 * whose bin holds no outcome of its own (no new evidence), and one with too few outcomes to pass
 * even if none were wrong.
 */
export function certifyThreshold(bins: readonly BinEvidence[], rule: CertificationRule): Certification {
  const alpha = (1 - rule.confidenceLevel) / 2;
  const candidates: number[] = [];
  for (let i = bins.length - 1; i >= 0 && BIN_EDGES[i] >= rule.lowestThreshold - 1e-12; i--) if (bins[i].n > 0) candidates.push(i);
  const middle = candidates.findIndex((i) => couldPassErringAtHalf(evidenceBetween(bins, BIN_EDGES[i]), rule, 1 - alpha));
  const fromTop = sequence(bins, candidates, 0, rule, 1 - alpha);
  const fromMiddle = middle > 0 ? sequence(bins, candidates, middle, rule, 1 - alpha) : { certified: null, failed: null, tested: [] };
  const best = [fromTop.certified, fromMiddle.certified].filter((t): t is ThresholdTest => t !== null).sort((a, b) => a.threshold - b.threshold)[0] ?? null;
  return { threshold: best?.threshold ?? null, at: best ?? fromMiddle.failed ?? fromTop.failed, tested: [...fromTop.tested, ...fromMiddle.tested] };
}

/**
 * Whether the set holds enough outcomes that, wrong at half the target rate (each wrong outcome
 * of the set's average weight), it would be certified: where the second sequence starts.
 */
function couldPassErringAtHalf(acc: BinEvidence, rule: CertificationRule, confidence: number): boolean {
  if (acc.n <= 0) return false;
  const errors = (acc.n * rule.targetErrorRate) / 2;
  return errorUpperBound({ ...acc, wrong: (errors * acc.w) / acc.n, w2wrong: (errors * acc.w2) / acc.n }, confidence).upper <= rule.targetErrorRate;
}

/** One fixed sequence, from candidates[start] (bins in decreasing order) down, at `confidence`. */
function sequence(bins: readonly BinEvidence[], candidates: number[], start: number, rule: CertificationRule, confidence: number): { certified: ThresholdTest | null; failed: ThresholdTest | null; tested: ThresholdTest[] } {
  const tested: ThresholdTest[] = [];
  let certified: ThresholdTest | null = null;
  for (let k = start; k < candidates.length; k++) {
    const edge = BIN_EDGES[candidates[k]];
    const acc = evidenceBetween(bins, edge);
    if (errorUpperBound({ ...acc, wrong: 0, w2wrong: 0 }, confidence).upper > rule.targetErrorRate) continue;
    const bound = errorUpperBound(acc, confidence);
    const test: ThresholdTest = { threshold: edge, outcomes: acc.n, ...bound, passed: bound.upper <= rule.targetErrorRate };
    tested.push(test);
    if (!test.passed) return { certified, failed: test, tested };
    certified = test;
  }
  return { certified, failed: null, tested };
}

/** The bound on the error of the cases at or above `threshold` (the set automation acts on). */
export function boundAt(bins: readonly BinEvidence[], threshold: number, confidence: number): ErrorBound & { outcomes: number } {
  const acc = evidenceBetween(bins, threshold);
  return { ...errorUpperBound(acc, confidence), outcomes: acc.n };
}
