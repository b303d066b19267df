import type { HealthMetric, ReviewersReport } from '@hitl/contracts';
import { reasonCodeCounts } from '../health/daily';
import type { Totals } from '../health/health';

/** One category's week beside the week before. */
export interface CategoryWeeks {
  category: string;
  thisWeek: Totals;
  lastWeek: Totals;
}

export interface WeeklyReport {
  window: { from: string; to: string };
  overall: HealthMetric[];
  commonOverrideReasons: { reason: string; count: number }[];
  /** Overrides by the policy's reason code this week, most frequent first, with the code's label. */
  overrideReasonCodes: { code: string; label: string; count: number }[];
  /**
   * The second looks disagreements asked for this week: an override of the AI that a second person
   * decides (arbitration.aiDisagreementTiers), an override of a confident AI in a high-risk tier,
   * and two reviewers who voted differently; with the share of human reviews they added.
   */
  disagreementWorkload: { aiOverride: number; confidentAi: number; reviewers: number; reviewRequests: number; share: number | null };
  categoriesByOverrides: { category: string; overrides: number; decisions: number; overrideRate: number | null; lastWeekOverrideRate: number | null }[];
  reliability: { bin: string; decisions: number; meanConfidence: number | null; accuracy: number | null }[];
  /** Expected calibration error: the decision-weighted mean |accuracy − confidence| over the bins. */
  expectedCalibrationError: number | null;
  reviewerAgreement: { kappa: number | null; pairs: number; fleiss?: { kappa: number | null; requests: number } };
  /** The guide's five weekly health-check questions, each answered with the figures behind it. */
  questions: { question: string; answer: string; figures: Record<string, number | string | null> }[];
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const round = (x: number | null, digits = 4) => (x === null ? null : Number(x.toFixed(digits)));

function sum(list: Totals[], pick: (t: Totals) => number): number {
  return list.reduce((total, t) => total + pick(t), 0);
}

/**
 * The guide's analyze_feedback_trends: common override reasons, the categories with most
 * overrides, confidence against accuracy, reviewer agreement, and its five weekly questions.
 */
export function weeklyReport(input: { window: { from: string; to: string }; overall: HealthMetric[]; categories: CategoryWeeks[]; reviewers: ReviewersReport; reasonLabels?: Record<string, string> }): WeeklyReport {
  const thisWeek = input.categories.map((c) => c.thisWeek);
  const reasons = new Map<string, number>();
  for (const t of thisWeek) for (const [reason, n] of Object.entries(t.overrideReasons)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  const commonOverrideReasons = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)).slice(0, 10);

  const codes = new Map<string, number>();
  for (const t of thisWeek) for (const [code, n] of Object.entries(t.overrideReasonCodes ?? {})) codes.set(code, (codes.get(code) ?? 0) + n);
  const overrideReasonCodes = reasonCodeCounts(Object.fromEntries(codes)).map(({ code, count }) => ({ code, label: input.reasonLabels?.[code] ?? code, count }));
  const second = (kind: 'ai_override' | 'confident_ai' | 'reviewers') => sum(thisWeek, (t) => t.disagreements?.[kind] ?? 0);
  const requested = sum(thisWeek, (t) => t.reviewRequests);
  const disagreementWorkload = { aiOverride: second('ai_override'), confidentAi: second('confident_ai'), reviewers: second('reviewers'), reviewRequests: requested, share: null as number | null };
  const added = disagreementWorkload.aiOverride + disagreementWorkload.confidentAi + disagreementWorkload.reviewers;
  disagreementWorkload.share = round(rate(added, requested));

  const categoriesByOverrides = input.categories
    .map((c) => ({ category: c.category, overrides: c.thisWeek.overrides, decisions: c.thisWeek.decisions, overrideRate: round(rate(c.thisWeek.overrides, c.thisWeek.decisions)), lastWeekOverrideRate: round(rate(c.lastWeek.overrides, c.lastWeek.decisions)) }))
    .filter((c) => c.decisions > 0)
    .sort((a, b) => b.overrides - a.overrides || a.category.localeCompare(b.category));

  const bins = thisWeek.length > 0 ? thisWeek[0].reliability.map((_, i) => ({ n: sum(thisWeek, (t) => t.reliability[i].n), confidence: sum(thisWeek, (t) => t.reliability[i].confidence), right: sum(thisWeek, (t) => t.reliability[i].right) })) : [];
  const reliability = bins.map((b, i) => ({ bin: `${(i / bins.length).toFixed(1)}–${((i + 1) / bins.length).toFixed(1)}`, decisions: b.n, meanConfidence: round(rate(b.confidence, b.n)), accuracy: round(rate(b.right, b.n)) }));
  const decided = bins.reduce((n, b) => n + b.n, 0);
  const expectedCalibrationError = decided > 0 ? round(bins.reduce((e, b) => (b.n > 0 ? e + (b.n / decided) * Math.abs(b.right / b.n - b.confidence / b.n) : e), 0)) : null;

  const metric = (name: string) => input.overall.find((m) => m.name === name);
  const flagged = input.reviewers.reviewers.filter((r) => r.rubberStamp.flagged);
  const overrideRates = input.reviewers.reviewers.filter((r) => r.decisions >= 10 && r.overrideRate !== null).map((r) => r.overrideRate!);
  const spread = overrideRates.length >= 2 ? Math.max(...overrideRates) - Math.min(...overrideRates) : null;
  const totalThis = { decisions: sum(thisWeek, (t) => t.decisions), overrides: sum(thisWeek, (t) => t.overrides) };
  const lastWeek = input.categories.map((c) => c.lastWeek);
  const totalLast = { decisions: sum(lastWeek, (t) => t.decisions), overrides: sum(lastWeek, (t) => t.overrides) };
  const overrideNow = rate(totalThis.overrides, totalThis.decisions);
  const overrideBefore = rate(totalLast.overrides, totalLast.decisions);
  const escalations = sum(thisWeek, (t) => t.escalations);
  const passedUp = sum(thisWeek, (t) => t.escalationsUp);
  const fn = metric('false_negative_rate');
  const hand = input.reviewers.reviewers.reduce((n, r) => n + r.escalations, 0);
  const unneeded = Math.round(input.reviewers.reviewers.reduce((n, r) => n + r.escalations * (r.unnecessaryEscalationRate ?? 0), 0));
  const auto = metric('auto_approval_rate');
  const fp = metric('false_positive_rate');

  const questions: WeeklyReport['questions'] = [
    {
      question: 'Are we auto-approving things we shouldn\'t?',
      answer:
        fn?.value === null || fn === undefined
          ? `Not measured yet: no audited auto-approvals this week (auto-approval rate ${pct(auto?.value ?? null)}).`
          : `${pct(fn.value)} of ${fn.sample} audited auto-approvals were overturned${fn.interval ? ` (95% CI ${pct(fn.interval.low)}–${pct(fn.interval.high)})` : ''}; target under 1%, red flag above 3%: ${fn.status}.`,
      figures: { autoApprovalRate: round(auto?.value ?? null), falseNegativeRate: round(fn?.value ?? null), audited: fn?.sample ?? 0 },
    },
    {
      question: 'Are humans rubber-stamping or actually reviewing?',
      answer:
        flagged.length > 0
          ? `${flagged.length} reviewer(s) flagged (fast and nearly always agreeing with the AI): ${flagged.map((r) => r.reviewerId).join(', ')}. Reviews confirmed the AI ${pct(fp?.value ?? null)} of the time.`
          : `No reviewer flagged. Reviews confirmed the AI ${pct(fp?.value ?? null)} of the time; override rate ${pct(overrideNow)}.`,
      figures: { flaggedReviewers: flagged.length, confirmRate: round(fp?.value ?? null), overrideRate: round(overrideNow) },
    },
    {
      question: 'Are override patterns consistent across reviewers?',
      answer:
        spread === null
          ? `Too few reviewers with 10+ decisions to compare. Cohen's kappa over ${input.reviewers.kappa.pairs} dual-review pairs: ${input.reviewers.kappa.kappa === null ? 'n/a' : input.reviewers.kappa.kappa.toFixed(2)}.`
          : `Override rates of reviewers with 10+ decisions span ${pct(spread)} (from ${pct(Math.min(...overrideRates))} to ${pct(Math.max(...overrideRates))}); Cohen's kappa over ${input.reviewers.kappa.pairs} pairs: ${input.reviewers.kappa.kappa === null ? 'n/a' : input.reviewers.kappa.kappa.toFixed(2)}.`,
      figures: { overrideRateSpread: round(spread), kappa: round(input.reviewers.kappa.kappa), pairs: input.reviewers.kappa.pairs },
    },
    {
      question: 'Is the AI getting better over time?',
      answer:
        overrideNow === null || overrideBefore === null
          ? `Not enough history: override rate this week ${pct(overrideNow)}, the week before ${pct(overrideBefore)}.`
          : overrideNow < overrideBefore
            ? `Yes by overrides: ${pct(overrideNow)} this week against ${pct(overrideBefore)} the week before.`
            : `Not by overrides: ${pct(overrideNow)} this week against ${pct(overrideBefore)} the week before.`,
      figures: { overrideRateThisWeek: round(overrideNow), overrideRateLastWeek: round(overrideBefore), expectedCalibrationError },
    },
    {
      question: 'Are escalations being resolved or just passed along?',
      answer:
        (escalations === 0
          ? 'No escalations this week.'
          : `${escalations} reviews escalated; ${passedUp} escalation(s) went further up the ladder (${pct(rate(passedUp, escalations))} passed along).`) +
        (hand > 0 ? ` Of ${hand} hand escalations now decided, ${unneeded} ended with the AI's recommendation unchanged.` : ''),
      figures: { escalations, passedAlong: passedUp, handEscalations: hand, unnecessaryEscalations: unneeded },
    },
  ];
  return { window: input.window, overall: input.overall, commonOverrideReasons, overrideReasonCodes, disagreementWorkload, categoriesByOverrides, reliability, expectedCalibrationError, reviewerAgreement: { ...input.reviewers.kappa, fleiss: input.reviewers.fleiss }, questions };
}

/** The report as Markdown, for a person (or a chat channel). */
export function weeklyMarkdown(r: WeeklyReport): string {
  const lines = [`# Weekly HITL health report`, '', `${r.window.from.slice(0, 10)} – ${r.window.to.slice(0, 10)}`, '', '## The five questions', ''];
  r.questions.forEach((q, i) => lines.push(`${i + 1}. **${q.question}** ${q.answer}`));
  lines.push('', '## Health', '', '| Metric | Value | Status | Based on |', '|---|---|---|---|');
  for (const m of r.overall) lines.push(`| ${m.label} | ${m.value === null ? '—' : m.unit === 'ratio' ? pct(m.value) : `${m.value.toFixed(1)} min`} | ${m.status} | ${m.note ?? m.sample} |`);
  lines.push('', '## Categories with most overrides', '');
  if (r.categoriesByOverrides.length === 0) lines.push('No human decisions this week.');
  else {
    lines.push('| Category | Overrides | Decisions | Override rate | Week before |', '|---|---|---|---|---|');
    for (const c of r.categoriesByOverrides.slice(0, 10)) lines.push(`| ${c.category} | ${c.overrides} | ${c.decisions} | ${pct(c.overrideRate)} | ${pct(c.lastWeekOverrideRate)} |`);
  }
  lines.push('', '## Why people overrode the AI', '');
  if (r.overrideReasonCodes.length === 0) lines.push('No reason codes this week.');
  else {
    lines.push('| Reason code | Overrides |', '|---|---|');
    for (const x of r.overrideReasonCodes) lines.push(`| ${x.label} (\`${x.code}\`) | ${x.count} |`);
  }
  lines.push('', '## Common override reasons (as written)', '');
  if (r.commonOverrideReasons.length === 0) lines.push('None.');
  else for (const x of r.commonOverrideReasons) lines.push(`- ${x.reason} (${x.count})`);
  const w = r.disagreementWorkload;
  lines.push(
    '',
    '## Second looks at disagreements',
    '',
    `${w.aiOverride} override(s) of the AI went to a second person, ${w.confidentAi} override(s) of a confident AI and ${w.reviewers} split vote(s) to an arbiter: ${w.aiOverride + w.confidentAi + w.reviewers} of ${w.reviewRequests} review requests (${pct(w.share)}).`,
  );
  lines.push('', '## Confidence against accuracy', '', `Expected calibration error: ${r.expectedCalibrationError === null ? 'n/a' : r.expectedCalibrationError.toFixed(3)}`, '', '| Confidence | Decisions | Mean confidence | AI right |', '|---|---|---|---|');
  for (const b of r.reliability) if (b.decisions > 0) lines.push(`| ${b.bin} | ${b.decisions} | ${b.meanConfidence?.toFixed(2)} | ${pct(b.accuracy)} |`);
  const fleiss = r.reviewerAgreement.fleiss;
  const fleissText = fleiss && fleiss.requests > 0 ? ` Fleiss' kappa ${fleiss.kappa === null ? 'n/a' : fleiss.kappa.toFixed(2)} over ${fleiss.requests} requests three or more people decided.` : '';
  lines.push('', `Reviewer agreement: Cohen's kappa ${r.reviewerAgreement.kappa === null ? 'n/a' : r.reviewerAgreement.kappa.toFixed(2)} over ${r.reviewerAgreement.pairs} dual-review pairs.${fleissText}`, '');
  return lines.join('\n');
}
