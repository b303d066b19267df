import type { CaseSignature } from '../factors/case-signature';

/** A human-labelled case as coverage needs it. */
export interface LabelledCase {
  /** The feedback id: a redelivered feedback event is counted once. */
  id: string;
  recommendation: string;
  /**
   * The case's signature features, or null when this replica never scored the case (scored
   * elsewhere or before a restart): feedback.captured carries no input to rebuild them from.
   */
  features: string | null;
}

/**
 * The most recent labelled cases of one category, bounded (oldest forgotten first), with the
 * counts kept up to date so that matching a case on the hot path is two map lookups. A case
 * whose features are unknown resembles every case with the same recommendation.
 */
export class LabelledCases {
  private readonly ring: (LabelledCase | undefined)[];
  private next = 0;
  private readonly ids = new Set<string>();
  private readonly byFeatures = new Map<string, number>();
  private readonly byRecommendationOnly = new Map<string, number>();

  constructor(readonly capacity = 5_000) {
    this.ring = new Array<LabelledCase | undefined>(capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds a case unless its id is already here; returns whether it was added. */
  add(entry: LabelledCase): boolean {
    if (this.ids.has(entry.id)) return false;
    const evicted = this.ring[this.next];
    if (evicted) this.count(evicted, -1);
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count(entry, +1);
    return true;
  }

  matches(signature: CaseSignature): number {
    return (this.byFeatures.get(signature.features) ?? 0) + (this.byRecommendationOnly.get(signature.recommendation) ?? 0);
  }

  private count(entry: LabelledCase, delta: 1 | -1): void {
    if (delta > 0) this.ids.add(entry.id);
    else this.ids.delete(entry.id);
    const [map, key] = entry.features === null ? [this.byRecommendationOnly, entry.recommendation] : [this.byFeatures, entry.features];
    const n = (map.get(key) ?? 0) + delta;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  }
}
