import type { CaseSignature } from '../factors/case-signature';
import type { LabelledMatches } from '../factors/category-snapshot';

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
  /**
   * The human decided as the AI recommended (feedback.captured `override` false). Coverage is
   * earned by agreement: an overridden case is a similar case the model got wrong.
   */
  agrees: boolean;
}

/** Counts of one signature (or one recommendation, for cases whose features are unknown). */
interface Counts {
  similar: number;
  agreeing: number;
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
  private readonly byFeatures = new Map<string, Counts>();
  private readonly byRecommendationOnly = new Map<string, Counts>();

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

  /** The labelled cases that resemble a case with this signature, and how many agreed with the AI. */
  matches(signature: CaseSignature): LabelledMatches {
    const same = this.byFeatures.get(signature.features);
    const unknown = this.byRecommendationOnly.get(signature.recommendation);
    return {
      similar: (same?.similar ?? 0) + (unknown?.similar ?? 0),
      agreeing: (same?.agreeing ?? 0) + (unknown?.agreeing ?? 0),
    };
  }

  private count(entry: LabelledCase, delta: 1 | -1): void {
    if (delta > 0) this.ids.add(entry.id);
    else this.ids.delete(entry.id);
    const [map, key] = entry.features === null ? [this.byRecommendationOnly, entry.recommendation] : [this.byFeatures, entry.features];
    const counts = map.get(key) ?? { similar: 0, agreeing: 0 };
    counts.similar += delta;
    if (entry.agrees) counts.agreeing += delta;
    if (counts.similar > 0) map.set(key, counts);
    else map.delete(key);
  }
}
