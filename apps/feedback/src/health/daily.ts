/**
 * Per-day, per-category counters: what the health metrics and the retraining trigger are
 * computed from. One document per day and category, so a 7-day window is 7 lookups by _id.
 *
 * Exactly once without transactions: each counter document remembers, per topic partition, the
 * last offset it applied (`marks`). A partition is consumed in order by one consumer at a time,
 * so a redelivered event (offset at or below the mark) is skipped.
 *
 * The same counters serve one reviewer's day (the reviewers report): `category` then holds the
 * reviewer's id.
 */
export interface DayStats {
  _id: string;
  version: number;
  day: string;
  category: string;
  /** decision.finalized: decided by the AI alone, by people; audit-sampled auto-approvals; shadow cases. */
  auto: number;
  human: number;
  auditSampled: number;
  shadow: number;
  /** Sum and count of submitted → finalized for human decisions (the guide's time to human decision). */
  timeToHumanMsTotal: number;
  /** review.requested (not counting re-routes after an escalation). */
  reviewRequests: number;
  /** escalation.fired at level 1: a review that went up at least once. */
  escalations: number;
  /** review.decided approve/override: decisions, overrides, approvals of the AI's recommendation. */
  decisions: number;
  overrides: number;
  agreesWithAi: number;
  reviewTimeMsTotal: number;
  /** Review times (ms) of the day's first decisions, for medians. */
  reviewTimesMs: number[];
  /** Decisions captured as feedback records (joined with their request and published). */
  captured: number;
  /** Human decisions received, counted before the join (only in the all-categories document, `*`). */
  seen: number;
  /** Dual review: pairs of people deciding the same case and round, how many agreed, and their outcomes (for kappa). */
  pairs: number;
  pairsAgreed: number;
  /** Objects, not [a, b]: FerretDB stores no nested arrays. */
  pairOutcomes: { a: string; b: string }[];
  /**
   * Confidence against outcome (the reliability curve): ten bins of the AI's confidence on
   * decisions people made, each with its count, summed confidence and how often the AI was right
   * (the person approved its recommendation).
   */
  reliability: { n: number; confidence: number; right: number }[];
  /** Decisions by the AI's confidence in 100 bins of 0.01, and how many people overrode (threshold calibration). */
  byConfidence: { n: number; wrong: number }[];
  /** A reviewer's escalations whose case is final, and those that ended with the AI's recommendation unchanged. */
  escalationsDecided: number;
  escalationsUnnecessary: number;
  /** Audits of auto-approvals: how many a person checked, how many they overturned (false negatives). */
  audited: number;
  auditOverturned: number;
  /**
   * A reviewer's calibration exercises (past cases where the AI was wrong, replayed blind): how
   * many they answered, how many they caught (decided otherwise than the AI), and how many of
   * those reached the outcome people had confirmed.
   */
  exercises?: number;
  exercisesCaught?: number;
  exercisesMatched?: number;
  /** A reviewer's overrides that the case's final decision kept (catches), with the last few. */
  catches?: number;
  catchExamples?: { caseId: string; category: string; ai: string; decided: string }[];
  /** A reviewer's decisions and overrides per category (what their feedback fed). */
  byCategory?: Record<string, { decisions: number; overrides: number }>;
  /** escalation.fired above level 1: an escalation passed further up. */
  escalationsUp: number;
  /** Per model version: decisions, overrides and a few overridden cases. */
  models: Record<string, { decisions: number; overrides: number; examples: string[] }>;
  /**
   * Requests three or more people decided (an arbiter after a split, or a quorum of three): their
   * outcomes, for Fleiss' kappa. Keyed by request, holding the JSON list of outcomes so far (a
   * string: FerretDB stores no nested arrays); a later decision replaces it with the longer list.
   */
  groups?: Record<string, string>;
  /** Gradual rollout: decisions on cases of a category in shadow or assist, against what automation would have done. */
  rollout?: { shadow?: StageCounts; assist?: StageCounts };
  /** Override reasons as written (trimmed, lower case, first 80 characters), counted. */
  overrideReasons: Record<string, number>;
  /** Reviews requested for a disagreement, by whose (review.requested disagreement): the second looks' workload. */
  disagreements?: Partial<Record<'ai_override' | 'confident_ai' | 'reviewers', number>>;
  /** Overrides by the policy's reason code (review.decided reasonCode). */
  overrideReasonCodes?: Record<string, number>;
  marks: Record<string, string>;
}

import { addStage, emptyStage, type StageCounts } from './rollout';

/**
 * Names used as field names (topics, model versions, reasons) are stored encoded: MongoDB field
 * names must not contain "." or start with "$".
 */
export const fieldKey = (name: string) => encodeURIComponent(name).replace(/\./g, '%2E');
export const fromFieldKey = (key: string) => decodeURIComponent(key);

export const dayOf = (at: string | Date) => new Date(at).toISOString().slice(0, 10);
export const dayStatsId = (day: string, category: string) => `d:${day}:${category}`;
/** The document of counters that know no category (decisions seen before their join). */
export const ALL_CATEGORIES = '*';

export function emptyDay(day: string, category: string): DayStats {
  return {
    _id: dayStatsId(day, category),
    version: 0,
    day,
    category,
    auto: 0,
    human: 0,
    auditSampled: 0,
    shadow: 0,
    timeToHumanMsTotal: 0,
    reviewRequests: 0,
    escalations: 0,
    decisions: 0,
    overrides: 0,
    agreesWithAi: 0,
    reviewTimeMsTotal: 0,
    reviewTimesMs: [],
    captured: 0,
    seen: 0,
    pairs: 0,
    pairsAgreed: 0,
    pairOutcomes: [],
    reliability: Array.from({ length: RELIABILITY_BINS }, () => ({ n: 0, confidence: 0, right: 0 })),
    escalationsUp: 0,
    escalationsDecided: 0,
    escalationsUnnecessary: 0,
    audited: 0,
    auditOverturned: 0,
    byConfidence: Array.from({ length: CONFIDENCE_BINS }, () => ({ n: 0, wrong: 0 })),
    models: {},
    overrideReasons: {},
    marks: {},
  };
}

/** Where an event came from: its topic partition and offset (the dedupe mark). */
export interface Position {
  topic: string;
  partition: number;
  offset: string;
}

export type DayChange =
  | { kind: 'finalized'; decidedBy: 'auto' | 'human'; latencyMs: number; auditSampled: boolean; shadow: boolean }
  | { kind: 'requested'; disagreement?: 'ai_override' | 'confident_ai' | 'reviewers' }
  | { kind: 'seen' }
  | { kind: 'paired'; outcomes: [string, string] }
  | { kind: 'escalated' }
  | { kind: 'escalated_up' }
  | { kind: 'audited'; overturned: boolean; confidence: number }
  | { kind: 'escalation_outcome'; unnecessary: boolean }
  | { kind: 'exercised'; caught: boolean; matched: boolean }
  | { kind: 'rated'; requestId: string; outcomes: string[] }
  | { kind: 'caught'; caseId: string; category: string; ai: string; decided: string }
  | { kind: 'decided'; modelVersion: string; override: boolean; agreesWithAi: boolean; reviewTimeMs: number; caseId: string; reason?: string; reasonCode?: string; confidence?: number; rollout?: { stage: 'shadow' | 'assist'; wouldAuto: boolean }; category?: string };

const MAX_EXAMPLES = 20;
const MAX_REASONS = 200;
const MAX_PAIR_OUTCOMES = 1_000;
const MAX_GROUPS = 1_000;
const MAX_REVIEW_TIMES = 2_000;
export const RELIABILITY_BINS = 10;
export const CONFIDENCE_BINS = 100;

/** Applies changes not yet applied (by their positions); undefined when there is nothing new. */
export function applyToDay(current: DayStats | undefined, day: string, category: string, changes: { at: Position; change: DayChange }[]): DayStats | undefined {
  const next: DayStats = structuredClone(current ?? emptyDay(day, category));
  const before = { ...next.marks };
  let applied = 0;
  for (const { at, change } of changes) {
    // Against the marks as they were: several changes may come from one record (a decision and the pair it completes).
    const key = fieldKey(`${at.topic}:${at.partition}`);
    if (before[key] !== undefined && BigInt(at.offset) <= BigInt(before[key])) continue;
    if (next.marks[key] === undefined || BigInt(at.offset) > BigInt(next.marks[key])) next.marks[key] = at.offset;
    applied++;
    apply(next, change);
  }
  return applied === 0 ? undefined : next;
}

function apply(s: DayStats, c: DayChange): void {
  switch (c.kind) {
    case 'finalized':
      if (c.decidedBy === 'auto') s.auto++;
      else {
        s.human++;
        s.timeToHumanMsTotal += c.latencyMs;
      }
      if (c.auditSampled) s.auditSampled++;
      if (c.shadow) s.shadow++;
      return;
    case 'requested':
      s.reviewRequests++;
      if (c.disagreement) {
        const d = (s.disagreements ??= {});
        d[c.disagreement] = (d[c.disagreement] ?? 0) + 1;
      }
      return;
    case 'seen':
      s.seen++;
      return;
    case 'paired':
      s.pairs++;
      if (c.outcomes[0] === c.outcomes[1]) s.pairsAgreed++;
      if (s.pairOutcomes.length < MAX_PAIR_OUTCOMES) s.pairOutcomes.push({ a: c.outcomes[0], b: c.outcomes[1] });
      return;
    case 'escalated':
      s.escalations++;
      return;
    case 'escalated_up':
      s.escalationsUp++;
      return;
    case 'escalation_outcome':
      s.escalationsDecided++;
      if (c.unnecessary) s.escalationsUnnecessary++;
      return;
    case 'rated': {
      const groups = (s.groups ??= {});
      const key = fieldKey(c.requestId);
      if (key in groups || Object.keys(groups).length < MAX_GROUPS) groups[key] = JSON.stringify(c.outcomes);
      return;
    }
    case 'exercised':
      s.exercises = (s.exercises ?? 0) + 1;
      if (c.caught) s.exercisesCaught = (s.exercisesCaught ?? 0) + 1;
      if (c.matched) s.exercisesMatched = (s.exercisesMatched ?? 0) + 1;
      return;
    case 'caught':
      s.catches = (s.catches ?? 0) + 1;
      if ((s.catchExamples ??= []).length < MAX_EXAMPLES) s.catchExamples.push({ caseId: c.caseId, category: c.category, ai: c.ai, decided: c.decided });
      return;
    case 'audited':
      s.audited++;
      if (c.overturned) s.auditOverturned++;
      countConfidence(s, c.confidence, c.overturned);
      return;
    case 'decided': {
      s.decisions++;
      s.captured++;
      s.reviewTimeMsTotal += c.reviewTimeMs;
      if (s.reviewTimesMs.length < MAX_REVIEW_TIMES) s.reviewTimesMs.push(c.reviewTimeMs);
      if (c.agreesWithAi) s.agreesWithAi++;
      if (c.confidence !== undefined) countConfidence(s, c.confidence, c.override);
      if (c.category !== undefined) {
        const cat = ((s.byCategory ??= {})[fieldKey(c.category)] ??= { decisions: 0, overrides: 0 });
        cat.decisions++;
        if (c.override) cat.overrides++;
      }
      if (c.rollout) {
        const stage = ((s.rollout ??= {})[c.rollout.stage] ??= emptyStage());
        stage.decided++;
        if (c.override) stage.overrides++;
        if (c.rollout.wouldAuto) {
          stage.wouldAuto++;
          if (c.override) stage.wouldAutoOverrides++;
        }
      }
      const model = (s.models[fieldKey(c.modelVersion)] ??= { decisions: 0, overrides: 0, examples: [] });
      model.decisions++;
      if (c.override) {
        s.overrides++;
        model.overrides++;
        if (model.examples.length < MAX_EXAMPLES) model.examples.push(c.caseId);
        const normalized = normalizeReason(c.reason);
        const reason = normalized && fieldKey(normalized);
        if (reason && (reason in s.overrideReasons || Object.keys(s.overrideReasons).length < MAX_REASONS)) s.overrideReasons[reason] = (s.overrideReasons[reason] ?? 0) + 1;
        if (c.reasonCode) {
          const codes = (s.overrideReasonCodes ??= {});
          const code = fieldKey(c.reasonCode);
          if (code in codes || Object.keys(codes).length < MAX_REASONS) codes[code] = (codes[code] ?? 0) + 1;
        }
      }
      return;
    }
  }
}

/** One outcome against the AI's confidence: the reliability curve and the calibration bins. */
function countConfidence(s: DayStats, confidence: number, aiWrong: boolean): void {
  const bin = s.reliability[Math.min(RELIABILITY_BINS - 1, Math.max(0, Math.floor(confidence * RELIABILITY_BINS)))];
  bin.n++;
  bin.confidence += confidence;
  if (!aiWrong) bin.right++;
  const fine = s.byConfidence[Math.min(CONFIDENCE_BINS - 1, Math.max(0, Math.floor(confidence * CONFIDENCE_BINS + 1e-9)))];
  fine.n++;
  if (aiWrong) fine.wrong++;
}

export function normalizeReason(reason: string | undefined): string | undefined {
  const text = reason?.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, 80);
  return text ? text : undefined;
}

/** The counters of several days (and categories) added up, with names decoded. */
export function sumDays(days: DayStats[]): Omit<DayStats, '_id' | 'version' | 'day' | 'category' | 'marks'> {
  const total = emptyDay('', '');
  for (const d of days) {
    for (const k of ['auto', 'human', 'auditSampled', 'shadow', 'timeToHumanMsTotal', 'reviewRequests', 'escalations', 'decisions', 'overrides', 'agreesWithAi', 'reviewTimeMsTotal', 'captured', 'seen', 'pairs', 'pairsAgreed', 'escalationsUp', 'audited', 'auditOverturned', 'escalationsDecided', 'escalationsUnnecessary'] as const) total[k] += d[k];
    for (const [key, m] of Object.entries(d.models)) {
      const into = (total.models[fromFieldKey(key)] ??= { decisions: 0, overrides: 0, examples: [] });
      into.decisions += m.decisions;
      into.overrides += m.overrides;
      into.examples.push(...m.examples.slice(0, MAX_EXAMPLES - into.examples.length));
    }
    total.pairOutcomes.push(...d.pairOutcomes);
    (d.byConfidence ?? []).forEach((bin, i) => {
      total.byConfidence[i].n += bin.n;
      total.byConfidence[i].wrong += bin.wrong;
    });
    (d.reliability ?? []).forEach((bin, i) => {
      total.reliability[i].n += bin.n;
      total.reliability[i].confidence += bin.confidence;
      total.reliability[i].right += bin.right;
    });
    total.reviewTimesMs.push(...d.reviewTimesMs);
    for (const [key, outcomes] of Object.entries(d.groups ?? {})) {
      const known = total.groups?.[key];
      if (!known || JSON.parse(known).length < JSON.parse(outcomes).length) (total.groups ??= {})[key] = outcomes;
    }
    for (const k of ['exercises', 'exercisesCaught', 'exercisesMatched', 'catches'] as const) total[k] = (total[k] ?? 0) + (d[k] ?? 0);
    total.catchExamples = [...(total.catchExamples ?? []), ...(d.catchExamples ?? [])];
    for (const [key, c] of Object.entries(d.byCategory ?? {})) {
      const into = ((total.byCategory ??= {})[fromFieldKey(key)] ??= { decisions: 0, overrides: 0 });
      into.decisions += c.decisions;
      into.overrides += c.overrides;
    }
    for (const stage of ['shadow', 'assist'] as const) {
      if (d.rollout?.[stage]) addStage(((total.rollout ??= {})[stage] ??= emptyStage()), d.rollout[stage]);
    }
    for (const [key, n] of Object.entries(d.overrideReasons)) total.overrideReasons[fromFieldKey(key)] = (total.overrideReasons[fromFieldKey(key)] ?? 0) + n;
    for (const [kind, n] of Object.entries(d.disagreements ?? {}) as [keyof NonNullable<DayStats['disagreements']>, number][]) (total.disagreements ??= {})[kind] = (total.disagreements?.[kind] ?? 0) + n;
    for (const [key, n] of Object.entries(d.overrideReasonCodes ?? {})) (total.overrideReasonCodes ??= {})[fromFieldKey(key)] = (total.overrideReasonCodes?.[fromFieldKey(key)] ?? 0) + n;
  }
  const { _id: _i, version: _v, day: _d, category: _c, marks: _m, ...counters } = total;
  return counters;
}

/** Override reason codes counted, most frequent first (ties by code): the retraining evidence's and the weekly report's list. */
export function reasonCodeCounts(codes: Record<string, number> | undefined, limit = 50): { code: string; count: number }[] {
  return Object.entries(codes ?? {})
    .filter(([, count]) => count > 0)
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, limit);
}

/** The retraining evidence's override reason codes (absent when none was given). */
export function withReasonCodes(codes: Record<string, number> | undefined): { overrideReasonCodes?: { code: string; count: number }[] } {
  const counted = reasonCodeCounts(codes);
  return counted.length > 0 ? { overrideReasonCodes: counted } : {};
}

/** The days of a window ending on `to` (inclusive), oldest first. */
export function windowDays(to: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => dayOf(new Date(to.getTime() - (days - 1 - i) * 86_400_000)));
}
