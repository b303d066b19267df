import { seededRandom } from './simulation';
import { normalQuantile } from './intervals';
import { controlLimit, cusumWeight, expectedDelay, inWarning, newCusum, observe, type DriftAlarm, type DriftRule } from './cusum';

// ---- reproducible randomness (the same few lines in each simulation spec of this lib) ----------
// Builtins are aliased once: under jest every access to a global such as `Math` goes through the
// vm sandbox's global object and costs ~0.3 µs (30× a plain call), which would dominate the loops.
const { log, exp, sqrt, ceil } = Math;
const report = (line: string) => {
  if (process.env.TRUST_SIM_REPORT) console.log(line);
};
/** The most we accept for a rate claimed to be at most `level` over `runs` runs: its binomial 99.9 % upper limit (normal approximation, z = 3.09). */
const highestAcceptable = (level: number, runs: number) => level + normalQuantile(0.999) * sqrt((level * (1 - level)) / runs);

const rule: DriftRule = { falseAlarmRate: 0.05, horizon: 2000, oddsRatios: [2, 20] };
/** Odds × r: the error rate when the odds p/(1 − p) are multiplied by r. */
const oddsTimes = (p: number, r: number) => (r * p) / (1 - p + r * p);

describe('controlLimit', () => {
  it.each<[DriftRule, number]>([
    [rule, log(80_000)], // 11.29: N·k/α = 2000·2/0.05
    [{ falseAlarmRate: 0.01, horizon: 10_000, oddsRatios: [2] }, log(1e6)],
    [{ falseAlarmRate: 0.5, horizon: 1, oddsRatios: [3] }, log(2)],
    [{ falseAlarmRate: 0.05, horizon: 500, oddsRatios: [1.5, 3, 20] }, log(30_000)],
  ])('%j → %p', (r, h) => {
    expect(controlLimit(r)).toBeCloseTo(h, 12);
  });

  it('is 11.2898 for the default rule and rises with the horizon and the number of charts, falls with α', () => {
    expect(controlLimit(rule)).toBeCloseTo(11.289782, 6);
    expect(controlLimit({ ...rule, horizon: 4000 })).toBeCloseTo(controlLimit(rule) + log(2), 12);
    expect(controlLimit({ ...rule, oddsRatios: [2, 5, 20] })).toBeCloseTo(controlLimit(rule) + log(1.5), 12);
    expect(controlLimit({ ...rule, falseAlarmRate: 0.01 })).toBeCloseTo(controlLimit(rule) + log(5), 12);
  });

  it.each([0, 1, -0.1, NaN])('rejects falseAlarmRate %p', (a) => {
    expect(() => controlLimit({ ...rule, falseAlarmRate: a })).toThrow(RangeError);
  });

  it.each([0, 0.5, -1, NaN])('rejects horizon %p', (n) => {
    expect(() => controlLimit({ ...rule, horizon: n })).toThrow(RangeError);
  });
});

describe('cusumWeight', () => {
  it('is the log likelihood ratio of the odds-ratio alternative', () => {
    const p1 = oddsTimes(0.02, 20); // 0.289855
    expect(cusumWeight(true, 0.02, 20)).toBeCloseTo(log(p1 / 0.02), 12);
    expect(cusumWeight(false, 0.02, 20)).toBeCloseTo(log((1 - p1) / 0.98), 12);
    expect(cusumWeight(true, 0.02, 20)).toBeCloseTo(2.673649, 5);
  });

  it('has E[e^W] = 1 under p0 at every p0: the likelihood ratio is a mean-1 martingale (the premise of the Ville bound)', () => {
    for (const p0 of [0.0005, 0.001, 0.005, 0.02, 0.1, 0.3, 0.7, 0.999]) {
      for (const r of [1.5, 2, 3, 20, 100]) {
        expect(p0 * exp(cusumWeight(true, p0, r)) + (1 - p0) * exp(cusumWeight(false, p0, r))).toBeCloseTo(1, 12);
      }
    }
  });

  it('clamps p0 to [0.0005, 0.999], so a p0 of 0 or 1 gives finite scores', () => {
    expect(cusumWeight(true, 0, 2)).toBe(cusumWeight(true, 0.0005, 2));
    expect(cusumWeight(false, 1, 2)).toBe(cusumWeight(false, 0.999, 2));
    expect(Number.isFinite(cusumWeight(true, 0, 20))).toBe(true);
  });
});

describe('observe', () => {
  it('keeps the counts: outcomes, wrong ones, expected wrong ones (Σ clamped p0)', () => {
    const state = newCusum(rule);
    observe(state, true, 0.1, rule);
    observe(state, false, 0.2, rule);
    observe(state, false, 0, rule);
    expect(state.n).toBe(3);
    expect(state.wrong).toBe(1);
    expect(state.expectedWrong).toBeCloseTo(0.3005, 12);
  });

  it('the statistic is max(0, S + W) per chart, and `run` counts outcomes since it last stood at zero', () => {
    const state = newCusum(rule);
    observe(state, true, 0.02, rule);
    expect(state.s[0]).toBeCloseTo(cusumWeight(true, 0.02, 2), 12);
    expect(state.s[1]).toBeCloseTo(cusumWeight(true, 0.02, 20), 12);
    expect(state.run).toEqual([1, 1]);
    observe(state, false, 0.02, rule);
    expect(state.s[1]).toBeCloseTo(cusumWeight(true, 0.02, 20) + cusumWeight(false, 0.02, 20), 12);
    expect(state.run).toEqual([2, 2]);
    for (let i = 0; i < 40; i++) observe(state, false, 0.02, rule); // R = 2 loses 0.0198 a right outcome
    expect(state.s).toEqual([0, 0]);
    expect(state.run).toEqual([0, 0]);
  });

  it('a model that turns wrong on everything (p0 = 2 %) alarms on the R = 20 chart at the 5th outcome = ⌈expectedDelay⌉ = ⌈4.22⌉', () => {
    const h = controlLimit(rule);
    const delay = expectedDelay(0.02, 1, 20, rule);
    expect(delay).toBeCloseTo(h / log(oddsTimes(0.02, 20) / 0.02), 12);
    expect(delay).toBeCloseTo(4.2226, 3);
    const state = newCusum(rule);
    let alarm: DriftAlarm | undefined;
    let at = 0;
    while (!alarm) {
      at++;
      alarm = observe(state, true, 0.02, rule);
    }
    expect(at).toBe(ceil(delay));
    expect(alarm).toEqual({ oddsRatio: 20, statistic: 5 * cusumWeight(true, 0.02, 20), limit: h, since: 5 });
  });

  it('a worsening that goes on raises a new alarm: the chart that alarmed restarts from zero', () => {
    const state = newCusum(rule);
    const alarms: [number, DriftAlarm][] = [];
    for (let i = 1; i <= 60; i++) {
      const alarm = observe(state, true, 0.02, rule);
      if (alarm) {
        alarms.push([i, alarm]);
        expect(state.s[rule.oddsRatios.indexOf(alarm.oddsRatio)]).toBe(0);
        expect(state.run[rule.oddsRatios.indexOf(alarm.oddsRatio)]).toBe(0);
      }
    }
    // R = 20 every 5 outcomes (4.22 rounded up, from zero each time); R = 2 every ⌈11.29/0.673⌉ = 17.
    const at20 = alarms.filter(([, a]) => a.oddsRatio === 20).map(([i]) => i);
    const at2 = alarms.filter(([, a]) => a.oddsRatio === 2).map(([i]) => i);
    expect(at20).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    expect(at2).toEqual([17, 34, 51]);
    expect(alarms.every(([, a]) => a.since === (a.oddsRatio === 20 ? 5 : 17))).toBe(true);
  });

  it('the statistic of a stable model falls back to zero rather than drifting up', () => {
    const state = newCusum(rule);
    for (let i = 0; i < 1000; i++) observe(state, false, 0.3, rule);
    expect(state.s).toEqual([0, 0]);
  });
});

describe('expectedDelay', () => {
  it('is h / E[W] under the changed rate, and Infinity when the score drifts down', () => {
    const q = oddsTimes(0.02, 3);
    const drift = q * cusumWeight(true, 0.02, 2) + (1 - q) * cusumWeight(false, 0.02, 2);
    expect(expectedDelay(0.02, q, 2, rule)).toBeCloseTo(controlLimit(rule) / drift, 12);
    expect(expectedDelay(0.02, q, 2, rule)).toBeCloseTo(559.27, 1);
    // Nothing changed: the score drifts down (−KL), no alarm is expected.
    expect(expectedDelay(0.02, 0.02, 2, rule)).toBe(Infinity);
    // Odds × 3 is too little for the chart tuned to × 20: it drifts down.
    expect(expectedDelay(0.02, q, 20, rule)).toBe(Infinity);
  });
});

// ---- simulations -------------------------------------------------------------------------------

/** 256 values of p0 spread evenly in log between 0.5 % and 30 % (a realistic mix of calibrated error rates). */
const P0_TABLE = Array.from({ length: 256 }, (_, i) => exp(log(0.005) + ((log(0.3) - log(0.005)) * i) / 255));

describe('false alarms (simulation)', () => {
  /*
   * Stable streams: each outcome has its own p0, drawn from P0_TABLE, and is wrong with
   * probability p0 (the model is exactly as calibrated). Claim: P(any alarm within N = 2000
   * outcomes) ≤ α = 5 % (Ville + union over the N restarts and k = 2 charts). Accepted: the
   * fraction of 1000 streams that alarm ≤ 5 % + 3.09·√(0.05·0.95/1000) = 7.13 %. Seed 2000.
   * Simulated: 4 of 1000 streams = 0.4 % (the bound is conservative); ~4.7 s cpu (2 million
   * observe() calls; under jest each costs ~2.3 µs, mostly global `Math` lookups in the sandbox).
   */
  const STREAMS = 1000;

  function alarmedStreams(r: DriftRule, streams: number, seed: number): number {
    const rnd = seededRandom(seed);
    let alarmed = 0;
    for (let s = 0; s < streams; s++) {
      const state = newCusum(r);
      for (let i = 0; i < 2000; i++) {
        const p0 = P0_TABLE[(rnd() * 256) | 0];
        if (observe(state, rnd() < p0, p0, r)) {
          alarmed++;
          break;
        }
      }
    }
    return alarmed;
  }

  it(`at most α = 5 % of ${STREAMS} stable streams of 2000 outcomes raise any alarm`, () => {
    const cpu = process.cpuUsage();
    const alarmed = alarmedStreams(rule, STREAMS, 2000);
    report(`cusum false alarms: ${alarmed}/${STREAMS} = ${alarmed / STREAMS}; ${(process.cpuUsage(cpu).user / 1e6).toFixed(2)} s cpu`);
    expect(alarmed / STREAMS).toBeLessThanOrEqual(highestAcceptable(0.05, STREAMS));
  });

  // Seed 2001: 200 of 200 streams alarm.
  it('the check has teeth: with the limit of a 1-outcome horizon (h = ln 40 = 3.7) the same streams alarm far more than 5 %', () => {
    const alarmed = alarmedStreams({ ...rule, horizon: 1 }, 200, 2001);
    report(`cusum false alarms with h = ln 40: ${alarmed}/200`);
    expect(alarmed / 200).toBeGreaterThan(highestAcceptable(0.05, 200));
  });
});

describe('detection delay (simulation)', () => {
  /** Outcomes after the change until the first alarm; each stream first runs `warmup` stable outcomes (alarms there are ignored). */
  function delays(p0: number, q: number, streams: number, warmup: number, cap: number, seed: number): number[] {
    const rnd = seededRandom(seed);
    const out: number[] = [];
    for (let s = 0; s < streams; s++) {
      const state = newCusum(rule);
      for (let i = 0; i < warmup; i++) observe(state, rnd() < p0, p0, rule);
      let d = 0;
      for (; d < cap; d++) if (observe(state, rnd() < q, p0, rule)) break;
      out.push(d + 1);
    }
    return out;
  }

  it('wrong on every outcome (p0 = 2 %, R = 20): the alarm comes within ⌈expectedDelay⌉ = 5 outcomes, whatever the history', () => {
    // With the drift deterministic (every outcome adds ln(p1/p0) = 2.67) the chart, which stands at
    // ≥ 0 at the change, crosses h = 11.29 after at most ⌈11.29 / 2.67⌉ = 5 outcomes. Seed 31:
    // 300 streams after 500 stable outcomes, delays 3 to 5.
    const bound = ceil(expectedDelay(0.02, 1, 20, rule));
    const d = delays(0.02, 1, 300, 500, 100, 31);
    report(`all wrong: delays min ${Math.min(...d)} max ${Math.max(...d)} (bound ${bound})`);
    expect(Math.max(...d)).toBeLessThanOrEqual(bound);
    expect(bound).toBe(5);
  });

  it('odds × 3 (p0 = 2 % → 5.77 %): on average within 1.5 × expectedDelay of the R = 2 chart (559 outcomes)', () => {
    /*
     * Wald's h/E[W] ignores the overshoot of h and the chart's returns to zero, so the mean delay
     * is somewhat longer. Accepted: the mean of 300 delays ≤ 1.5·expectedDelay = 839 (its standard
     * error is ~4 % of the mean: delays have a standard deviation of about 1/2 the mean). Also the
     * change must not be caught absurdly early (mean ≥ 0.5 × expectedDelay). Seed 32: mean 498
     * outcomes = 0.89 × expectedDelay (the chart rarely stands at exactly 0 at the change).
     */
    const q = oddsTimes(0.02, 3);
    const expected = expectedDelay(0.02, q, 2, rule);
    const cpu = process.cpuUsage();
    const d = delays(0.02, q, 300, 300, 20 * expected, 32);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    report(`odds x3: mean delay ${mean.toFixed(1)} vs expectedDelay ${expected.toFixed(1)} (ratio ${(mean / expected).toFixed(3)}); ${(process.cpuUsage(cpu).user / 1e6).toFixed(2)} s cpu`);
    expect(mean).toBeLessThanOrEqual(1.5 * expected);
    expect(mean).toBeGreaterThanOrEqual(0.5 * expected);
  });

  it('a worsening by odds × 3 that goes on after an alarm raises a new alarm (in ≥ 95 % of streams within 4 × expectedDelay)', () => {
    const q = oddsTimes(0.02, 3);
    const expected = expectedDelay(0.02, q, 2, rule);
    const rnd = seededRandom(33); // 100 of 100 streams raise the second alarm
    let again = 0;
    const STREAMS = 100;
    for (let s = 0; s < STREAMS; s++) {
      const state = newCusum(rule);
      let first = false;
      for (let i = 0; i < 20 * expected; i++) {
        if (observe(state, rnd() < q, 0.02, rule)) {
          first = true;
          break;
        }
      }
      expect(first).toBe(true);
      for (let i = 0; i < 4 * expected; i++) {
        if (observe(state, rnd() < q, 0.02, rule)) {
          again++;
          break;
        }
      }
    }
    report(`odds x3 second alarm: ${again}/${STREAMS}`);
    expect(again / STREAMS).toBeGreaterThanOrEqual(0.95);
  });
});

describe('inWarning', () => {
  const warned: DriftRule = { ...rule, warningLevel: 0.3 };

  it('is true once a chart reaches warningLevel·h (0.3 × 11.29 = 3.39), false again when the charts fall back', () => {
    const state = newCusum(warned);
    observe(state, true, 0.02, warned); // R = 20 chart: 2.67
    expect(inWarning(state, warned)).toBe(false);
    observe(state, true, 0.02, warned); // 5.35 ≥ 3.39
    expect(inWarning(state, warned)).toBe(true);
    while (state.s.some((s) => s >= 0.3 * controlLimit(warned))) observe(state, false, 0.02, warned);
    expect(inWarning(state, warned)).toBe(false);
  });

  it('is never true without a warningLevel, or with 1 (off)', () => {
    for (const r of [rule, { ...rule, warningLevel: 1 }]) {
      const state = newCusum(r);
      for (let i = 0; i < 4; i++) observe(state, true, 0.02, r);
      expect(state.s[1]).toBeGreaterThan(0.9 * controlLimit(r));
      expect(inWarning(state, r)).toBe(false);
    }
  });
});

describe('variable sampling rate (simulation): audits at the ceiling while a chart is in warning', () => {
  const FLOOR = 0.05;
  const CEILING = 0.5;
  const warned: DriftRule = { ...rule, warningLevel: 0.3 };

  /** Auto-approved cases of `streams` streams of `cases` each, audited at the floor or, in warning, at the ceiling; per stream: cases until the alarm (or `cases`), cases audited, cases seen in warning. */
  function run(r: DriftRule, p0: number, q: number, streams: number, cases: number, seed: number) {
    const rnd = seededRandom(seed);
    const out: { until: number; audits: number; warned: number }[] = [];
    for (let s = 0; s < streams; s++) {
      const state = newCusum(r);
      let audits = 0;
      let inWarn = 0;
      let until = cases;
      for (let i = 0; i < cases; i++) {
        const warning = inWarning(state, r);
        if (warning) inWarn++;
        if (rnd() >= (warning ? CEILING : FLOOR)) continue;
        audits++;
        if (observe(state, rnd() < q, p0, r)) {
          until = i + 1;
          break;
        }
      }
      out.push({ until, audits, warned: inWarn });
    }
    return out;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('a model wrong on every case (p0 = 2 %) is stopped after about half the auto-approvals: 2 audits at the floor, then 3 at the ceiling', () => {
    /*
     * Every audit adds 2.67 to the R = 20 chart: the warning (3.39) comes with the 2nd audit and
     * the alarm (11.29) with the 5th. Auto-approvals until the alarm: 2/floor + 3/ceiling = 46 on
     * average with the warning, 5/floor = 100 without. Accepted: each mean within 15 % of its
     * expectation (each has a standard error of ~3 % over 1,000 streams). Seed 41: 44.8 and 99.8.
     */
    const w = cusumWeight(true, 0.02, 20);
    const toWarn = ceil((0.3 * controlLimit(warned)) / w);
    const toAlarm = ceil(controlLimit(warned) / w);
    expect([toWarn, toAlarm]).toEqual([2, 5]);
    const expectedWith = toWarn / FLOOR + (toAlarm - toWarn) / CEILING;
    const expectedWithout = toAlarm / FLOOR;
    const withWarning = mean(run(warned, 0.02, 1, 1000, 10_000, 41).map((s) => s.until));
    const without = mean(run(rule, 0.02, 1, 1000, 10_000, 41).map((s) => s.until));
    report(`VSR all wrong: ${withWarning.toFixed(1)} auto-approvals until the alarm (expected ${expectedWith}), without the warning ${without.toFixed(1)} (expected ${expectedWithout})`);
    expect(Math.abs(withWarning / expectedWith - 1)).toBeLessThan(0.15);
    expect(Math.abs(without / expectedWithout - 1)).toBeLessThan(0.15);
  });

  it('a stable model costs almost nothing: under 1 % more audits, cases in warning under 0.5 %, and no more false alarms than α', () => {
    /*
     * Seed 42, 200 streams of 20,000 auto-approvals at p0 = 2 % under the default rule's limit
     * (α = 1 % within 100,000 outcomes, h = 16.8): audit share 5.04 % (5 % at the floor alone),
     * 0.07 % of cases in warning, no alarm. Each stream sees ~1,000 outcomes, so the Ville bound
     * allows at most 1,000·e^−h = 0.01 % false alarms per stream; accepted: at most α of streams.
     */
    const defaults: DriftRule = { falseAlarmRate: 0.01, horizon: 100_000, oddsRatios: [2, 20], warningLevel: 0.3 };
    const cpu = process.cpuUsage();
    const streams = run(defaults, 0.02, 0.02, 200, 20_000, 42);
    const cases = 200 * 20_000;
    const auditShare = streams.reduce((a, s) => a + s.audits, 0) / cases;
    const warnShare = streams.reduce((a, s) => a + s.warned, 0) / cases;
    const alarmed = streams.filter((s) => s.until < 20_000).length;
    report(`VSR stable: audit share ${auditShare.toFixed(4)}, in warning ${warnShare.toFixed(5)}, alarms ${alarmed}/200; ${(process.cpuUsage(cpu).user / 1e6).toFixed(2)} s cpu`);
    expect(auditShare).toBeLessThan(FLOOR * 1.01 + 3 * sqrt((FLOOR * (1 - FLOOR)) / cases));
    expect(warnShare).toBeLessThan(0.005);
    expect(alarmed / 200).toBeLessThanOrEqual(highestAcceptable(0.01, 200));
  });
});
