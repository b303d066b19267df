import { Topics, type EventOf, type HealthReport, type ReviewerReport, type HealthSeries, type LoopEvents, type ReviewersReport, type ReviewerDetail, type ReviewerImpact, type RolloutReport } from '@hitl/contracts';
import type { Context } from '@opentelemetry/api';
import { EventPublisher, type IncomingEvent } from '@hitl/messaging';
import { auditVerdictAt, rulesFor, type Policy } from '@hitl/policy';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { captureOf, isLearningDecision, requestIdOf, requestInfoOf, type EscalationFired, type RequestInfo, type ReviewDecided } from './capture/capture';
import { ALL_CATEGORIES, dayOf, sumDays, withReasonCodes, windowDays, type DayChange, type Position } from './health/daily';
import { healthOf } from './health/health';
import { retrainingCheck } from './health/retraining';
import { rolloutOf } from './health/rollout';
import { weeklyReport, type WeeklyReport } from './report/weekly';
import { cohensKappa, fleissKappa, median, rubberStampFlag } from './stats';
import { FeedbackStore, type Escalators, type FinalOutcome, type ParkedItem, type StoredFeedback } from './store/feedback-store';

export { POLICY } from './tokens';
import { POLICY } from './tokens';
import { TrustLoop } from './trust/trust-loop';
import type { TrustObservation } from './trust/trust-state';

const positionOf = (e: IncomingEvent): Position => ({ topic: e.topic, partition: e.partition, offset: e.offset });

/** A change for the day document of a category (or of a reviewer: `category` then holds their id). */
type Counted = { day: string; category: string; at: Position; change: DayChange };

/** Groups counted changes by the day and category document they go to. */
function byDocument(items: Counted[]): Map<string, { day: string; category: string; changes: { at: Position; change: DayChange }[] }> {
  const groups = new Map<string, { day: string; category: string; changes: { at: Position; change: DayChange }[] }>();
  for (const { day, category, at, change } of items) {
    const key = `${day}|${category}`;
    const group = groups.get(key) ?? { day, category, changes: [] };
    group.changes.push({ at, change });
    groups.set(key, group);
  }
  return groups;
}

/**
 * The feedback loop: every human decision joined with the AI's side into a feedback record
 * (`feedback.captured`), the counters behind the guide's health metrics, and the retraining
 * trigger when people override a category's model too often.
 */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger('Feedback');

  constructor(
    private readonly store: FeedbackStore,
    private readonly publisher: EventPublisher,
    @Inject(POLICY) private readonly policy: Policy,
    private readonly trust: TrustLoop,
  ) {}

  clock: () => Date = () => new Date();

  /** Changes for many day documents: one write per document, each change under its own position. */
  private async countAll(items: Counted[], scope?: 'reviewers'): Promise<void> {
    for (const g of byDocument(items).values()) await this.store.count(g.day, g.category, g.changes, scope);
  }

  /** Review requests: what the AI said (for the join), and how many reviews were asked for. */
  async requested(events: IncomingEvent<typeof Topics.ReviewRequested>[]): Promise<void> {
    const infos = events.map((e) => requestInfoOf(e.data));
    await this.store.saveRequests(infos);
    for (const info of infos) await this.unpark(info);
    const counted = events
      .filter((e) => e.data.reason !== 'escalation' && e.data.reason !== 'exercise')
      .map((e) => ({ day: dayOf(e.data.requestedAt), category: e.data.context.category, at: positionOf(e), change: { kind: 'requested', ...(e.data.disagreement ? { disagreement: e.data.disagreement } : {}) } as DayChange }));
    await this.countAll(counted);
  }

  /** Final decisions: auto or human, audit samples, time to a human decision. */
  async finalized(events: IncomingEvent<typeof Topics.DecisionFinalized>[]): Promise<void> {
    const counted = events.map((e) => ({
      day: dayOf(e.data.finalizedAt),
      category: e.data.category ?? 'unknown',
      at: positionOf(e),
      change: { kind: 'finalized', decidedBy: e.data.decidedBy, latencyMs: e.data.latencyMs, auditSampled: e.data.auditSampled === true, shadow: e.data.shadow === true } as DayChange,
    }));
    await this.countAll(counted);
    // People's final decisions on cases automation could have decided: the evidence of trust (weight 1: they all went to people).
    await this.trust.record(
      events.flatMap(({ data: d, topic, partition, offset }) =>
        d.decidedBy === 'human' && d.automationEligible && d.trust && d.recommendation !== undefined && d.category && d.modelVersion
          ? [{ category: d.category, modelVersion: d.modelVersion, basis: d.trust.basis, wrong: d.outcome !== d.recommendation, weight: 1, source: `${topic}:${partition}`, offset: Number(offset), caseId: d.caseId, at: d.finalizedAt }]
          : [],
      ),
    );
    // Hand escalations judged by how the case ended: unnecessary when people kept the AI's recommendation.
    for (const e of events) {
      if (e.data.decidedBy !== 'human' || e.data.recommendation === undefined) continue;
      const outcome = { _id: e.data.caseId, outcome: e.data.outcome, recommendation: e.data.recommendation, finalizedAt: e.data.finalizedAt };
      await this.store.saveOutcome(outcome);
      for (const by of (await this.store.escalatorsOf(e.data.caseId))?.by ?? []) await (by.override ? this.judgeCatch(by, outcome) : this.judgeEscalation(by, outcome));
    }
  }

  /**
   * Counts a hand escalation's verdict once, whichever of the escalation and the final decision
   * was consumed last (both look for the other): the count's mark is the escalation's own id.
   */
  private judgeEscalation(by: { reviewerId: string; decisionId: string }, final: FinalOutcome): Promise<void> {
    const at: Position = { topic: `judged@${by.decisionId}`, partition: 0, offset: '0' };
    return this.store.count(dayOf(final.finalizedAt), by.reviewerId, [{ at, change: { kind: 'escalation_outcome', unnecessary: final.outcome === final.recommendation } }], 'reviewers');
  }

  /**
   * An override the final decision kept is the reviewer's catch (the AI was wrong, and the case
   * ended as they said), counted once whichever of the two is consumed last.
   */
  private judgeCatch(by: Escalators['by'][number], final: FinalOutcome): Promise<void> {
    if (!by.override || final.outcome !== by.override.outcome) return Promise.resolve();
    const at: Position = { topic: `caught@${by.decisionId}`, partition: 0, offset: '0' };
    const change: DayChange = { kind: 'caught', caseId: final._id, category: by.override.category, ai: by.override.recommendation, decided: by.override.outcome };
    return this.store.count(dayOf(final.finalizedAt), by.reviewerId, [{ at, change }], 'reviewers');
  }

  /** Escalations: counted by category (level 1 toward the escalation rate, higher as passed along). */
  async escalated(event: IncomingEvent<typeof Topics.EscalationFired>): Promise<void> {
    const requestId = requestIdOf(event.data.caseId, event.data.round ?? 1);
    const request = await this.store.request(requestId);
    if (request) await this.countEscalation(request, event.data, positionOf(event));
    else await this.parkUntil(requestId, { kind: 'escalated', data: event.data, at: positionOf(event) });
  }

  /** Level 1: a review went up at least once (the escalation rate); higher: it was passed further up. */
  private countEscalation(request: RequestInfo, e: EscalationFired, at: Position): Promise<void> {
    return this.store.count(dayOf(e.firedAt), request.category, [{ at, change: { kind: e.level === 1 ? 'escalated' : 'escalated_up' } }]);
  }

  /**
   * A human decision: counted as received, joined with its request into a feedback record,
   * published, counted per category and model; then the retraining check for that model. A
   * decision whose request is not here yet (the topics are consumed apart) waits for it.
   *
   * Once per decision: the same Kafka record again is skipped by the counters' offset marks; the
   * same decision in another record (a producer retry) finds its feedback record already counted.
   */
  async decided(event: IncomingEvent<typeof Topics.ReviewDecided>): Promise<void> {
    const d = event.data;
    if (d.action === 'escalate') {
      await this.store.recordEscalation(d.caseId, { reviewerId: d.reviewerId, decisionId: d.decisionId });
      const final = await this.store.outcomeOf(d.caseId);
      if (final) await this.judgeEscalation({ reviewerId: d.reviewerId, decisionId: d.decisionId }, final);
      return;
    }
    if (!isLearningDecision(d)) return;
    if (d.exercise) {
      // A calibration exercise's verdict: not a decision on a live case, only the reviewer's catch rate.
      const requestId = requestIdOf(d.caseId, d.round);
      const request = await this.store.request(requestId);
      if (request) await this.capture(request, d, positionOf(event));
      else await this.parkUntil(requestId, { kind: 'decided', data: d, at: positionOf(event) });
      return;
    }
    await this.decidedMany([event]);
  }

  /**
   * A batch of review.decided from one partition. Escalations and exercise verdicts go one by one
   * (`decided`); live approve/override decisions are looked up together, counted as received in
   * one write per day, joined with their requests, and captured together (`captureMany`).
   */
  async decidedMany(events: IncomingEvent<typeof Topics.ReviewDecided>[]): Promise<void> {
    // In partition order: a counter skips positions at or below its mark, so an event handled
    // ahead of an earlier one would hide it. Runs of live decisions go together; anything else
    // first lets the run before it finish.
    let run: IncomingEvent<typeof Topics.ReviewDecided>[] = [];
    for (const event of events) {
      if (isLearningDecision(event.data) && !event.data.exercise) {
        run.push(event);
        continue;
      }
      await this.liveDecisions(run);
      run = [];
      await this.decided(event);
    }
    await this.liveDecisions(run);
  }

  private async liveDecisions(events: IncomingEvent<typeof Topics.ReviewDecided>[]): Promise<void> {
    if (events.length === 0) return;
    // The same decision twice in one run (a producer retry) is captured once and published again, like a later redelivery.
    const first = new Map<string, IncomingEvent<typeof Topics.ReviewDecided>>();
    for (const event of events) if (!first.has(event.data.decisionId)) first.set(event.data.decisionId, event);
    const live = [...first.values()];
    const known = await Promise.all(live.map((e) => this.store.feedbackRecord(`fb:${e.data.decisionId}`)));
    const fresh: { event: IncomingEvent<typeof Topics.ReviewDecided>; existing: StoredFeedback | null }[] = [];
    for (const [i, event] of live.entries()) {
      const existing = known[i];
      if (existing?.counted) await this.publisher.publish(Topics.FeedbackCaptured, eventOf(existing), { id: existing.feedbackId });
      else fresh.push({ event, existing });
    }
    const seen: Counted[] = fresh.map(({ event }) => ({ day: dayOf(event.data.decidedAt), category: ALL_CATEGORIES, at: positionOf(event), change: { kind: 'seen' } }));
    await this.countAll(seen);
    const requests = await Promise.all(fresh.map(({ event }) => this.store.request(requestIdOf(event.data.caseId, event.data.round))));
    const joined: Parameters<FeedbackService['captureMany']>[0] = [];
    for (const [i, { event, existing }] of fresh.entries()) {
      const request = requests[i];
      if (request) joined.push({ request, d: event.data, at: positionOf(event), existing, trace: event.traceContext });
      else await this.parkUntil(requestIdOf(event.data.caseId, event.data.round), { kind: 'decided', data: event.data, at: positionOf(event) });
    }
    await this.captureMany(joined);
    if (events.length > live.length) {
      for (const again of events.filter((e) => first.get(e.data.decisionId) !== e)) {
        const record = await this.store.feedbackRecord(`fb:${again.data.decisionId}`);
        if (record) await this.publisher.publish(Topics.FeedbackCaptured, eventOf(record), { id: record.feedbackId });
      }
    }
  }

  /** `existing`: the decision's feedback record, when the caller looked it up already (null: none). */
  private async capture(request: RequestInfo, d: ReviewDecided, at: Position, known?: StoredFeedback | null): Promise<void> {
    if (request.exercise) {
      const outcome = d.outcome ?? request.recommendation;
      const change: DayChange = { kind: 'exercised', caught: outcome !== request.recommendation, matched: outcome === request.exercise.knownOutcome };
      await this.store.count(dayOf(d.decidedAt), d.reviewerId, [{ at, change }], 'reviewers');
      return;
    }
    const existing = known !== undefined ? known : await this.store.feedbackRecord(`fb:${d.decisionId}`);
    await this.captureMany([{ request, d, at, existing }]);
  }

  /**
   * Live decisions joined with their requests, a batch at a time: records saved and published
   * together, and each day document (per category, per reviewer) written once for the batch
   * with every change under its own position. The per-request decision list (dual review's
   * peers) and hand-judged overrides stay one by one: they are read-modify-write on one request.
   */
  private async captureMany(items: { request: RequestInfo; d: ReviewDecided; at: Position; existing: StoredFeedback | null; trace?: Context }[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock();
    const records = items.map(({ request, d, existing }) => existing ?? captureOf(request, d, now)!);
    await this.store.saveFeedbacks(records.filter((_, i) => !items[i].existing));
    // Published again on a redelivery: same CloudEvents id, consumers dedupe on it.
    // Each record in its decision's trace (the case's): the batch around it is a trace of its own.
    await this.publisher.publishAll(records.map((record, i) => ({ topic: Topics.FeedbackCaptured, data: eventOf(record), id: record.feedbackId, ...(items[i].trace ? { traceContext: items[i].trace } : {}) })));
    const byCategory: Counted[] = [];
    const byReviewer: Counted[] = [];
    const retrain = new Map<string, { category: string; modelVersion: string }>();
    const audits: (TrustObservation & { category: string; modelVersion: string })[] = [];
    for (const [i, { request, d, at }] of items.entries()) {
      const record = records[i];
      const day = dayOf(d.decidedAt);
      if (request.reason === 'audit') {
        // An audit of an auto-approval: the false-negative evidence, kept apart from review decisions.
        const verdict = await this.auditVerdict(request, d, record.override);
        if (verdict === undefined) continue; // an overturn waiting for the second person's word
        byCategory.push({ day, category: record.category, at, change: { kind: 'audited', overturned: verdict.wrong, confidence: record.confidence } });
        // An audit stands for the 1/π auto-approvals it was sampled from.
        if (request.trustBasis !== undefined && request.auditProbability !== undefined && request.auditProbability > 0) {
          audits.push({ category: record.category, modelVersion: record.modelVersion, basis: request.trustBasis, wrong: verdict.wrong, weight: 1 / request.auditProbability, source: `${at.topic}:${at.partition}`, offset: Number(at.offset), caseId: record.caseId, at: d.decidedAt });
        }
        continue;
      }
      // Dual review: each earlier decision by someone else on this request is a pair.
      const peers = await this.store.recordDecision(request._id, { decisionId: d.decisionId, reviewerId: d.reviewerId, outcome: record.humanDecision });
      const decidedChange: DayChange = { kind: 'decided', modelVersion: record.modelVersion, override: record.override, agreesWithAi: d.agreesWithAi, reviewTimeMs: record.reviewTimeMs, caseId: record.caseId, reason: record.reason, ...(record.reasonCode ? { reasonCode: record.reasonCode } : {}), confidence: record.confidence, ...(request.rollout ? { rollout: { stage: request.rollout, wouldAuto: request.reason === 'shadow' } } : {}) };
      const pairs: DayChange[] = peers.map((p) => ({ kind: 'paired', outcomes: [p.outcome, record.humanDecision] }));
      // Three or more people on one request: a Fleiss' kappa item.
      const group: DayChange[] = peers.length >= 2 ? [{ kind: 'rated', requestId: request._id, outcomes: [...peers.map((p) => p.outcome), record.humanDecision] }] : [];
      for (const change of [decidedChange, ...pairs, ...group]) byCategory.push({ day, category: record.category, at, change });
      // Per reviewer: the same counters, for agreement with the AI and with peers, and review times.
      for (const change of [{ ...decidedChange, category: record.category } as DayChange, ...pairs]) byReviewer.push({ day, category: d.reviewerId, at, change });
      for (const [k, p] of peers.entries()) byReviewer.push({ day, category: p.reviewerId, at, change: pairs[k] });
      if (record.override) {
        // Judged against the final decision, whichever of the two is consumed last.
        const by = { reviewerId: d.reviewerId, decisionId: d.decisionId, override: { outcome: record.humanDecision, category: record.category, recommendation: record.aiRecommendation } };
        await this.store.recordEscalation(d.caseId, by);
        const final = await this.store.outcomeOf(d.caseId);
        if (final) await this.judgeCatch(by, final);
      }
      retrain.set(`${record.category}|${record.modelVersion}`, { category: record.category, modelVersion: record.modelVersion });
    }
    await this.countAll(byCategory);
    await this.countAll(byReviewer, 'reviewers');
    for (const record of records) await this.store.markCounted(record.feedbackId);
    await this.trust.record(audits);
    for (const { category, modelVersion } of retrain.values()) await this.checkRetraining(category, modelVersion);
  }

  /**
   * The verdict of an audit, by the rule the review app closes it with (libs/policy
   * auditVerdictAt): when its request asks for a second person's word on an overturn
   * (confirmOverride: the guide's AI–human disagreement, arbitration.aiDisagreementTiers), the AI
   * counts as wrong only when a second person gave the same answer or a senior arbiter rejected it
   * after two different answers, so one reviewer's mistake is not evidence against the model.
   * undefined: waiting for the next word (or a word after the verdict, counted once already).
   */
  private async auditVerdict(request: RequestInfo, d: ReviewDecided, override: boolean): Promise<{ wrong: boolean } | undefined> {
    if (!request.confirmOverride) return { wrong: override };
    const answer = d.outcome ?? request.recommendation;
    const earlier = await this.store.recordDecision(request._id, { decisionId: d.decisionId, reviewerId: d.reviewerId, outcome: answer });
    const at = auditVerdictAt(request.recommendation, this.policy.arbitration.overturnConfirmations, [...earlier.map((e) => e.outcome), answer]);
    return at === earlier.length ? { wrong: override } : undefined;
  }

  /**
   * Parks an event for a request not seen yet. The request may have landed meanwhile (its
   * handler looked for parked events before this one was parked): look again and handle it.
   * Handling twice is harmless: counters skip positions they applied, records are keyed.
   */
  private async parkUntil(requestId: string, item: ParkedItem): Promise<void> {
    await this.store.park(requestId, item);
    const request = await this.store.request(requestId);
    if (request) await this.unpark(request);
  }

  private async unpark(request: RequestInfo): Promise<void> {
    const items = await this.store.takeParked(request._id);
    if (items.length === 0) return;
    for (const item of items) {
      // Counted under a mark of its own: the partition's mark has moved past it meanwhile.
      const at = { ...item.at, topic: `${item.at.topic}@${request._id}` };
      if (item.kind === 'decided') await this.capture(request, item.data, at);
      else await this.countEscalation(request, item.data, at);
    }
    await this.store.dropParked(request._id);
  }

  /** At most one trigger per window per category and model; a trigger decided but not published goes out now. */
  async checkRetraining(category: string, modelVersion: string): Promise<void> {
    const rule = this.policy.feedback.retraining;
    // Human-reviewed cases are not a sample of what the model does (which reach people depends on the
    // thresholds): their override rate is a trigger only where the policy asks for it. Drift is trust's.
    if (rule.on !== 'drift_and_override_rate') return;
    const now = this.clock();
    const days = windowDays(now, rule.windowDays);
    const totals = sumDays(await this.store.daysOf(category, days));
    const model = totals.models[modelVersion] ?? { decisions: 0, overrides: 0, examples: [] };
    const check = retrainingCheck(model, rule);
    if (!check.due) return;
    const from = new Date(`${days[0]}T00:00:00.000Z`).toISOString();
    const mark = await this.store.openRetraining(`retrain:${category}:${modelVersion}`, now, () => {
      const event: EventOf<typeof Topics.RetrainingTriggered> = {
        category,
        modelVersion,
        overrideRate: check.overrideRate,
        threshold: rule.overrideRateThreshold,
        window: { from, to: now.toISOString() },
        sampleSize: check.sampleSize,
        exampleCaseIds: model.examples.slice(0, 20),
        triggeredAt: now.toISOString(),
        ...withReasonCodes(totals.overrideReasonCodes),
      };
      return { until: new Date(now.getTime() + rule.windowDays * 86_400_000).toISOString(), event, eventId: `retrain:${category}:${modelVersion}:${now.toISOString()}` };
    });
    if (!mark) return;
    await this.publisher.publish(Topics.RetrainingTriggered, mark.event as EventOf<typeof Topics.RetrainingTriggered>, { id: mark.eventId });
    await this.store.markPublished(mark);
    this.logger.log({ message: 'retraining triggered', category, modelVersion, overrideRate: check.overrideRate, sampleSize: check.sampleSize });
  }

  /**
   * Reviewer quality over the last `days` days: each person's agreement with the AI and with
   * peers, median review time and the rubber-stamp flag (fast and nearly always agreeing with
   * the AI over enough cases: the guide's pitfall of automation bias); Cohen's kappa over every
   * dual-reviewed pair.
   */
  async reviewers(days: number): Promise<ReviewersReport> {
    const now = this.clock();
    const span = windowDays(now, days);
    const names = await this.store.names('reviewers');
    const reviewers = await Promise.all(names.map(async (reviewerId) => (await this.reviewerTotals(reviewerId, span)).report));
    const categories = await this.store.names('categories');
    const totals = await Promise.all(categories.map(async (c) => sumDays(await this.store.daysOf(c, span))));
    const pairs = totals.flatMap((t) => t.pairOutcomes).map((p): [string, string] => [p.a, p.b]);
    const kappa = pairs.length > 0 ? cohensKappa(pairs).kappa : null;
    // Where three or more people decided the same request: Fleiss' kappa over those requests.
    const groups = totals.flatMap((t) => Object.values(t.groups ?? {}).map((g) => JSON.parse(g) as string[]));
    const fleiss = groups.length > 0 ? fleissKappa(groups).kappa : null;
    return { window: { from: `${span[0]}T00:00:00.000Z`, to: now.toISOString(), days }, kappa: { kappa: Number.isFinite(kappa) ? kappa : null, pairs: pairs.length }, fleiss: { kappa: fleiss !== null && Number.isFinite(fleiss) ? fleiss : null, requests: groups.length }, reviewers: reviewers.filter((r) => r.decisions > 0 || r.peerPairs > 0 || r.escalations > 0 || r.exercises > 0) };
  }

  /**
   * One reviewer's own page (the guide: "share improvement metrics with reviewers so they see the
   * impact of their feedback"): their figures, their latest catches, their calibration exercises,
   * and the retraining triggers and threshold changes of the window in categories they decided,
   * with how many of their decisions and overrides fed each.
   */
  async reviewer(reviewerId: string, days: number): Promise<ReviewerDetail> {
    const now = this.clock();
    const span = windowDays(now, days);
    const from = `${span[0]}T00:00:00.000Z`;
    const { report, totals } = await this.reviewerTotals(reviewerId, span);
    const impact: ReviewerImpact[] = [];
    for (const [category, mine] of Object.entries(totals.byCategory ?? {})) {
      const calibration = (await this.store.mark(`calibration:${category}`))?.event as EventOf<typeof Topics.ThresholdsCalibrated> | undefined;
      if (calibration && calibration.calibratedAt >= from) {
        impact.push({
          kind: 'calibration',
          category,
          at: calibration.calibratedAt,
          summary: `auto-approve threshold ${calibration.mode === 'apply' ? 'moved' : 'proposed'} to ${calibration.bands.autoApprove} from ${calibration.evidence.sampleSize} outcomes (upper bound on error ${(calibration.evidence.errorUpperBound * 100).toFixed(2)}%)`,
          yourDecisions: mine.decisions,
          yourOverrides: mine.overrides,
          yourCases: [],
        });
      }
      for (const [modelVersion, model] of Object.entries(totals.models)) {
        const trigger = (await this.store.mark(`retrain:${category}:${modelVersion}`))?.event as EventOf<typeof Topics.RetrainingTriggered> | undefined;
        if (!trigger || trigger.triggeredAt < from) continue;
        impact.push({
          kind: 'retraining',
          category,
          at: trigger.triggeredAt,
          summary: `${modelVersion} sent for retraining: override rate ${(trigger.overrideRate * 100).toFixed(0)}% over ${trigger.sampleSize} decisions`,
          yourDecisions: mine.decisions,
          yourOverrides: mine.overrides,
          yourCases: model.examples.filter((c) => trigger.exampleCaseIds.includes(c)),
        });
      }
    }
    return {
      window: { from, to: now.toISOString(), days },
      reviewer: report,
      catches: (totals.catchExamples ?? []).slice(-20).reverse(),
      exercises: { answered: totals.exercises ?? 0, caught: totals.exercisesCaught ?? 0, matchedKnownOutcome: totals.exercisesMatched ?? 0 },
      impact: impact.sort((a, b) => b.at.localeCompare(a.at)),
    };
  }

  private async reviewerTotals(reviewerId: string, span: string[]): Promise<{ report: ReviewerReport; totals: ReturnType<typeof sumDays> }> {
    const t = sumDays(await this.store.daysOf(reviewerId, span, 'reviewers'));
    const medianReviewMs = t.reviewTimesMs.length > 0 ? median(t.reviewTimesMs) : null;
    const report: ReviewerReport = {
      reviewerId,
      decisions: t.decisions,
      agreementWithAi: t.decisions > 0 ? t.agreesWithAi / t.decisions : null,
      overrideRate: t.decisions > 0 ? t.overrides / t.decisions : null,
      medianReviewMs,
      peerPairs: t.pairs,
      peerAgreement: t.pairs > 0 ? t.pairsAgreed / t.pairs : null,
      rubberStamp: rubberStampFlag({ decisions: t.decisions, agreesWithAi: t.agreesWithAi, medianReviewMs: medianReviewMs ?? Infinity }),
      escalations: t.escalationsDecided,
      unnecessaryEscalationRate: t.escalationsDecided > 0 ? t.escalationsUnnecessary / t.escalationsDecided : null,
      exercises: t.exercises ?? 0,
      exerciseCatchRate: t.exercises ? (t.exercisesCaught ?? 0) / t.exercises : null,
      catches: t.catches ?? 0,
    };
    return { report, totals: t };
  }


  /** The guide's weekly analysis: this week (the last 7 days) beside the 7 days before. */
  async weekly(): Promise<WeeklyReport> {
    const now = this.clock();
    const span = windowDays(now, 14);
    const [before, during] = [span.slice(0, 7), span.slice(7)];
    const categories = await Promise.all(
      (await this.store.names('categories')).map(async (category) => {
        const days = await this.store.daysOf(category, span);
        return { category, thisWeek: sumDays(days.filter((d) => during.includes(d.day))), lastWeek: sumDays(days.filter((d) => before.includes(d.day))) };
      }),
    );
    const health = await this.health(7);
    const reasonLabels = Object.fromEntries(this.policy.overrideReasons.map((r) => [r.code, r.label]));
    return weeklyReport({ window: health.window, overall: health.overall, categories, reviewers: await this.reviewers(7), reasonLabels });
  }

  /**
   * The gradual rollout over the last `days` days: each category in shadow or assist (and each
   * with such cases in the window), what automation would have done against the humans, and
   * whether the measured error bound allows the move to automate.
   */
  async rollout(days: number): Promise<RolloutReport> {
    const now = this.clock();
    const span = windowDays(now, days);
    const staged = Object.keys(this.policy.categories).filter((c) => rulesFor(this.policy, c).rollout !== 'automate');
    const names = [...new Set([...staged, ...(await this.store.names('categories'))])].filter((n) => n !== ALL_CATEGORIES).sort();
    const categories = await Promise.all(
      names.map(async (category) => {
        const counts = sumDays(await this.store.daysOf(category, span)).rollout ?? {};
        return rolloutOf(category, rulesFor(this.policy, category).rollout, counts, this.policy.feedback.calibration);
      }),
    );
    return {
      window: { from: `${span[0]}T00:00:00.000Z`, to: now.toISOString(), days },
      categories: categories.filter((c) => c.stage !== 'automate' || c.shadow.decided + c.assist.decided > 0),
    };
  }

  /** The metrics day by day over the last `days` days (overall, or one category): the dashboard's trend lines. */
  async series(days: number, category?: string): Promise<HealthSeries> {
    const now = this.clock();
    const span = windowDays(now, days);
    const names = category ? [category] : (await this.store.names('categories')).filter((n) => n !== ALL_CATEGORIES);
    const docs = (await Promise.all(names.map((name) => this.store.daysOf(name, span)))).flat();
    // Decisions received before their join know no category: overall, they make feedback incorporation's denominator (as in health()).
    const seen = category ? [] : await this.store.daysOf(ALL_CATEGORIES, span);
    return {
      window: { from: `${span[0]}T00:00:00.000Z`, to: now.toISOString(), days },
      days: span.map((day) => ({
        day,
        metrics: healthOf(sumDays(docs.filter((d) => d.day === day)), category ? {} : { seen: seen.find((d) => d.day === day)?.seen ?? 0 }).map(({ name, value, sample, status }) => ({ name, value, sample, status })),
      })),
    };
  }

  /** What the loop decided lately: the last retraining trigger per category and model, the last calibration per category. */
  async loopEvents(): Promise<LoopEvents> {
    const retraining = (await this.store.marksStartingWith('retrain:')).map((m) => m.event as EventOf<typeof Topics.RetrainingTriggered>);
    const calibrations = (await this.store.marksStartingWith('calibration:')).map((m) => m.event as EventOf<typeof Topics.ThresholdsCalibrated>);
    return {
      retraining: retraining.sort((a, b) => b.triggeredAt.localeCompare(a.triggeredAt)).map((e) => ({ category: e.category, modelVersion: e.modelVersion, overrideRate: e.overrideRate, threshold: e.threshold, sampleSize: e.sampleSize, triggeredAt: e.triggeredAt, exampleCaseIds: e.exampleCaseIds })),
      calibrations: calibrations.sort((a, b) => b.calibratedAt.localeCompare(a.calibratedAt)).map((e) => ({ category: e.category, mode: e.mode, bands: e.bands, evidence: e.evidence, policyVersion: e.policyVersion, calibratedAt: e.calibratedAt })),
    };
  }

  /** The guide's health metrics over the last `days` days: overall and per category. */
  async health(days: number, category?: string): Promise<HealthReport> {
    const now = this.clock();
    const span = windowDays(now, days);
    const names = category ? [category] : await this.store.names('categories');
    const perCategory = await Promise.all(names.filter((n) => n !== ALL_CATEGORIES).map(async (name) => ({ category: name, days: await this.store.daysOf(name, span) })));
    const seen = sumDays(await this.store.daysOf(ALL_CATEGORIES, span)).seen;
    const overall = sumDays(perCategory.flatMap((c) => c.days));
    return {
      window: { from: `${span[0]}T00:00:00.000Z`, to: now.toISOString(), days },
      overall: healthOf(overall, category ? {} : { seen }),
      categories: perCategory.map((c) => ({ category: c.category, metrics: healthOf(sumDays(c.days)) })),
    };
  }
}

/** The event inside a stored feedback record. */
function eventOf(record: EventOf<typeof Topics.FeedbackCaptured> & { _id?: string; counted?: boolean }): EventOf<typeof Topics.FeedbackCaptured> {
  const { _id: _ignored, counted: _counted, ...event } = record;
  return event;
}

