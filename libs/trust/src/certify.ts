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
  /** The level it was tested at: 1 − the α it held (its point's share, plus what a passed test before it handed on). */
  confidence: number;
}

export interface Certification {
  /** The lowest certified threshold on the basis, or null when none is. */
  threshold: number | null;
  /** The test at the certified threshold (or the first one that failed when none is). */
  at: ThresholdTest | null;
  /** Every threshold tried, strictest first (after a failure, the sequence goes on only from its second point). */
  tested: ThresholdTest[];
}

/**
 * Learn-then-Test (Angelopoulos et al., 2021) with one fixed sequence and the fallback procedure
 * (Wiens, 2003). Candidate thresholds are the bin edges down to `lowestThreshold`, strictest
 * first; each tests the null hypothesis "the error of the cases at or above it exceeds the target"
 * with the weighted Clopper–Pearson upper bound. The policy's α is spent at two points of the
 * sequence, half at each:
 *
 * - the strictest candidate: finds a strict threshold when little is known;
 * - the strictest candidate with enough outcomes above it that, wrong at half the target rate,
 *   they would be certified (753 for 2 % at 97.5 %): a single error among the first few hundred
 *   outcomes at the top would otherwise stop the sequence there, before the thresholds that hold
 *   most of the evidence are tried (on the first bench:quality runs it kept every category
 *   uncertified at 0.6 % error over 440 outcomes).
 *
 * Each candidate is tested at the α of its point plus the level of the candidate before it when
 * that one passed (the fallback procedure: a passed test hands its level on; a failed one spends
 * it). So a sequence that passes from the top down to the second point tests there at the whole
 * α (95 %), where two separate sequences at α/2 each tested at 97.5 %; one that fails before it
 * starts again there at α/2, as the second sequence did. The family-wise error is at most α
 * (Wiens, 2003: any split of α over a fixed order), so the chance of certifying a threshold whose
 * error is above target stays at most α however many are tried.
 *
 * The certified threshold is the lowest candidate passed. Where the second point is and which
 * candidates are skipped depend only on how many outcomes each bin holds, never on whether they
 * are wrong, so the order is fixed given the cases and the guarantee holds. Skipped: a candidate
 * whose bin holds no outcome of its own (no new evidence), and one with too few outcomes to pass
 * at the whole α even if none were wrong.
 */
export function certifyThreshold(bins: readonly BinEvidence[], rule: CertificationRule): Certification {
  const alpha = 1 - rule.confidenceLevel;
  const candidates: number[] = [];
  for (let i = bins.length - 1; i >= 0 && BIN_EDGES[i] >= rule.lowestThreshold - 1e-12; i--) if (bins[i].n > 0) candidates.push(i);
  const second = candidates.findIndex((i) => couldPassErringAtHalf(evidenceBetween(bins, BIN_EDGES[i]), rule, 1 - alpha / 2));
  const share = (k: number) => (k === 0 ? (second > 0 ? alpha / 2 : alpha) : k === second ? alpha / 2 : 0);
  const tested: ThresholdTest[] = [];
  let certified: ThresholdTest | null = null;
  let failed: ThresholdTest | null = null;
  let level = 0;
  let most = 0; // the level a candidate would have if every test before it passed: fixed by the counts alone
  for (let k = 0; k < candidates.length; k++) {
    level += share(k);
    most += share(k);
    const edge = BIN_EDGES[candidates[k]];
    const acc = evidenceBetween(bins, edge);
    // Too few outcomes to pass even with none wrong: skipped, its level handed on (decided by the counts alone).
    if (errorUpperBound({ ...acc, wrong: 0, w2wrong: 0 }, 1 - most).upper > rule.targetErrorRate) continue;
    if (!(level > 1e-12)) continue; // spent by a failure: untested until the second point
    const bound = errorUpperBound(acc, 1 - level);
    const test: ThresholdTest = { threshold: edge, outcomes: acc.n, ...bound, passed: bound.upper <= rule.targetErrorRate, confidence: round6(1 - level) };
    tested.push(test);
    if (test.passed) certified = test;
    else {
      failed = test;
      level = 0;
    }
  }
  return { threshold: certified?.threshold ?? null, at: certified ?? failed, tested };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Whether the set holds enough outcomes that, wrong at half the target rate (each wrong outcome
 * of the set's average weight), it would be certified: where the second point of the sequence is.
 */
function couldPassErringAtHalf(acc: BinEvidence, rule: CertificationRule, confidence: number): boolean {
  if (acc.n <= 0) return false;
  const errors = (acc.n * rule.targetErrorRate) / 2;
  return errorUpperBound({ ...acc, wrong: (errors * acc.w) / acc.n, w2wrong: (errors * acc.w2) / acc.n }, confidence).upper <= rule.targetErrorRate;
}

/** The bound on the error of the cases at or above `threshold` (the set automation acts on). */
export function boundAt(bins: readonly BinEvidence[], threshold: number, confidence: number): ErrorBound & { outcomes: number } {
  const acc = evidenceBetween(bins, threshold);
  return { ...errorUpperBound(acc, confidence), outcomes: acc.n };
}
