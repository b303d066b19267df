/**
 * Drift detection: risk-adjusted Bernoulli CUSUMs (Steiner, Cook, Farewell & Treasure, 2000) on
 * the stream of known outcomes of one category and model. Each outcome comes with p0, the error
 * rate expected for it while nothing has changed (from the certified calibration at its basis),
 * and counts for the alternative that the odds of an error are multiplied by R:
 *
 *   p1 = R·p0 / (1 − p0 + R·p0),   W = y·ln(p1/p0) + (1 − y)·ln((1 − p1)/(1 − p0)),
 *   S ← max(0, S + W),             alarm when S ≥ h.
 *
 * False alarms. The likelihood ratio started at any point is a martingale of mean 1 while p0 is
 * right, so by Ville's inequality it ever reaches e^h with probability at most e^−h; the CUSUM
 * crosses h within N outcomes only if one of those N restarts does, so
 *
 *   P(false alarm within N outcomes) ≤ N·e^−h,  and h = ln(N·k/α) for k charts keeps it ≤ α.
 *
 * This holds whatever the p0 of each outcome, which is what a risk-adjusted chart needs; it is
 * conservative (the real rate is lower). Detection: after a change to a true error rate q, S
 * grows by E[W] = q·ln(p1/p0) + (1 − q)·ln((1 − p1)/(1 − p0)) per outcome, so the delay is about
 * h / E[W] outcomes (expectedDelay). Two charts run side by side: a small R catches a slow
 * worsening, a large R catches a model that turns wrong on everything within a handful of outcomes.
 */
export interface DriftRule {
  /** α: the chance of any false alarm within `horizon` outcomes of a stable model. */
  falseAlarmRate: number;
  horizon: number;
  /** The odds ratios the charts are tuned to detect (e.g. [2, 20]). */
  oddsRatios: readonly number[];
  /**
   * A chart at or above this share of the limit is in warning (variable sampling rate): the
   * caller samples more outcomes (audits at their ceiling) until it falls back or alarms. 1: none.
   */
  warningLevel?: number;
}

export interface CusumState {
  /** One statistic per odds ratio. */
  s: number[];
  /** Outcomes seen, and how many wrong, since the charts were last reset. */
  n: number;
  wrong: number;
  /** Σ p0 since the reset: the wrong outcomes expected. */
  expectedWrong: number;
  /** Outcomes since each chart last stood at zero: where the change began, as the chart sees it. */
  run: number[];
}

export interface DriftAlarm {
  oddsRatio: number;
  statistic: number;
  limit: number;
  /** Outcomes since the chart last stood at zero (the estimated change point). */
  since: number;
}

export const newCusum = (rule: DriftRule): CusumState => ({ s: rule.oddsRatios.map(() => 0), n: 0, wrong: 0, expectedWrong: 0, run: rule.oddsRatios.map(() => 0) });

/** The control limit h = ln(N·k/α). */
export function controlLimit(rule: DriftRule): number {
  if (!(rule.falseAlarmRate > 0 && rule.falseAlarmRate < 1)) throw new RangeError(`falseAlarmRate must be in (0, 1), got ${rule.falseAlarmRate}`);
  if (!(rule.horizon >= 1)) throw new RangeError(`horizon must be >= 1, got ${rule.horizon}`);
  return Math.log((rule.horizon * rule.oddsRatios.length) / rule.falseAlarmRate);
}

const clampP = (p: number) => Math.min(0.999, Math.max(0.0005, p));

function alternative(p0: number, oddsRatio: number): number {
  return (oddsRatio * p0) / (1 - p0 + oddsRatio * p0);
}

/** The score of one outcome on the chart of one odds ratio. */
export function cusumWeight(wrong: boolean, p0: number, oddsRatio: number): number {
  const p = clampP(p0);
  const p1 = alternative(p, oddsRatio);
  return wrong ? Math.log(p1 / p) : Math.log((1 - p1) / (1 - p));
}

/**
 * Adds one outcome; returns the alarm when a chart reaches the limit. The chart that alarmed
 * restarts from zero, so a worsening that goes on raises a new alarm; the caller decides what an
 * alarm stops.
 */
export function observe(state: CusumState, wrong: boolean, p0: number, rule: DriftRule): DriftAlarm | undefined {
  const h = controlLimit(rule);
  state.n += 1;
  if (wrong) state.wrong += 1;
  state.expectedWrong += clampP(p0);
  let alarm: DriftAlarm | undefined;
  rule.oddsRatios.forEach((r, i) => {
    const next = Math.max(0, state.s[i] + cusumWeight(wrong, p0, r));
    state.run[i] = next === 0 ? 0 : state.run[i] + 1;
    state.s[i] = next;
    if (next >= h && !alarm) {
      alarm = { oddsRatio: r, statistic: next, limit: h, since: state.run[i] };
      state.s[i] = 0;
      state.run[i] = 0;
    }
  });
  return alarm;
}

/**
 * Whether a chart stands at or above warningLevel·h: the evidence leans towards a change without
 * proving it. A variable-sampling-rate CUSUM (Reynolds, Amin & Arnold, 1990) samples faster then,
 * so a real change is confirmed sooner while a stable model, whose charts rarely climb that far
 * (a chart reaches x·h from a restart with probability at most e^(−x·h)), costs few extra
 * samples. Sampling more changes no false-alarm bound: the choice to look depends only on
 * outcomes already seen, and the likelihood ratio stays a martingale of mean 1 under any such
 * (predictable) choice of which outcomes to observe.
 */
export function inWarning(state: CusumState, rule: DriftRule): boolean {
  const level = rule.warningLevel ?? 1;
  if (level >= 1) return false;
  const h = controlLimit(rule);
  return state.s.some((s) => s >= level * h);
}

/**
 * About how many outcomes the chart of `oddsRatio` needs to alarm once the true error rate is q
 * where p0 was expected (Wald's approximation h / E[W]); Infinity when it drifts down, not up.
 */
export function expectedDelay(p0: number, q: number, oddsRatio: number, rule: DriftRule): number {
  const drift = q * cusumWeight(true, p0, oddsRatio) + (1 - q) * cusumWeight(false, p0, oddsRatio);
  return drift > 0 ? controlLimit(rule) / drift : Infinity;
}
