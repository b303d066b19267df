import { addObservation, EMPTY_STATS, mergeStats, type RunningStats } from '../factors/running-stats';

/**
 * Running statistics of one numeric field in one category: `current` is what scoring reads
 * (shared state from the database plus this replica's observations since its last flush),
 * `pending` is that unflushed part alone.
 */
export class NumericField {
  current: RunningStats = EMPTY_STATS;
  private pending: RunningStats = EMPTY_STATS;

  observe(x: number): void {
    this.current = addObservation(this.current, x);
    this.pending = addObservation(this.pending, x);
  }

  takePending(): RunningStats | undefined {
    if (this.pending.n === 0) return undefined;
    const taken = this.pending;
    this.pending = EMPTY_STATS;
    return taken;
  }

  restorePending(delta: RunningStats): void {
    this.pending = mergeStats(delta, this.pending);
  }

  reset(stored: RunningStats): void {
    this.current = mergeStats(stored, this.pending);
  }
}
