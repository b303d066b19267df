import { BIN_EDGES, type BinEvidence } from './bins';

/** One step of a calibration: from basis `from` on (up to the next step), the AI is right with probability `probabilityRight`. */
export interface CalibrationStep {
  from: number;
  probabilityRight: number;
  /** Outcomes behind the step (unweighted). */
  outcomes: number;
}

/**
 * The probability that the AI is right as a non-decreasing step function of the basis: isotonic
 * regression (pool adjacent violators) of the weighted share of right outcomes per bin. Bins
 * without outcomes join their neighbour. Weighting each outcome by 1/(its sampling probability)
 * makes audited auto-approvals count for the cases they stand for, so a region known only
 * through audits is not out-voted by the census of the human-reviewed region below it.
 * No outcomes at all: no steps (nothing is known).
 */
export function isotonicCalibration(bins: readonly BinEvidence[]): CalibrationStep[] {
  type Block = { from: number; w: number; right: number; n: number };
  const blocks: Block[] = [];
  bins.forEach((b, i) => {
    if (!(b.w > 0)) return;
    blocks.push({ from: BIN_EDGES[i], w: b.w, right: b.w - b.wrong, n: b.n });
    // Pool while the block before is as likely right or more: the map must not fall as the basis rises.
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const before = blocks[blocks.length - 2];
      if (before.right / before.w < last.right / last.w) break;
      blocks.splice(blocks.length - 2, 2, { from: before.from, w: before.w + last.w, right: before.right + last.right, n: before.n + last.n });
    }
  });
  if (blocks.length > 0) blocks[0].from = 0;
  return blocks.map((b) => ({ from: b.from, probabilityRight: round6(b.right / b.w), outcomes: b.n }));
}

/** The calibrated probability of being right at `basis`, or undefined when nothing is known. */
export function probabilityRightAt(steps: readonly CalibrationStep[], basis: number): number | undefined {
  let found: CalibrationStep | undefined;
  for (const step of steps) {
    if (step.from <= basis) found = step;
    else break;
  }
  return found?.probabilityRight;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
