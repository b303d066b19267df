import type { EventOf, Topics, TrustControlV1, TrustUpdatedV1 } from '@hitl/contracts';
import type { FeedbackPolicy } from '@hitl/policy';
import {
  addOutcomes,
  auditRate,
  BIN_COUNT,
  boundAt,
  certifyThreshold,
  emptyBins,
  errorLowerBound,
  errorUpperBound,
  evidenceBetween,
  inWarning,
  isotonicCalibration,
  newCusum,
  observe,
  poststratify,
  sumBins,
  type BinEvidence,
  type Certification,
  type CusumState,
  type DriftAlarm,
  type Outcome,
} from '@hitl/trust';

/** A known outcome of a case automation could have decided, at its Kafka position (for redelivery). */
export interface TrustObservation extends Outcome {
  /** `<topic>:<partition>`: outcomes of one partition arrive in offset order. */
  source: string;
  offset: number;
  caseId: string;
  at: string;
}

type DayBins = { w: number[]; w2: number[]; wrong: number[]; w2wrong?: number[]; n: number[]; k?: number[] };

/** Where trust stands for one category and model: the evidence, the drift charts, what was last published. */
export interface TrustDoc {
  _id: string;
  version: number;
  category: string;
  modelVersion: string;
  /** Evidence counts from the last stop on: a stop starts a new epoch with no evidence. */
  epoch: number;
  /** Outcome evidence per day of this epoch, by basis bin. */
  days: Record<string, DayBins>;
  cusum: CusumState;
  /** The error each calibration step may have at most (its upper bound): what the drift charts test against. */
  reference: { from: number; p0: number }[];
  /** Last offset applied per source: a redelivered outcome changes nothing. */
  marks: Record<string, number>;
  stop?: NonNullable<TrustUpdatedV1['stop']>;
  /** The last trust update decided (published or about to be). */
  published?: TrustUpdatedV1;
  /** Events decided and not yet known to be published: sent again until they are (same ids). */
  pending: Pending[];
  /** Alarms raised so far (numbers retraining.triggered ids). */
  alarms: number;
  /** Outcomes in the window when the last update was published: the calibration alone is republished only as evidence grows by a fifth. */
  publishedOutcomes?: number;
  /** The last certification (threshold and the drift charts' reference), for an admin's lift. */
  lastCertified?: { threshold: number; reference: TrustDoc['reference'] };
  /** An admin lifted a stop: the last certified threshold holds until evidence certifies another or refutes it. */
  lifted?: { threshold: number; by: string; reason: string; at: string };
  /** Admin actions applied (the last 50 ids): a redelivered one changes nothing. */
  controls?: string[];
}

export type Pending =
  | { topic: typeof Topics.TrustUpdated; id: string; event: TrustUpdatedV1 }
  | { topic: typeof Topics.RetrainingTriggered; id: string; event: EventOf<typeof Topics.RetrainingTriggered> };

export const trustKey = (category: string, modelVersion: string) => `trust:${category}|${modelVersion}`;

export function newTrustDoc(category: string, modelVersion: string): TrustDoc {
  return { _id: trustKey(category, modelVersion), version: 0, category, modelVersion, epoch: 0, days: {}, cusum: { s: [], n: 0, wrong: 0, expectedWrong: 0, run: [] }, reference: [], marks: {}, pending: [], alarms: 0 };
}

const dayOf = (iso: string) => iso.slice(0, 10);

function toBins(day: DayBins): BinEvidence[] {
  return Array.from({ length: BIN_COUNT }, (_, i) => ({ w: day.w[i] ?? 0, w2: day.w2[i] ?? 0, wrong: day.wrong[i] ?? 0, w2wrong: day.w2wrong?.[i] ?? 0, n: day.n[i] ?? 0, ...(day.k ? { k: day.k[i] ?? 0 } : {}) }));
}

function fromBins(bins: BinEvidence[]): DayBins {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { w: bins.map((b) => round(b.w)), w2: bins.map((b) => round(b.w2)), wrong: bins.map((b) => round(b.wrong)), w2wrong: bins.map((b) => round(b.w2wrong)), n: bins.map((b) => b.n), k: bins.map((b) => round(b.k ?? 0)) };
}

/**
 * The window's evidence: the days of the epoch within the last `windowDays`, post-stratified on
 * the basis (libs/trust poststratify: within a bin every outcome of the window weighs the same).
 */
export function windowBins(doc: TrustDoc, now: Date, windowDays: number): BinEvidence[] {
  const from = dayOf(new Date(now.getTime() - (windowDays - 1) * 86_400_000).toISOString());
  return poststratify(sumBins(Object.entries(doc.days).filter(([day]) => day >= from).map(([, d]) => toBins(d))));
}

type Rules = FeedbackPolicy;

/**
 * Adds outcomes (those past the source's mark), runs the drift charts on each against the
 * reference, and decides what to publish. Pure: returns the next document, or undefined when
 * nothing changed. A drift alarm or a bound past the red line stops automation and starts a new
 * epoch; a new certification on the new epoch's evidence lifts the stop.
 */
export function applyOutcomes(current: TrustDoc, observations: TrustObservation[], rules: Rules, now: Date, siblings: BinEvidence[] = []): TrustDoc | undefined {
  const fresh = observations.filter((o) => o.offset > (current.marks[o.source] ?? -1));
  if (fresh.length === 0 && current.pending.length === 0 && current.published) return undefined;
  const doc: TrustDoc = structuredClone(current);
  const drift = rules.trust.drift;
  if (doc.cusum.s.length !== drift.oddsRatios.length) doc.cusum = newCusum(drift);
  let alarm: { alarm: DriftAlarm; at: TrustObservation } | undefined;
  for (const o of fresh) {
    doc.marks[o.source] = Math.max(doc.marks[o.source] ?? -1, o.offset);
    const day = dayOf(o.at);
    const bins = doc.days[day] ? toBins(doc.days[day]) : emptyBins();
    doc.days[day] = fromBins(addOutcomes(bins, [o]));
    // The charts hold the model to what the last certification promised, from then until a stop
    // (also while evidence has made the threshold uncertain: never muted while harm may go on).
    const p0 = !doc.stop ? referenceAt(doc.reference, o.basis) : undefined;
    if (p0 === undefined) continue;
    const raised = observe(doc.cusum, o.wrong, p0, drift);
    if (raised && !alarm) alarm = { alarm: raised, at: o };
  }
  pruneDays(doc, now, rules.calibration.windowDays);
  if (alarm) raiseAlarm(doc, alarm.alarm, alarm.at, rules, now);
  return decide(doc, rules, now, siblings);
}

function referenceAt(reference: TrustDoc['reference'], basis: number): number | undefined {
  let found: number | undefined;
  for (const step of reference) {
    if (step.from <= basis) found = step.p0;
    else break;
  }
  return found;
}

function pruneDays(doc: TrustDoc, now: Date, windowDays: number): void {
  const from = dayOf(new Date(now.getTime() - windowDays * 86_400_000).toISOString());
  for (const day of Object.keys(doc.days)) if (day < from) delete doc.days[day];
}

/**
 * An admin's stop or lift. Stop: automation ends now, as a drift alarm would end it (a new epoch
 * of evidence). Lift: the stop ends and the last certified threshold holds again, watched by the
 * drift charts from zero, until the evidence certifies another threshold or the bound refutes it.
 */
export function applyControl(current: TrustDoc, control: TrustControlV1, rules: Rules, now: Date): TrustDoc | undefined {
  if (current.controls?.includes(control.controlId)) return undefined;
  const doc: TrustDoc = structuredClone(current);
  doc.controls = [...(doc.controls ?? []), control.controlId].slice(-50);
  const by = `${control.by.reviewerId} (${control.by.role})`;
  if (control.action === 'stop') {
    delete doc.lifted;
    stopAutomation(doc, { reason: 'manual', detail: `stopped by ${by}: ${control.reason}`, since: now.toISOString(), by: control.by.reviewerId });
  } else if (doc.stop) {
    delete doc.stop;
    if (doc.lastCertified) {
      doc.lifted = { threshold: doc.lastCertified.threshold, by, reason: control.reason, at: now.toISOString() };
      doc.reference = doc.lastCertified.reference;
      doc.cusum = newCusum(rules.trust.drift);
    }
  }
  return decide(doc, rules, now);
}

function stopAutomation(doc: TrustDoc, stop: NonNullable<TrustDoc['stop']>): void {
  doc.stop = stop;
  doc.epoch += 1;
  doc.days = {};
}

/** A drift alarm: automation stops (a new epoch of evidence), and retraining.triggered says why. */
function raiseAlarm(doc: TrustDoc, alarm: DriftAlarm, at: TrustObservation, rules: Rules, now: Date): void {
  const drift = rules.trust.drift;
  doc.alarms += 1;
  const observed = doc.cusum.n > 0 ? doc.cusum.wrong / doc.cusum.n : 0;
  const event: EventOf<typeof Topics.RetrainingTriggered> = {
    category: doc.category,
    modelVersion: doc.modelVersion,
    overrideRate: Math.min(1, Math.max(0, observed)),
    threshold: Math.min(1, doc.cusum.n > 0 ? doc.cusum.expectedWrong / doc.cusum.n : 0),
    window: { from: new Date(now.getTime() - rules.calibration.windowDays * 86_400_000).toISOString(), to: now.toISOString() },
    sampleSize: Math.max(1, doc.cusum.n),
    exampleCaseIds: [at.caseId],
    triggeredAt: now.toISOString(),
    drift: {
      method: 'risk_adjusted_cusum',
      oddsRatio: alarm.oddsRatio,
      statistic: round6(alarm.statistic),
      limit: round6(alarm.limit),
      outcomes: alarm.since,
      wrong: doc.cusum.wrong,
      expectedWrong: round6(doc.cusum.expectedWrong),
      falseAlarmRate: drift.falseAlarmRate,
      horizon: drift.horizon,
    },
  };
  doc.pending.push({ topic: 'retraining.triggered', id: `drift:${doc._id}:${doc.alarms}`, event });
  const detail = `drift: the chart for odds ×${alarm.oddsRatio} reached ${alarm.statistic.toFixed(2)} (limit ${alarm.limit.toFixed(2)}) over the last ${alarm.since} outcomes; ${doc.cusum.wrong} of ${doc.cusum.n} wrong where ${doc.cusum.expectedWrong.toFixed(1)} were expected`;
  if (!doc.stop) stopAutomation(doc, { reason: 'drift', detail, since: now.toISOString() });
  // Counted afresh: a worsening that goes on raises the next alarm from here.
  doc.cusum.n = 0;
  doc.cusum.wrong = 0;
  doc.cusum.expectedWrong = 0;
}

/**
 * Whether a category's evidence may join the pool its siblings are certified on (trust.pool:
 * model). Not when it is stopped (after a drift alarm its evidence is the model going wrong
 * there), nor while one of its drift charts is in warning: on bench:quality (spam, reviewers
 * wrong 10 %) the drifting category's first errors took its siblings' certification with it 100
 * cases before its own alarm. Leaving a category out depends on its own outcomes only, so the
 * siblings' evidence stays the sample it was.
 */
export function poolable(doc: Pick<TrustDoc, 'stop' | 'cusum'>, rules: Rules): boolean {
  return !doc.stop && !inWarning(doc.cusum, rules.trust.drift);
}

/**
 * The certification of a category's evidence, or — pooled by model (trust.pool) — the one
 * certified on the evidence of every category of its model version (`siblings`: the others'
 * windows, summed) when that is looser and the category's own outcomes at the pooled threshold,
 * at least `minOutcomes` of them, do not refute it (their lower bound is within the target). The pooled test is one more fixed
 * sequence on other data: the guarantee it gives is on the model's auto-approvals as a whole;
 * a category is then held to it by its own drift charts and circuit breaker.
 */
export function certifyFor(bins: BinEvidence[], siblings: BinEvidence[], rules: Rules): Certification & { pooled: boolean } {
  const { calibration: cal, trust } = rules;
  const rule = { targetErrorRate: cal.targetErrorRate, confidenceLevel: cal.confidenceLevel, lowestThreshold: trust.lowestThreshold };
  const own = certifyThreshold(bins, rule);
  if (trust.pool !== 'model' || !siblings.some((b) => b.n > 0)) return { ...own, pooled: false };
  const pooled = certifyThreshold(sumBins([bins, siblings]), rule);
  if (pooled.threshold === null || (own.threshold !== null && own.threshold <= pooled.threshold)) return { ...own, pooled: false };
  // The category's own outcomes there: enough to have a say (minOutcomes), and not refuting it.
  const mine = evidenceBetween(bins, pooled.threshold);
  if (mine.n < trust.minOutcomes || errorLowerBound(mine, cal.confidenceLevel) > cal.targetErrorRate) return { ...own, pooled: false };
  return { ...pooled, pooled: true };
}

/** What trust says now; a new version is published when it differs from the last one. */
export function decide(doc: TrustDoc, rules: Rules, now: Date, siblings: BinEvidence[] = []): TrustDoc {
  const { calibration: cal, trust } = rules;
  const bins = windowBins(doc, now, cal.windowDays);
  const certification = certifyFor(bins, siblings, rules);
  const outcomes = bins.reduce((sum, b) => sum + b.n, 0);
  const previous = doc.published;
  // The stop button: the evidence says the error where automation last acted is past the red line
  // (its lower bound is), and no stricter threshold is certified. An upper bound past the target
  // alone only takes the threshold back (stricter, or none: people decide) until evidence certifies one.
  const watched = doc.lifted?.threshold ?? doc.lastCertified?.threshold;
  if (!doc.stop && watched !== undefined && certification.threshold === null) {
    const acc = evidenceBetween(bins, watched);
    const lower = errorLowerBound(acc, cal.confidenceLevel);
    if (lower > trust.redLine && acc.n >= trust.minOutcomes) {
      stopAutomation(doc, { reason: 'bound', detail: `the error of auto-approvals at or above ${watched} is above ${(lower * 100).toFixed(2)}% with ${cal.confidenceLevel * 100}% confidence, past the red line ${(trust.redLine * 100).toFixed(2)}% (${acc.n} outcomes, estimate ${((acc.wrong / acc.w) * 100).toFixed(2)}%)`, since: now.toISOString() });
    }
  }
  // A stop lifts once the new epoch's evidence certifies a threshold again.
  const fresh = doc.stop ? windowBins(doc, now, cal.windowDays) : bins;
  // A stop lifts on the category's own evidence only: the others' would lift it at once.
  let cert = doc.stop ? certifyFor(fresh, [], rules) : certification;
  // A stop by the breaker lifts with a new certification; an admin's stop only by an admin.
  if (doc.stop && doc.stop.reason !== 'manual' && cert.threshold !== null) delete doc.stop;
  if (cert.threshold !== null) delete doc.lifted;
  else if (doc.lifted && !doc.stop) {
    // An admin's lift: the last certified threshold holds until the evidence certifies another (above) or the bound refutes it.
    const bound = boundAt(bins, doc.lifted.threshold, cal.confidenceLevel);
    cert = { threshold: doc.lifted.threshold, at: { threshold: doc.lifted.threshold, outcomes: bound.outcomes, estimate: bound.estimate, upper: bound.upper, effectiveN: bound.effectiveN, passed: false, confidence: cal.confidenceLevel }, tested: [], pooled: false };
  }
  const total = doc.stop ? fresh.reduce((sum, b) => sum + b.n, 0) : outcomes;
  if (!previous && !doc.stop && total < trust.minOutcomes) return doc;
  const evidenceBins = doc.stop ? fresh : bins;
  const steps = isotonicCalibration(evidenceBins);
  const at = cert.at;
  const automatedPerDay = automatedVolumePerDay(evidenceBins, cert.threshold, Math.max(1, Object.keys(doc.days).length));
  const state: TrustUpdatedV1['state'] = doc.stop ? 'stopped' : cert.threshold !== null ? 'certified' : 'learning';
  const warning = !doc.stop && inWarning(doc.cusum, trust.drift);
  const next: Omit<TrustUpdatedV1, 'version' | 'updatedAt'> = {
    category: doc.category,
    modelVersion: doc.modelVersion,
    state,
    mode: trust.mode === 'recommend' ? 'recommend' : 'apply',
    calibration: steps.slice(-200),
    threshold: doc.stop ? null : cert.threshold,
    evidence: {
      outcomes: at?.outcomes ?? 0,
      effectiveOutcomes: round6(at?.effectiveN ?? 0),
      errorEstimate: round6(at?.estimate ?? 0),
      errorUpperBound: round6(at?.upper ?? 1),
      targetErrorRate: cal.targetErrorRate,
      confidenceLevel: cal.confidenceLevel,
      method: cert.pooled ? 'ltt_fixed_sequence_poststratified_clopper_pearson_pooled_by_model' : 'ltt_fixed_sequence_poststratified_clopper_pearson',
    },
    // Planned at the level of the certification's second point (half the α); at the ceiling while
    // a drift chart is in warning, to confirm or clear a change sooner (libs/trust cusum inWarning).
    auditRate: warning
      ? trust.audit.ceiling
      : auditRate({ haveOutcomes: at && cert.threshold !== null ? at.effectiveN : 0, autoPerDay: automatedPerDay, target: cal.targetErrorRate, confidence: 1 - (1 - cal.confidenceLevel) / 2, next: nextCandidate(cert) }, trust.audit),
    epoch: doc.epoch,
    ...(doc.stop ? { stop: doc.stop } : {}),
  };
  if (previous && sameTrust(previous, next) && total < (doc.publishedOutcomes ?? 0) * 1.2) return doc;
  doc.publishedOutcomes = total;
  const published: TrustUpdatedV1 = { ...next, version: (previous?.version ?? 0) + 1, updatedAt: now.toISOString() };
  doc.published = published;
  // A certification is the promise the drift charts hold the model to: taken when the model is
  // certified afresh or the evidence certifies a looser threshold, never when worse evidence moves
  // the threshold up (the charts would then be measuring the drift against itself).
  const certifiedAfresh = previous?.state !== 'certified' || previous.threshold === null;
  if (state === 'certified' && !doc.lifted && (certifiedAfresh || published.threshold! < previous!.threshold!)) {
    doc.reference = referenceOf(evidenceBins, steps);
    if (certifiedAfresh) doc.cusum = newCusum(trust.drift);
    doc.lastCertified = { threshold: published.threshold!, reference: doc.reference };
  }
  doc.pending.push({ topic: 'trust.updated', id: `${doc._id}:${published.version}`, event: published });
  return doc;
}

/** The first candidate looser than the certified threshold that the certification tried and could not pass. */
function nextCandidate(cert: Certification): { effectiveN: number; estimate: number } | null {
  if (cert.threshold === null) return null;
  const next = cert.tested.find((t) => !t.passed && t.threshold < cert.threshold!);
  return next ? { effectiveN: next.effectiveN, estimate: next.estimate } : null;
}

/** Cases a day at or above the threshold, as the weighted outcomes estimate them (a planning figure for the audit rate). */
function automatedVolumePerDay(bins: BinEvidence[], threshold: number | null, days: number): number {
  if (threshold === null) return 0;
  return evidenceBetween(bins, threshold).w / days;
}

/**
 * What the drift charts expect: the calibration steps pooled, from the top down, into strata of
 * at least REFERENCE_OUTCOMES outcomes, each with the 99 % upper bound of its error. The bound
 * (not the estimate) so that an estimate that happens to be low raises no false alarms; strata
 * (not single steps) because a step of twenty outcomes has a bound so wide that a model gone
 * wrong would take a dozen outcomes to alarm.
 */
const REFERENCE_CONFIDENCE = 0.99;
const REFERENCE_OUTCOMES = 200;
function referenceOf(bins: BinEvidence[], steps: ReturnType<typeof isotonicCalibration>): TrustDoc['reference'] {
  const strata: { from: number; to: number; outcomes: number }[] = [];
  for (let k = steps.length - 1; k >= 0; k--) {
    const to = steps[k + 1]?.from ?? Infinity;
    const open = strata.at(-1);
    if (open && open.outcomes < REFERENCE_OUTCOMES) {
      open.from = steps[k].from;
      open.outcomes += steps[k].outcomes;
    } else strata.push({ from: steps[k].from, to, outcomes: steps[k].outcomes });
  }
  // A last stratum too small joins the one above it.
  const lowest = strata.at(-1);
  if (strata.length > 1 && lowest && lowest.outcomes < REFERENCE_OUTCOMES) {
    strata.pop();
    strata[strata.length - 1].from = lowest.from;
  }
  return strata.reverse().map((stratum) => {
    const acc = evidenceBetween(bins, stratum.from, stratum.to);
    const estimate = acc.w > 0 ? acc.wrong / acc.w : 0;
    return { from: stratum.from, p0: round6(Math.max(estimate, errorUpperBound(acc, REFERENCE_CONFIDENCE).upper)) };
  });
}

/** Changes worth a new version at once: the gate (state, threshold), the stop, the audit rate by more than a tenth. */
function sameTrust(a: TrustUpdatedV1, b: Omit<TrustUpdatedV1, 'version' | 'updatedAt'>): boolean {
  return a.state === b.state && a.threshold === b.threshold && a.epoch === b.epoch && a.mode === b.mode && Math.abs(a.auditRate - b.auditRate) <= 0.1 * Math.max(a.auditRate, b.auditRate);
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
