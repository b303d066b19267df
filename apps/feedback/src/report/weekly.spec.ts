import type { HealthMetric, ReviewersReport } from '@hitl/contracts';
import { applyToDay, sumDays, type DayChange } from '../health/daily';
import { healthOf } from '../health/health';
import { weeklyMarkdown, weeklyReport } from './weekly';

const decided = (i: number, override: boolean, confidence: number, reason?: string): { at: { topic: string; partition: number; offset: string }; change: DayChange } => ({
  at: { topic: 't', partition: 0, offset: String(i) },
  change: { kind: 'decided', modelVersion: 'm', override, agreesWithAi: !override, reviewTimeMs: 60_000, caseId: `c${i}`, reason, confidence },
});

function week(overrides: number, decisions: number, confidence = 0.9) {
  const changes = Array.from({ length: decisions }, (_, i) => decided(i, i < overrides, confidence, i < overrides ? (i % 2 ? 'Receipt forged' : 'Outside policy') : undefined));
  return sumDays([applyToDay(undefined, 'd', 'refund', changes)!]);
}

const reviewers: ReviewersReport = {
  window: { from: '2026-11-26T00:00:00.000Z', to: '2026-12-02T10:00:00.000Z', days: 7 },
  kappa: { kappa: 0.62, pairs: 40 },
  fleiss: { kappa: 0.41, requests: 6 },
  reviewers: [
    { reviewerId: 'sam', decisions: 60, agreementWithAi: 0.99, overrideRate: 0.01, medianReviewMs: 8_000, peerPairs: 20, peerAgreement: 0.9, rubberStamp: { flagged: true, reasons: ['median 8 s'] }, escalations: 4, unnecessaryEscalationRate: 0.75, exercises: 0, exerciseCatchRate: null, catches: 0 },
    { reviewerId: 'alex', decisions: 40, agreementWithAi: 0.7, overrideRate: 0.3, medianReviewMs: 90_000, peerPairs: 20, peerAgreement: 0.85, rubberStamp: { flagged: false, reasons: [] }, escalations: 0, unnecessaryEscalationRate: null, exercises: 0, exerciseCatchRate: null, catches: 0 },
  ],
};

describe('the weekly report (the guide\'s analyze_feedback_trends)', () => {
  const thisWeek = week(10, 50); // 20% overrides at confidence 0.9: the AI was right 80% of the time
  const lastWeek = week(15, 50); // 30%
  const overall: HealthMetric[] = healthOf(thisWeek);
  const report = weeklyReport({ window: reviewers.window, overall, categories: [{ category: 'refund', thisWeek, lastWeek }], reviewers });

  it('ranks override reasons and categories, with last week beside', () => {
    expect(report.commonOverrideReasons).toEqual([
      { reason: 'outside policy', count: 5 },
      { reason: 'receipt forged', count: 5 },
    ]);
    expect(report.categoriesByOverrides).toEqual([{ category: 'refund', overrides: 10, decisions: 50, overrideRate: 0.2, lastWeekOverrideRate: 0.3 }]);
  });

  it('puts confidence against accuracy: all decisions in the 0.9 bin, right 80%: ECE 0.1', () => {
    expect(report.reliability[9]).toEqual({ bin: '0.9–1.0', decisions: 50, meanConfidence: 0.9, accuracy: 0.8 });
    expect(report.expectedCalibrationError).toBeCloseTo(0.1, 6);
  });

  it('answers the five questions with their figures', () => {
    expect(report.questions.map((q) => q.question)).toEqual([
      "Are we auto-approving things we shouldn't?",
      'Are humans rubber-stamping or actually reviewing?',
      'Are override patterns consistent across reviewers?',
      'Is the AI getting better over time?',
      'Are escalations being resolved or just passed along?',
    ]);
    expect(report.questions[0].answer).toMatch(/^Not measured yet: no audited auto-approvals/);
    expect(report.questions[1]).toMatchObject({ figures: { flaggedReviewers: 1 } });
    expect(report.questions[1].answer).toContain('sam');
    expect(report.questions[2].figures).toMatchObject({ overrideRateSpread: 0.29, kappa: 0.62, pairs: 40 });
    expect(report.questions[3].answer).toBe('Yes by overrides: 20.0% this week against 30.0% the week before.');
    expect(report.questions[4].answer).toBe('No escalations this week. Of 4 hand escalations now decided, 3 ended with the AI\'s recommendation unchanged.');
  });

  it('renders Markdown a person can read', () => {
    const md = weeklyMarkdown(report);
    expect(md).toContain('# Weekly HITL health report');
    expect(md).toContain("1. **Are we auto-approving things we shouldn't?**");
    expect(md).toContain('| refund | 10 | 50 | 20.0% | 30.0% |');
    expect(md).toContain('Expected calibration error: 0.100');
    expect(md).toContain("Reviewer agreement: Cohen's kappa 0.62 over 40 dual-review pairs. Fleiss' kappa 0.41 over 6 requests three or more people decided.");
  });
});

describe('the weekly report: override reason codes and the second looks disagreements ask for', () => {
  const at = (i: number) => ({ topic: 't', partition: 0, offset: String(i) });
  const changes: { at: ReturnType<typeof at>; change: DayChange }[] = [
    ...['missed_evidence', 'missed_evidence', 'policy_exception', 'unknown_code'].map((reasonCode, i) => ({ at: at(i), change: { kind: 'decided' as const, modelVersion: 'm', override: true, agreesWithAi: false, reviewTimeMs: 1, caseId: `o${i}`, reason: 'why', reasonCode } })),
    // An approval carries no code that counts.
    { at: at(10), change: { kind: 'decided', modelVersion: 'm', override: false, agreesWithAi: true, reviewTimeMs: 1, caseId: 'a1' } },
    ...Array.from({ length: 16 }, (_, i) => ({ at: at(20 + i), change: { kind: 'requested' as const } })),
    ...(['ai_override', 'ai_override', 'ai_override', 'confident_ai', 'reviewers'] as const).map((disagreement, i) => ({ at: at(40 + i), change: { kind: 'requested' as const, disagreement } })),
  ];
  const thisWeek = sumDays([applyToDay(undefined, 'd', 'refund', changes)!]);
  const lastWeek = sumDays([]);
  const report = weeklyReport({ window: reviewers.window, overall: healthOf(thisWeek), categories: [{ category: 'refund', thisWeek, lastWeek }], reviewers, reasonLabels: { missed_evidence: 'The AI missed evidence', policy_exception: 'A policy exception' } });

  it('counts overrides by reason code, most frequent first, with the policy\'s labels (a code no longer in the policy keeps its code)', () => {
    expect(report.overrideReasonCodes).toEqual([
      { code: 'missed_evidence', label: 'The AI missed evidence', count: 2 },
      { code: 'policy_exception', label: 'A policy exception', count: 1 },
      { code: 'unknown_code', label: 'unknown_code', count: 1 },
    ]);
    expect(weeklyMarkdown(report)).toContain('| The AI missed evidence (`missed_evidence`) | 2 |');
  });

  it('shows the workload the AI–human disagreement adds: 3 second looks, 1 arbitration of a confident AI, 1 of a split vote, of 21 requests', () => {
    expect(report.disagreementWorkload).toEqual({ aiOverride: 3, confidentAi: 1, reviewers: 1, reviewRequests: 21, share: round4(5 / 21) });
    expect(weeklyMarkdown(report)).toContain('3 override(s) of the AI went to a second person, 1 override(s) of a confident AI and 1 split vote(s) to an arbiter: 5 of 21 review requests (23.8%).');
  });
});

const round4 = (x: number) => Number(x.toFixed(4));
