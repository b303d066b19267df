/**
 * The grid on which trust is learned: bins of the basis (the model's probability for its own
 * recommendation, or the producer's calibrated modelConfidence). Linear steps of 0.02 up to 0.9,
 * then steps even in −log10(1 − basis) up to 0.9999: a real model's probabilities crowd near 1,
 * and a threshold at 0.99 and one at 0.999 automate very different shares of the cases.
 */
function makeEdges(): number[] {
  const edges: number[] = [];
  for (let i = 0; i < 45; i++) edges.push(Math.round(i * 0.02 * 1e6) / 1e6);
  for (let k = 0; k <= 60; k++) edges.push(Math.round((1 - 10 ** -(1 + k * 0.05)) * 1e6) / 1e6);
  return edges;
}

/** Lower edge of each bin, increasing; bin i holds bases in [BIN_EDGES[i], BIN_EDGES[i + 1]). The last bin ends at 1 inclusive. */
export const BIN_EDGES: readonly number[] = Object.freeze(makeEdges());
export const BIN_COUNT = BIN_EDGES.length;

/** The bin of a basis in [0, 1] (values outside are clamped). */
export function binOf(basis: number): number {
  const x = Number.isFinite(basis) ? Math.min(1, Math.max(0, basis)) : 0;
  let lo = 0;
  let hi = BIN_COUNT - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (BIN_EDGES[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Outcome evidence of one bin, each outcome weighted by the inverse of its sampling probability. */
export interface BinEvidence {
  /** Σ w: the estimated number of cases the outcomes stand for. */
  w: number;
  /** Σ w²: with Σ w, the effective sample size (Σ w)² / Σ w². */
  w2: number;
  /** Σ w over outcomes where the AI was wrong. */
  wrong: number;
  /** Σ w² over outcomes where the AI was wrong (the bound's variance-based effective size). */
  w2wrong: number;
  /** Outcomes actually seen (unweighted). */
  n: number;
  /** Wrong outcomes actually seen (unweighted); absent in evidence stored before it was kept: then wrong·n/w. */
  k?: number;
}

export const emptyBins = (): BinEvidence[] => Array.from({ length: BIN_COUNT }, () => ({ w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0, k: 0 }));

const wrongSeen = (b: BinEvidence) => b.k ?? (b.w > 0 ? (b.wrong * b.n) / b.w : 0);

/** One known outcome: a person's verdict on a case the AI could have decided alone. */
export interface Outcome {
  basis: number;
  wrong: boolean;
  /** 1 / the probability the case had of being looked at: 1 for a case people had to decide, 1/π for an audit sampled at rate π. */
  weight: number;
}

/** Adds outcomes to bins (in place) and returns the bins. */
export function addOutcomes(bins: BinEvidence[], outcomes: Iterable<Outcome>): BinEvidence[] {
  for (const o of outcomes) {
    if (!(o.weight >= 1) || !Number.isFinite(o.weight)) throw new RangeError(`outcome weight must be a finite number >= 1, got ${o.weight}`);
    const b = bins[binOf(o.basis)];
    const seen = wrongSeen(b);
    b.w += o.weight;
    b.w2 += o.weight * o.weight;
    b.n += 1;
    if (o.wrong) {
      b.wrong += o.weight;
      b.w2wrong += o.weight * o.weight;
    }
    b.k = seen + (o.wrong ? 1 : 0);
  }
  return bins;
}

/** The evidence of the bins whose lower edge lies in [from, to): one set of cases (e.g. those at or above a threshold). */
export function evidenceBetween(bins: readonly BinEvidence[], from: number, to = Infinity): BinEvidence {
  const acc: BinEvidence = { w: 0, w2: 0, wrong: 0, w2wrong: 0, n: 0, k: 0 };
  bins.forEach((b, i) => {
    if (BIN_EDGES[i] < from - 1e-12 || BIN_EDGES[i] >= to - 1e-12) return;
    acc.w += b.w;
    acc.w2 += b.w2;
    acc.wrong += b.wrong;
    acc.w2wrong += b.w2wrong;
    acc.n += b.n;
    acc.k! += wrongSeen(b);
  });
  return acc;
}

/** Bin by bin sum of several windows' evidence (e.g. the days of a window). */
export function sumBins(parts: readonly BinEvidence[][]): BinEvidence[] {
  const total = emptyBins();
  for (const part of parts) {
    part.forEach((b, i) => {
      total[i].w += b.w;
      total[i].w2 += b.w2;
      total[i].wrong += b.wrong;
      total[i].w2wrong += b.w2wrong;
      total[i].n += b.n;
      total[i].k! += wrongSeen(b);
    });
  }
  return total;
}

/**
 * The evidence re-weighted within each bin (post-stratification on the basis, the ratio
 * estimator of survey sampling): a bin's cases, Σ 1/π of its outcomes, are spread evenly over the
 * outcomes seen in it, so its error is estimated by its unweighted share of wrong outcomes, and
 * the bins are combined by how many cases each stands for.
 *
 * Why: which cases people see depends only on the basis and on when they were scored (everything
 * while a model learns, a uniform audit sample of the automated bins once certified). Within one
 * bin the outcomes of both periods are then samples of the same cases, and weighting an audit by
 * 20 beside a reviewed case of the same bin weighing 1 only adds variance: on bench:quality the
 * effective size of 1,000 reviewed outcomes and 50 audits fell from 1,050 to 190, and certified
 * thresholds could only tighten once automation began. Within a bin the weights are now equal.
 *
 * Assumption: the error rate of a bin does not change within the evidence window (a change is
 * what the drift charts look for). Bins whose outcomes all have one weight are left as they are.
 */
export function poststratify(bins: readonly BinEvidence[]): BinEvidence[] {
  return bins.map((b) => {
    if (b.n <= 0 || !(b.w > 0)) return { ...b, k: wrongSeen(b) };
    const k = wrongSeen(b);
    const u = b.w / b.n;
    return { w: b.w, w2: b.n * u * u, wrong: u * k, w2wrong: u * u * k, n: b.n, k };
  });
}
