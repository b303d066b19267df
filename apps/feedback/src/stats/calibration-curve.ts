/**
 * Calibration of the AI's confidence against what reviewers found: a reliability curve
 * (accuracy per confidence bin) and the expected calibration error. Pure and dependency-free.
 */

/** One AI recommendation: the confidence it stated, and whether it proved correct. */
export interface CalibrationPoint {
  confidence: number;
  correct: boolean;
}

/** One equal-width confidence bin, [low, high) — the last one is [low, 1]. */
export interface ReliabilityBin {
  low: number;
  high: number;
  count: number;
  /** Mean stated confidence in the bin; null when the bin is empty. */
  meanConfidence: number | null;
  /** Share of correct points in the bin; null when the bin is empty. */
  accuracy: number | null;
}

function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
}

/**
 * The bin of a confidence c: i with i/bins ≤ c < (i+1)/bins (1 goes to the last bin). Uses
 * the same i/bins edges the bins report, so that e.g. c = 1/49 lands in bin 1 even though
 * (1/49)·49 evaluates to 0.999…9 in floating point.
 */
function binOf(confidence: number, bins: number): number {
  let i = Math.min(Math.floor(confidence * bins), bins - 1);
  if (i + 1 < bins && confidence >= (i + 1) / bins) i++;
  else if (i > 0 && confidence < i / bins) i--;
  return i;
}

/**
 * The reliability curve: `bins` equal-width bins over [0, 1] (10 by default), each with its
 * point count, mean confidence and accuracy. All bins are returned, empty ones included (with
 * nulls), so that curves over different data line up. A confidence outside [0, 1] (or NaN)
 * is a RangeError, as is a bin count that is not a positive integer.
 */
export function reliabilityCurve(points: readonly CalibrationPoint[], bins = 10): ReliabilityBin[] {
  checkBins(bins);
  const counts = new Array<number>(bins).fill(0);
  const confidenceSums = new Array<number>(bins).fill(0);
  const correctCounts = new Array<number>(bins).fill(0);
  for (const { confidence, correct } of points) {
    if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`confidence must be in [0, 1], got ${confidence}`);
    const i = binOf(confidence, bins);
    counts[i]++;
    confidenceSums[i] += confidence;
    if (correct) correctCounts[i]++;
  }
  return counts.map((count, i) => ({
    low: i / bins,
    high: (i + 1) / bins,
    count,
    meanConfidence: count === 0 ? null : confidenceSums[i] / count,
    accuracy: count === 0 ? null : correctCounts[i] / count,
  }));
}

/**
 * The expected calibration error over the bins of {@link reliabilityCurve}:
 *
 *   ECE = Σ_b (n_b / N) · |accuracy_b − meanConfidence_b|,
 *
 * the point-weighted mean gap between how often the AI was right and how sure it said it
 * was; 0 is perfect calibration. Empty bins weigh nothing; no points at all → NaN.
 */
export function expectedCalibrationError(points: readonly CalibrationPoint[], bins = 10): number {
  const curve = reliabilityCurve(points, bins);
  if (points.length === 0) return NaN;
  let weightedGap = 0;
  for (const { count, accuracy, meanConfidence } of curve) {
    if (accuracy !== null && meanConfidence !== null) weightedGap += count * Math.abs(accuracy - meanConfidence);
  }
  return weightedGap / points.length;
}
