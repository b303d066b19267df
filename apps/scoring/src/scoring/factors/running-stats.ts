/**
 * Running mean and variance (Welford): one pass, numerically stable, constant memory. `m2` is
 * the sum of squared deviations from the mean.
 */
export interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

export const EMPTY_STATS: RunningStats = Object.freeze({ n: 0, mean: 0, m2: 0 });

export function addObservation(s: RunningStats, x: number): RunningStats {
  const n = s.n + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / n;
  return { n, mean, m2: s.m2 + delta * (x - mean) };
}

/**
 * Combines two summaries as if all their observations had been added to one (Chan et al.):
 * how replicas merge what each saw into the shared document.
 */
export function mergeStats(a: RunningStats, b: RunningStats): RunningStats {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/** Sample standard deviation; 0 below two observations. */
export function standardDeviation(s: RunningStats): number {
  return s.n < 2 ? 0 : Math.sqrt(Math.max(0, s.m2) / (s.n - 1));
}
