import type { FeedbackPolicy } from '@hitl/policy';

export interface ModelWindow {
  decisions: number;
  overrides: number;
  examples: string[];
}

export interface RetrainingCheck {
  due: boolean;
  overrideRate: number;
  sampleSize: number;
  /** Why not, in words (too few decisions, or under the threshold). */
  because: string;
}

/**
 * The guide's "trigger model retraining if override rate exceeds threshold", with a minimum
 * sample so three overrides out of five do not retrain a model.
 */
export function retrainingCheck(window: ModelWindow, rule: FeedbackPolicy['retraining']): RetrainingCheck {
  const overrideRate = window.decisions > 0 ? window.overrides / window.decisions : 0;
  if (window.decisions < rule.minSampleSize) return { due: false, overrideRate, sampleSize: window.decisions, because: `${window.decisions} decisions, fewer than ${rule.minSampleSize}` };
  if (overrideRate <= rule.overrideRateThreshold) return { due: false, overrideRate, sampleSize: window.decisions, because: `override rate ${overrideRate.toFixed(3)} not above ${rule.overrideRateThreshold}` };
  return { due: true, overrideRate, sampleSize: window.decisions, because: `override rate ${overrideRate.toFixed(3)} above ${rule.overrideRateThreshold} over ${window.decisions} decisions` };
}
