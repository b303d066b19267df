import type { SeenValues } from '../factors/category-snapshot';

/** Distinct values kept per categorical field; beyond it the field counts as free text. */
export const MAX_DISTINCT_VALUES = 500;

/** What one replica saw of a categorical field since its last flush. */
export interface SeenDelta {
  n: number;
  values: string[];
}

export interface StoredSeenValues {
  n: number;
  values: string[];
  saturated: boolean;
}

/**
 * The values of one categorical field in one category: the shared state (last read from the
 * database) plus what this replica observed since its last flush (`pending`).
 */
export class SeenValueSet implements SeenValues {
  n = 0;
  saturated = false;
  private readonly values = new Set<string>();
  private pending: SeenDelta = { n: 0, values: [] };

  has(value: string): boolean {
    return this.values.has(value);
  }

  observe(values: string[]): void {
    this.n++;
    this.pending.n++;
    for (const value of new Set(values)) {
      if (this.values.has(value) || this.saturated) continue;
      this.pending.values.push(value);
      this.addKnown(value);
    }
  }

  /** Hands over what is pending (for a flush) and starts a new delta. */
  takePending(): SeenDelta | undefined {
    if (this.pending.n === 0) return undefined;
    const taken = this.pending;
    this.pending = { n: 0, values: [] };
    return taken;
  }

  /** A flush failed: its delta is pending again, to go with the next one. */
  restorePending(delta: SeenDelta): void {
    this.pending = { n: delta.n + this.pending.n, values: [...delta.values, ...this.pending.values] };
  }

  /** Adopts the stored (shared) state and re-applies what is still pending on top of it. */
  reset(stored: StoredSeenValues): void {
    this.values.clear();
    this.saturated = stored.saturated;
    for (const value of [...stored.values, ...this.pending.values]) this.addKnown(value);
    this.n = stored.n + this.pending.n;
  }

  private addKnown(value: string): void {
    if (this.values.has(value)) return;
    if (this.values.size >= MAX_DISTINCT_VALUES) this.saturated = true;
    else this.values.add(value);
  }
}

/** The stored state after adding a replica's delta: counts add up, value sets unite (bounded). */
export function mergeSeen(stored: StoredSeenValues | undefined, delta: SeenDelta): StoredSeenValues {
  const values = new Set(stored?.values ?? []);
  let saturated = stored?.saturated ?? false;
  for (const value of delta.values) {
    if (values.has(value)) continue;
    if (values.size >= MAX_DISTINCT_VALUES) saturated = true;
    else values.add(value);
  }
  return { n: (stored?.n ?? 0) + delta.n, values: [...values], saturated };
}
