import { applyToDay, sumDays } from './daily';
import { HEALTH_RULES, healthOf, prometheusText, statusOf } from './health';

const rule = (name: string) => HEALTH_RULES.find((r) => r.name === name)!;

describe('the guide\'s health table', () => {
  it('has its eight metrics and the false-positive rate', () => {
    expect(HEALTH_RULES.map((r) => r.name)).toEqual([
      'auto_approval_rate',
      'override_rate',
      'average_review_time',
      'escalation_rate',
      'false_negative_rate',
      'reviewer_agreement',
      'time_to_human_decision',
      'feedback_incorporation_rate',
      'false_positive_rate',
    ]);
  });

  it.each([
    ['auto_approval_rate', 0.7, 'ok'],
    ['auto_approval_rate', 0.55, 'warn'],
    ['auto_approval_rate', 0.45, 'red'],
    ['auto_approval_rate', 0.95, 'red'],
    ['override_rate', 0.1, 'ok'],
    ['override_rate', 0.03, 'warn'],
    ['override_rate', 0.01, 'red'],
    ['override_rate', 0.3, 'red'],
    ['average_review_time', 1.5, 'ok'],
    ['average_review_time', 3, 'warn'],
    ['average_review_time', 6, 'red'],
    ['escalation_rate', 0.15, 'warn'],
    ['escalation_rate', 0.25, 'red'],
    ['false_negative_rate', 0.005, 'ok'],
    ['false_negative_rate', 0.04, 'red'],
    ['reviewer_agreement', 0.9, 'ok'],
    ['reviewer_agreement', 0.75, 'warn'],
    ['reviewer_agreement', 0.6, 'red'],
    ['time_to_human_decision', 20, 'ok'],
    ['time_to_human_decision', 121, 'red'],
    ['feedback_incorporation_rate', 1, 'ok'],
    ['feedback_incorporation_rate', 0.95, 'warn'],
    ['feedback_incorporation_rate', 0.85, 'red'],
  ])('%s = %d is %s', (name, value, status) => {
    expect(statusOf(rule(name), value)).toBe(status);
  });

  it('no value is no data, not ok', () => {
    expect(statusOf(rule('override_rate'), null)).toBe('no_data');
  });

  it('computes each metric from the counters', () => {
    const day = applyToDay(undefined, 'd', 'refund', [
      ...Array.from({ length: 7 }, (_, i) => ({ at: { topic: 'f', partition: 0, offset: String(i) }, change: { kind: 'finalized' as const, decidedBy: 'auto' as const, latencyMs: 100, auditSampled: false, shadow: false } })),
      ...Array.from({ length: 3 }, (_, i) => ({ at: { topic: 'f', partition: 1, offset: String(i) }, change: { kind: 'finalized' as const, decidedBy: 'human' as const, latencyMs: 20 * 60_000, auditSampled: false, shadow: false } })),
      ...Array.from({ length: 4 }, (_, i) => ({ at: { topic: 'r', partition: 0, offset: String(i) }, change: { kind: 'requested' as const } })),
      { at: { topic: 'e', partition: 0, offset: '0' }, change: { kind: 'escalated' as const } },
      ...Array.from({ length: 4 }, (_, i) => ({ at: { topic: 'd', partition: 0, offset: String(i) }, change: { kind: 'decided' as const, modelVersion: 'm', override: i === 0, agreesWithAi: i !== 0, reviewTimeMs: 90_000, caseId: `c${i}` } })),
    ])!;
    // Ten times the same day: samples large enough for a status.
    const metrics = Object.fromEntries(healthOf(sumDays(Array(10).fill(day)), { seen: 50 }).map((m) => [m.name, m]));
    expect(metrics.auto_approval_rate).toMatchObject({ value: 0.7, sample: 100, status: 'ok' });
    expect(metrics.override_rate).toMatchObject({ value: 0.25, sample: 40, status: 'warn' });
    expect(metrics.average_review_time).toMatchObject({ value: 1.5, status: 'ok' });
    expect(metrics.escalation_rate).toMatchObject({ value: 0.25, status: 'red' });
    expect(metrics.time_to_human_decision).toMatchObject({ value: 20, sample: 30, status: 'ok' });
    expect(metrics.feedback_incorporation_rate).toMatchObject({ value: 0.8, sample: 50, status: 'red' });
    expect(metrics.false_positive_rate).toMatchObject({ value: 0.75 });
    expect(metrics.false_negative_rate).toMatchObject({ value: null, status: 'no_data', note: 'no audit outcomes yet' });
    // The same day once: values, but too few cases to judge them.
    const few = Object.fromEntries(healthOf(sumDays([day])).map((m) => [m.name, m]));
    expect(few.override_rate).toMatchObject({ value: 0.25, sample: 4, status: 'few' });
  });

  it('renders Prometheus gauges: values only where known, a status for every metric', () => {
    const text = prometheusText([{ category: 'all', metrics: healthOf(sumDays([])) }]);
    expect(text).toContain('# TYPE hitl_health_value gauge');
    expect(text).not.toMatch(/hitl_health_value\{/);
    expect(text).toContain('hitl_health_status{metric="override_rate",category="all"} -1');
  });
});
