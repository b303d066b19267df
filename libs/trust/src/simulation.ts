import { normalQuantile } from './intervals';

// Reproducible randomness for the simulations that check what the platform claims (libs/trust's
// specs, the backtest's, feedback's, bench:quality). Builtins are aliased once: under jest every
// access to a global such as `Math` goes through the vm sandbox's global object and costs ~0.3 µs
// (30× a plain call), which would dominate the simulation loops.
const { imul, log, log1p, floor, sqrt } = Math;

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same stream for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) by geometric skipping between successes: O(n·min(p, 1 − p)) uniforms. */
export function binomial(random: () => number, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  const logQ = log1p(-p);
  let k = 0;
  for (let i = -1; ; k++) {
    i += 1 + floor(log(1 - random()) / logQ);
    if (i >= n) return k;
  }
}

/**
 * The least simulated rate to accept for a property claimed to hold with probability `level`: if
 * the true rate were exactly `level`, the rate over `runs` independent runs falls below this only
 * with probability 0.1 % (normal approximation to the binomial, z = 3.09).
 */
export const lowestAcceptable = (level: number, runs: number) => level - normalQuantile(0.999) * sqrt((level * (1 - level)) / runs);
