import type { RolloutCategory, RolloutEvidence, RolloutStage } from '@hitl/contracts';
import type { FeedbackPolicy } from '@hitl/policy';
import { clopperPearsonInterval } from '@hitl/platform';

/** What people decided in one rollout stage (shadow or assist) of a category. */
export interface StageCounts {
  /** Human decisions (approve or override) on the stage's cases. */
  decided: number;
  overrides: number;
  /** Of those, decisions on cases automation would have approved alone, and how many people overrode. */
  wouldAuto: number;
  wouldAutoOverrides: number;
}

export const emptyStage = (): StageCounts => ({ decided: 0, overrides: 0, wouldAuto: 0, wouldAutoOverrides: 0 });

export function addStage(into: StageCounts, c: StageCounts | undefined): void {
  if (!c) return;
  into.decided += c.decided;
  into.overrides += c.overrides;
  into.wouldAuto += c.wouldAuto;
  into.wouldAutoOverrides += c.wouldAutoOverrides;
}

function evidenceOf(c: StageCounts, level: number): RolloutEvidence {
  const interval = c.wouldAuto > 0 ? clopperPearsonInterval(c.wouldAutoOverrides, c.wouldAuto, level) : undefined;
  return {
    decided: c.decided,
    agreementWithAi: c.decided > 0 ? (c.decided - c.overrides) / c.decided : null,
    wouldAutomate: c.wouldAuto,
    wouldAutomateShare: c.decided > 0 ? c.wouldAuto / c.decided : null,
    wouldAutomateErrors: c.wouldAutoOverrides,
    errorRate: c.wouldAuto > 0 ? c.wouldAutoOverrides / c.wouldAuto : null,
    errorUpperBound: interval ? Number(interval.high.toFixed(6)) : null,
  };
}

/**
 * The guide's gradual rollout, judged: from the cases people decided while the category was in
 * shadow or assist, what automation would have done against the humans (the cases it would have
 * approved alone, and how often people decided otherwise on them), and whether to move on to
 * automate: when the upper confidence bound (Clopper–Pearson, at the calibration's confidence
 * level) on that error is under the calibration's target, over at least its minimum sample.
 *
 * The evidence for the recommendation is the shadow stage's when it has enough cases (blind
 * decisions are free of automation bias); otherwise shadow and assist together, said as much.
 */
export function rolloutOf(category: string, stage: RolloutStage, counts: { shadow?: StageCounts; assist?: StageCounts }, rule: FeedbackPolicy['calibration']): RolloutCategory {
  const shadow = { ...emptyStage() };
  addStage(shadow, counts.shadow);
  const assist = { ...emptyStage() };
  addStage(assist, counts.assist);
  const both = { ...emptyStage() };
  addStage(both, shadow);
  addStage(both, assist);
  const judged = shadow.wouldAuto >= rule.minSampleSize ? { counts: shadow, from: 'shadow' as const } : { counts: both, from: 'shadow+assist' as const };
  const evidence = evidenceOf(judged.counts, rule.confidenceLevel);
  const target = rule.targetErrorRate;
  let recommendation: RolloutCategory['recommendation'];
  let because: string;
  if (stage === 'automate') {
    recommendation = 'automated';
    because = 'already automated: its auto-approvals are checked by audits';
  } else if (judged.counts.wouldAuto < rule.minSampleSize) {
    recommendation = 'stay';
    because = `${judged.counts.wouldAuto} decided cases automation would have approved, fewer than ${rule.minSampleSize}`;
  } else if (evidence.errorUpperBound !== null && evidence.errorUpperBound <= target) {
    recommendation = 'automate';
    because = `people decided otherwise on ${judged.counts.wouldAutoOverrides} of ${judged.counts.wouldAuto} cases automation would have approved (${judged.from}); the ${rule.confidenceLevel * 100}% upper bound ${pct(evidence.errorUpperBound)} is under the target ${pct(target)}`;
  } else {
    recommendation = 'stay';
    because = `the ${rule.confidenceLevel * 100}% upper bound on error ${pct(evidence.errorUpperBound ?? 1)} is above the target ${pct(target)} (${judged.counts.wouldAutoOverrides} of ${judged.counts.wouldAuto}, ${judged.from})`;
  }
  return {
    category,
    stage,
    shadow: evidenceOf(shadow, rule.confidenceLevel),
    assist: evidenceOf(assist, rule.confidenceLevel),
    judgedOn: judged.from,
    evidence,
    targetErrorRate: target,
    confidenceLevel: rule.confidenceLevel,
    minSampleSize: rule.minSampleSize,
    recommendation,
    because,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
