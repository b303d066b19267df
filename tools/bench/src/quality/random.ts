import { createHash } from 'node:crypto';

// The seeded PRNG the platform's simulations share.
export { seededRandom } from '@hitl/trust';

/** Fisher–Yates shuffle of a copy, driven by `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A stable bucket 0..buckets-1 of a key (sha256), independent of any seed. */
export function bucketOf(key: string, buckets: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % buckets;
}
