import type { BandThresholds, CalibrationEvidence } from '@hitl/contracts';
import type { FeedbackPolicy } from '@hitl/policy';
import { clopperPearsonInterval } from '@hitl/platform';

export type CalibrationRule = FeedbackPolicy['calibration'];

export type CalibrationResult = { change: true; bands: BandThresholds; evidence: CalibrationEvidence } | { change: false; because: string };

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The lowest auto-approve threshold whose upper confidence bound (Clopper–Pearson) on the error
 * rate of the cases at or above it stays under the target, given at least `minSampleSize` such
 * cases. `bins` are 100 bins of confidence (0.00–0.01 … 0.99–1.00) with how many cases people
 * decided and how many they overrode. Thresholds from 0.99 down to 0.50 are tried; the search
 * stops at the first one that fails after one that passed (below it the error grows), and only a
 * bin with cases of its own can hold the threshold (no evidence, no lower threshold). The audit
 * and human-review edges move down only as far as needed to stay below the new threshold.
 * No change within `minChange` of the current threshold (hysteresis).
 */
export function calibrate(bins: { n: number; wrong: number }[], current: BandThresholds, rule: CalibrationRule): CalibrationResult {
  let n = 0;
  let wrong = 0;
  let best: { threshold: number; n: number; upper: number } | undefined;
  for (let i = bins.length - 1; i >= Math.round(bins.length / 2); i--) {
    n += bins[i].n;
    wrong += bins[i].wrong;
    if (n < rule.minSampleSize) continue;
    const upper = clopperPearsonInterval(wrong, n, rule.confidenceLevel).high;
    // Only a bin with cases of its own is evidence for a threshold there.
    if (upper <= rule.targetErrorRate) {
      if (bins[i].n > 0) best = { threshold: round2(i / bins.length), n, upper };
    }
    else if (best) break;
  }
  if (!best) {
    return n < rule.minSampleSize
      ? { change: false, because: `${n} outcomes at or above 0.50, fewer than ${rule.minSampleSize}` }
      : { change: false, because: `no threshold keeps the ${rule.confidenceLevel * 100}% upper bound on error under ${rule.targetErrorRate}` };
  }
  if (Math.abs(best.threshold - current.autoApprove) < rule.minChange - 1e-9) {
    return { change: false, because: `${best.threshold} is within ${rule.minChange} of the current ${current.autoApprove}` };
  }
  const autoApproveAudit = round2(Math.min(current.autoApproveAudit, best.threshold - 0.01));
  const humanReview = round2(Math.min(current.humanReview, autoApproveAudit - 0.01));
  if (humanReview <= 0) return { change: false, because: `${best.threshold} leaves no room for the audit and review bands` };
  return {
    change: true,
    bands: { autoApprove: best.threshold, autoApproveAudit, humanReview },
    evidence: { sampleSize: best.n, errorUpperBound: Number(best.upper.toFixed(6)), targetErrorRate: rule.targetErrorRate, method: 'clopper_pearson' },
  };
}
