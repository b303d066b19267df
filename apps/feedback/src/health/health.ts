import type { HealthMetric, HealthStatus } from '@hitl/contracts';
import { clopperPearsonInterval } from '@hitl/platform';
import type { sumDays } from './daily';

export type Totals = ReturnType<typeof sumDays>;
export type Status = HealthStatus;

/** Below this many cases a rate says little: the value is shown, its status is `few`. */
export const MIN_SAMPLE_FOR_STATUS = 20;

/** One row of the guide's dashboard: a target range and the red-flag zone. */
export interface MetricRule {
  name: string;
  label: string;
  unit: 'ratio' | 'minutes';
  /** The guide's target: ok inside [min, max]. */
  target: { min?: number; max?: number };
  /** The guide's red flag: red below `below` or above `above`. */
  red: { below?: number; above?: number };
  /** What the value is made of, for someone checking it. */
  definition: string;
}

/** The guide's "Measuring HITL System Health" table, and its false-positive rate. */
export const HEALTH_RULES: MetricRule[] = [
  { name: 'auto_approval_rate', label: 'Auto-approval rate', unit: 'ratio', target: { min: 0.6, max: 0.8 }, red: { below: 0.5, above: 0.9 }, definition: 'decisions finalized by the AI alone / all decisions finalized' },
  { name: 'override_rate', label: 'Human override rate', unit: 'ratio', target: { min: 0.05, max: 0.15 }, red: { below: 0.02, above: 0.25 }, definition: 'human decisions that overrode the AI / human decisions (approve + override)' },
  { name: 'average_review_time', label: 'Average review time', unit: 'minutes', target: { max: 2 }, red: { above: 5 }, definition: 'mean of opened → decided over human decisions' },
  { name: 'escalation_rate', label: 'Escalation rate', unit: 'ratio', target: { max: 0.1 }, red: { above: 0.2 }, definition: 'reviews escalated at least once (escalation.fired level 1) / review requests' },
  { name: 'false_negative_rate', label: 'False negative rate', unit: 'ratio', target: { max: 0.01 }, red: { above: 0.03 }, definition: 'audited auto-approvals the auditor overturned / audited auto-approvals' },
  { name: 'reviewer_agreement', label: 'Reviewer agreement', unit: 'ratio', target: { min: 0.85 }, red: { below: 0.7 }, definition: 'pairs of people deciding the same case and round who decided the same / such pairs (Cohen\'s kappa beside it in the reviewers report)' },
  { name: 'time_to_human_decision', label: 'Time to human decision', unit: 'minutes', target: { max: 30 }, red: { above: 120 }, definition: 'mean of submitted → finalized over human-decided cases' },
  { name: 'feedback_incorporation_rate', label: 'Feedback incorporation rate', unit: 'ratio', target: { min: 1 }, red: { below: 0.9 }, definition: 'human decisions captured as feedback (joined with their request, published, counted) / human decisions received' },
  { name: 'false_positive_rate', label: 'False positive rate', unit: 'ratio', target: { max: 0.85 }, red: { above: 0.95 }, definition: 'human decisions that simply approved the AI recommendation / human decisions (sent to review unnecessarily). The guide gives no target: flagged when reviews almost only confirm the AI' },
];


export function statusOf(rule: Pick<MetricRule, 'target' | 'red'>, value: number | null): Status {
  if (value === null || Number.isNaN(value)) return 'no_data';
  if ((rule.red.below !== undefined && value < rule.red.below) || (rule.red.above !== undefined && value > rule.red.above)) return 'red';
  if ((rule.target.min !== undefined && value < rule.target.min) || (rule.target.max !== undefined && value > rule.target.max)) return 'warn';
  return 'ok';
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const minutes = (totalMs: number, count: number) => (count > 0 ? totalMs / count / 60_000 : null);

/**
 * The metrics from counters. `seen` is the all-categories count of decisions received (only the
 * overall view has it; a category's incorporation rate is not known).
 */
export function healthOf(t: Totals, extra: { seen?: number } = {}): HealthMetric[] {
  const values: Record<string, { value: number | null; sample: number; note?: string; interval?: { low: number; high: number } }> = {
    auto_approval_rate: { value: ratio(t.auto, t.auto + t.human), sample: t.auto + t.human },
    override_rate: { value: ratio(t.overrides, t.decisions), sample: t.decisions },
    average_review_time: { value: minutes(t.reviewTimeMsTotal, t.decisions), sample: t.decisions },
    escalation_rate: { value: ratio(t.escalations, t.reviewRequests), sample: t.reviewRequests },
    false_negative_rate:
      t.audited > 0
        ? { value: ratio(t.auditOverturned, t.audited), sample: t.audited, interval: clopperPearsonInterval(t.auditOverturned, t.audited) }
        : { value: null, sample: 0, note: 'no audit outcomes yet' },
    reviewer_agreement: t.pairs > 0 ? { value: ratio(t.pairsAgreed, t.pairs), sample: t.pairs } : { value: null, sample: 0, note: 'no dual-reviewed cases yet' },
    time_to_human_decision: { value: minutes(t.timeToHumanMsTotal, t.human), sample: t.human },
    feedback_incorporation_rate:
      extra.seen === undefined ? { value: null, sample: 0, note: 'known overall only' } : { value: ratio(Math.min(t.captured, extra.seen), extra.seen), sample: extra.seen },
    false_positive_rate: { value: ratio(t.agreesWithAi, t.decisions), sample: t.decisions },
  };
  return HEALTH_RULES.map((rule) => {
    const v = values[rule.name];
    const status = v.value !== null && v.sample < MIN_SAMPLE_FOR_STATUS ? 'few' : statusOf(rule, v.value);
    return {
      name: rule.name,
      label: rule.label,
      unit: rule.unit,
      value: v.value,
      sample: v.sample,
      status,
      target: rule.target,
      red: rule.red,
      definition: rule.definition,
      ...(v.note ? { note: v.note } : {}),
      ...(v.interval ? { interval: { low: v.interval.low, high: v.interval.high, level: 0.95, method: 'clopper_pearson' } } : {}),
    };
  });
}

/** Prometheus text exposition of the metrics: a value gauge and a status gauge (0 ok, 1 warn, 2 red, -1 no data, -2 too few). */
export function prometheusText(byCategory: { category: string; metrics: HealthMetric[] }[]): string {
  const code: Record<Status, number> = { ok: 0, warn: 1, red: 2, few: -2, no_data: -1 };
  const lines = [
    '# HELP hitl_health_value The guide\'s health metrics (ratios 0..1, times in minutes), over the window.',
    '# TYPE hitl_health_value gauge',
  ];
  for (const { category, metrics } of byCategory) for (const m of metrics) if (m.value !== null) lines.push(`hitl_health_value{metric="${m.name}",category="${category}"} ${m.value}`);
  lines.push('# HELP hitl_health_status Status against the guide\'s targets: 0 ok, 1 warn, 2 red, -1 no data, -2 too few cases to judge.', '# TYPE hitl_health_status gauge');
  for (const { category, metrics } of byCategory) for (const m of metrics) lines.push(`hitl_health_status{metric="${m.name}",category="${category}"} ${code[m.status]}`);
  lines.push('# HELP hitl_health_sample Cases or decisions each metric is computed from.', '# TYPE hitl_health_sample gauge');
  for (const { category, metrics } of byCategory) for (const m of metrics) lines.push(`hitl_health_sample{metric="${m.name}",category="${category}"} ${m.sample}`);
  return `${lines.join('\n')}\n`;
}
