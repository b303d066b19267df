// The quality bench's figures, from what it sent and what came back on decision.finalized. Pure.
//
// Phases, by the order the predictions were published (seq): warm-up (seq < warmup: labels
// accumulate, nothing measured), stable (warmup ≤ seq < driftFrom: fresh cases, the model as
// trained), drift (seq ≥ driftFrom: in one category the model's recommendation is wrong on every
// case, with its probability unchanged; the other categories stay as they were).
import { clopperPearsonInterval } from '@hitl/platform';

export type Phase = 'warmup' | 'stable' | 'drift';

export interface SentCase {
  seq: number;
  caseId: string;
  category: string;
  truth: string;
  recommendation: string;
  /** The model's probability of its recommendation, as published. */
  probability: number;
  /** The recommendation was made wrong on purpose (the drifted category after driftFrom). */
  drifted: boolean;
}

export interface Finalized {
  decidedBy: 'auto' | 'human';
  outcome: string;
}

export type ObservedCase = SentCase & { decision?: Finalized };

export interface RateWithBound {
  n: number;
  wrong: number;
  /** wrong / n (0 when n = 0). */
  rate: number;
  /** One-sided upper confidence bound (Clopper–Pearson), 1 when n = 0. */
  upper: number;
}

/** wrong of n, with the one-sided Clopper–Pearson upper bound at `confidence`. */
export function rateWithBound(wrong: number, n: number, confidence = 0.95): RateWithBound {
  if (n === 0) return { n, wrong, rate: 0, upper: 1 };
  // A two-sided interval at 1 − 2α has the one-sided (1 − α) upper bound as its high end.
  const upper = clopperPearsonInterval(wrong, n, 1 - 2 * (1 - confidence)).high;
  return { n, wrong, rate: wrong / n, upper };
}

export interface Automation {
  cases: number;
  decided: number;
  auto: number;
  /** auto / decided. */
  share: number;
  /** Auto-approvals whose outcome is not the true label. */
  error: RateWithBound;
  human: number;
  /** Human final decisions whose outcome is not the true label. */
  humanError: RateWithBound;
}

export function automationOf(cases: readonly ObservedCase[], confidence = 0.95): Automation {
  const decided = cases.filter((c) => c.decision !== undefined);
  const auto = decided.filter((c) => c.decision!.decidedBy === 'auto');
  const human = decided.filter((c) => c.decision!.decidedBy === 'human');
  const wrong = (list: ObservedCase[]) => list.filter((c) => c.decision!.outcome !== c.truth).length;
  return {
    cases: cases.length,
    decided: decided.length,
    auto: auto.length,
    share: decided.length === 0 ? 0 : auto.length / decided.length,
    error: rateWithBound(wrong(auto), auto.length, confidence),
    human: human.length,
    humanError: rateWithBound(wrong(human), human.length, confidence),
  };
}

export interface ScoredPoint {
  probability: number;
  correct: boolean;
}

export interface ThresholdResult {
  /** The threshold (cases with probability ≥ it are automated); null when none meets the target. */
  threshold: number | null;
  covered: number;
  /** covered / all cases. */
  coverage: number;
  error: RateWithBound;
}

/**
 * The oracle: the best coverage any single threshold on the model's own probability reaches on
 * these cases while the realized error of the cases at or above it stays ≤ target. It knows the
 * truth of the very cases it is scored on, so no deployable rule can beat it on them: it is the
 * ceiling for automation at the target.
 */
export function oracleThreshold(points: readonly ScoredPoint[], target: number, confidence = 0.95): ThresholdResult {
  const sorted = [...points].sort((a, b) => b.probability - a.probability);
  let best: ThresholdResult = { threshold: null, covered: 0, coverage: 0, error: rateWithBound(0, 0, confidence) };
  let wrong = 0;
  for (let i = 0; i < sorted.length; ) {
    // Cases of equal probability stand or fall together: one threshold cannot split them.
    const p = sorted[i].probability;
    while (i < sorted.length && sorted[i].probability === p) {
      if (!sorted[i].correct) wrong++;
      i++;
    }
    if (wrong <= target * i && i > best.covered) best = { threshold: p, covered: i, coverage: i / sorted.length, error: rateWithBound(wrong, i, confidence) };
  }
  return best;
}

/** A fixed rule on the model's probability: automate when probability > threshold (the guide's > 0.95 band). */
export function fixedThreshold(points: readonly ScoredPoint[], threshold = 0.95, confidence = 0.95): ThresholdResult {
  const above = points.filter((p) => p.probability > threshold);
  const wrong = above.filter((p) => !p.correct).length;
  return { threshold, covered: above.length, coverage: points.length === 0 ? 0 : above.length / points.length, error: rateWithBound(wrong, above.length, confidence) };
}

/**
 * How many consecutive cases without an automatic decision it takes before "automation stopped"
 * is the explanation rather than chance: at an automation share s, k cases in a row are all
 * human with probability (1 − s)^k; the smallest k with (1 − s)^k ≤ alpha, at least `min`.
 * Infinity when the category had no automation to stop.
 */
export function quietRunNeeded(share: number, alpha = 1e-4, min = 20): number {
  if (!(share > 0)) return Infinity;
  if (share >= 1) return min;
  return Math.max(min, Math.ceil(Math.log(alpha) / Math.log(1 - share)));
}

const bySeq = (a: ObservedCase, b: ObservedCase) => a.seq - b.seq;
const isAuto = (c: ObservedCase) => c.decision?.decidedBy === 'auto';

export interface DriftReport {
  category: string;
  /** Cases of the category published from driftFrom on, and how many of them came back. */
  cases: number;
  decided: number;
  /** Its automation share on the stable phase: what it had to lose. */
  stableShare: number;
  /** Consecutive non-automatic cases that count as "stopped" (quietRunNeeded of stableShare). */
  quietNeeded: number;
  /** Auto-approvals of the category after the drift, and how many were wrong (all should be). */
  autoAfterDrift: number;
  wrongAutoApprovals: number;
  /** Automation ended: after the last auto-approval at least quietNeeded cases went to people. */
  stopped: boolean;
  /** Drifted cases up to and including the last auto-approval (the detection delay, in cases). */
  casesUntilStop: number | null;
  /** seq of the first case after the last auto-approval. */
  stoppedAtSeq: number | null;
}

export function driftReport(cases: readonly ObservedCase[], category: string, warmup: number, driftFrom: number): DriftReport {
  const mine = cases.filter((c) => c.category === category).sort(bySeq);
  const stableShare = automationOf(mine.filter((c) => c.seq >= warmup && c.seq < driftFrom)).share;
  const after = mine.filter((c) => c.seq >= driftFrom);
  const decided = after.filter((c) => c.decision !== undefined);
  const autos = decided.filter(isAuto);
  const quietNeeded = quietRunNeeded(stableShare);
  let last = -1;
  decided.forEach((c, i) => {
    if (isAuto(c)) last = i;
  });
  const quietTail = decided.length - (last + 1);
  const stopped = stableShare > 0 && quietTail >= quietNeeded;
  return {
    category,
    cases: after.length,
    decided: decided.length,
    stableShare,
    quietNeeded,
    autoAfterDrift: autos.length,
    wrongAutoApprovals: autos.filter((c) => c.decision!.outcome !== c.truth).length,
    stopped,
    casesUntilStop: stopped ? last + 1 : null,
    stoppedAtSeq: stopped ? (decided[last + 1]?.seq ?? null) : null,
  };
}

export interface Alarm {
  category: string;
  /** seq of the first case of the quiet run. */
  fromSeq: number;
  /** Consecutive cases of the category without an automatic decision. */
  length: number;
  quietNeeded: number;
  /** The run reaches the end of the window (automation did not come back while measured). */
  ongoing: boolean;
}

/**
 * False alarms: a category whose model did not change losing its automation, i.e. a run of at
 * least quietRunNeeded(its stable share) consecutive non-automatic cases after it had been
 * automated. Watched from the end of the warm-up: the stable categories to the end of the run, the
 * drifted one until its drift begins.
 */
export function falseAlarms(cases: readonly ObservedCase[], categories: readonly string[], driftCategory: string | undefined, warmup: number, driftFrom: number): Alarm[] {
  const alarms: Alarm[] = [];
  for (const category of categories) {
    const mine = cases.filter((c) => c.category === category && c.decision !== undefined).sort(bySeq);
    const end = category === driftCategory ? driftFrom : Infinity;
    const share = automationOf(mine.filter((c) => c.seq >= warmup && c.seq < driftFrom)).share;
    const needed = quietRunNeeded(share);
    let seenAuto = mine.some((c) => c.seq < warmup && isAuto(c));
    const window = mine.filter((c) => c.seq >= warmup && c.seq < end);
    let runStart = -1;
    let longest = { from: -1, length: 0, last: -1 };
    window.forEach((c, i) => {
      if (isAuto(c)) {
        seenAuto = true;
        runStart = -1;
        return;
      }
      if (!seenAuto) return; // not automated yet: still warming up, nothing to lose
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > longest.length) longest = { from: runStart, length: i - runStart + 1, last: i };
    });
    if (longest.length >= needed) alarms.push({ category, fromSeq: window[longest.from].seq, length: longest.length, quietNeeded: needed, ongoing: longest.last === window.length - 1 });
  }
  return alarms;
}

export interface QualityReport {
  target: number;
  confidence: number;
  phases: { warmup: number; driftFrom: number; total: number };
  /** Fresh cases of the stable phase, every category. */
  stable: {
    platform: Automation;
    oracle: ThresholdResult;
    fixed095: ThresholdResult;
    modelAccuracy: number;
    byCategory: Record<string, Automation>;
    /**
     * The model's error at the oracle's threshold among the warm-up's cases (the same threshold,
     * the cases most of the evidence came from): null without an oracle threshold. Far from the
     * oracle's own error, the stable phase is easier or harder than what certified automation.
     */
    warmupAtOracle: RateWithBound | null;
  };
  /** The categories that did not drift, after the drift began. */
  afterDriftStableCategories: Automation;
  drift: DriftReport | null;
  falseAlarms: Alarm[];
  undecided: number;
  acceptance: {
    errorWithinTarget: boolean;
    automationAtLeastFixed095: boolean;
    /** null: no drift in the run, or the drifted category was never automated (nothing to test). */
    driftStoppedWithin50: boolean | null;
    noFalseAlarm: boolean;
  };
}

export function qualityReport(
  cases: readonly ObservedCase[],
  options: { target: number; warmup: number; driftFrom: number; categories: readonly string[]; driftCategory?: string; confidence?: number },
): QualityReport {
  const confidence = options.confidence ?? 0.95;
  const { warmup, driftFrom, target } = options;
  const stableCases = cases.filter((c) => c.seq >= warmup && c.seq < driftFrom);
  const points = stableCases.map((c) => ({ probability: c.probability, correct: c.recommendation === c.truth }));
  const platform = automationOf(stableCases, confidence);
  const oracle = oracleThreshold(points, target, confidence);
  const fixed095 = fixedThreshold(points, 0.95, confidence);
  const byCategory = Object.fromEntries(options.categories.map((cat) => [cat, automationOf(stableCases.filter((c) => c.category === cat), confidence)]));
  const warmAbove = oracle.threshold === null ? [] : cases.filter((c) => c.seq < warmup && c.probability >= oracle.threshold!);
  const warmupAtOracle = oracle.threshold === null ? null : rateWithBound(warmAbove.filter((c) => c.recommendation !== c.truth).length, warmAbove.length, confidence);
  const hasDrift = options.driftCategory !== undefined && cases.some((c) => c.seq >= driftFrom);
  const drift = hasDrift ? driftReport(cases, options.driftCategory!, warmup, driftFrom) : null;
  const alarms = falseAlarms(cases, options.categories, options.driftCategory, warmup, driftFrom);
  return {
    target,
    confidence,
    phases: { warmup, driftFrom, total: cases.length },
    stable: { platform, oracle, fixed095, modelAccuracy: points.length === 0 ? 0 : points.filter((p) => p.correct).length / points.length, byCategory, warmupAtOracle },
    afterDriftStableCategories: automationOf(
      cases.filter((c) => c.seq >= driftFrom && c.category !== options.driftCategory),
      confidence,
    ),
    drift,
    falseAlarms: alarms,
    undecided: cases.filter((c) => c.decision === undefined).length,
    acceptance: {
      errorWithinTarget: platform.auto > 0 && platform.error.rate <= target,
      automationAtLeastFixed095: platform.share >= fixed095.coverage,
      // Stopped within 50 wrong auto-approvals, or not automated after the drift at all (0 wrong);
      // null (not tested) when the category was never automated, before or after the drift.
      driftStoppedWithin50: !drift || (drift.stableShare === 0 && drift.autoAfterDrift === 0) ? null : drift.stopped ? drift.wrongAutoApprovals <= 50 : drift.autoAfterDrift === 0,
      noFalseAlarm: alarms.length === 0,
    },
  };
}
