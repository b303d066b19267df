import { Topics, type TrustControlV1, type TrustUpdatedV1 } from '@hitl/contracts';
import { EventPublisher } from '@hitl/messaging';
import { DB_CONNECTION, documentCodec, VersionedWrites, type EncodedDocument } from '@hitl/platform';
import type { mongo } from 'mongoose';
import type { Policy } from '@hitl/policy';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { POLICY } from '../tokens';
import { sumDays, windowDays as daysOfWindow, withReasonCodes } from '../health/daily';
import { FeedbackStore } from '../store/feedback-store';
import { sumBins, type BinEvidence } from '@hitl/trust';
import { applyControl, applyOutcomes, newTrustDoc, poolable, trustKey, windowBins, type TrustDoc, type TrustObservation } from './trust-state';

export type KeyedObservation = TrustObservation & { category: string; modelVersion: string };

/**
 * Earned trust, per category and model version: known outcomes of cases automation could have
 * decided (human decisions of eligible cases, audit verdicts weighted by 1/their sampling
 * probability) become evidence; each change decides the certified threshold, the audit rate, the
 * drift charts and the circuit breaker (trust-state.ts), and publishes trust.updated (and
 * retraining.triggered on a drift alarm). Events are kept in the document until published, so a
 * crash between deciding and publishing loses nothing (sent again with the same ids).
 */
@Injectable()
export class TrustLoop {
  private readonly logger = new Logger('Trust');
  private readonly writes: VersionedWrites<TrustDoc>;
  private readonly docs: mongo.Collection<TrustDoc>;
  private readonly codec = documentCodec<TrustDoc>();

  constructor(
    @Inject(DB_CONNECTION) connection: Connection,
    private readonly publisher: EventPublisher,
    @Inject(POLICY) private readonly policy: Policy,
    private readonly store: FeedbackStore,
  ) {
    const db = connection.db!;
    this.docs = db.collection<TrustDoc>('trust');
    this.writes = new VersionedWrites(this.docs, db.collection<never>('trust_claims') as never, { codec: this.codec, remember: 64 });
  }

  clock: () => Date = () => new Date();

  async record(observations: KeyedObservation[]): Promise<void> {
    if (this.policy.feedback.trust.mode === 'off' || observations.length === 0) return;
    const groups = new Map<string, KeyedObservation[]>();
    for (const o of observations) {
      const key = trustKey(o.category, o.modelVersion);
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    for (const [key, group] of groups) {
      const { category, modelVersion } = group[0];
      const now = this.clock();
      const siblings = await this.siblingEvidence(category, modelVersion, now);
      const doc = (await this.writes.change(key, (current) => applyOutcomes(current ?? newTrustDoc(category, modelVersion), group, this.policy.feedback, now, siblings))) ?? (await this.writes.read(key));
      if (doc) await this.publishPending(doc);
    }
  }

  /**
   * The window's evidence of the model's other categories that are not stopped, summed
   * (trust.pool: model), for the certification pooled by model; none when each category stands alone. Read as stored: a
   * sibling's latest outcomes still in flight count at its next update.
   */
  private async siblingEvidence(category: string, modelVersion: string, now: Date): Promise<BinEvidence[]> {
    if (this.policy.feedback.trust.pool !== 'model') return [];
    const ofModel = new RegExp(`^trust:.*\\|${modelVersion.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const stored = await this.docs.find({ _id: { $regex: ofModel } }).toArray();
    const others = stored.map((d) => this.codec.decode(d as unknown as EncodedDocument)).filter((d) => d.category !== category && d.modelVersion === modelVersion && poolable(d, this.policy.feedback));
    return others.length === 0 ? [] : sumBins(others.map((d) => windowBins(d, now, this.policy.feedback.calibration.windowDays)));
  }

  /** An admin's stop or lift (trust.control); published as the trust.updated it leads to. */
  async control(control: TrustControlV1): Promise<void> {
    const key = trustKey(control.category, control.modelVersion);
    const now = this.clock();
    const doc = (await this.writes.change(key, (current) => applyControl(current ?? newTrustDoc(control.category, control.modelVersion), control, this.policy.feedback, now))) ?? (await this.writes.read(key));
    this.logger.warn({ message: `automation ${control.action === 'stop' ? 'stopped' : 'restarted'} by an admin`, category: control.category, modelVersion: control.modelVersion, by: control.by, reason: control.reason });
    if (doc) await this.publishPending(doc);
  }

  private async publishPending(doc: TrustDoc): Promise<void> {
    if (doc.pending.length === 0) return;
    for (const p of doc.pending) {
      if (p.topic === Topics.TrustUpdated) {
        await this.publisher.publish(Topics.TrustUpdated, p.event, { id: p.id });
        this.logger.log({ message: 'trust updated', category: p.event.category, modelVersion: p.event.modelVersion, state: p.event.state, threshold: p.event.threshold, auditRate: p.event.auditRate, evidence: p.event.evidence, stop: p.event.stop });
      } else {
        // The evidence people gave besides the chart: why they overrode the category's cases in the window.
        const days = daysOfWindow(new Date(p.event.triggeredAt), this.policy.feedback.retraining.windowDays);
        const codes = withReasonCodes(sumDays(await this.store.daysOf(p.event.category, days)).overrideReasonCodes);
        await this.publisher.publish(Topics.RetrainingTriggered, { ...p.event, ...codes }, { id: p.id });
        this.logger.warn({ message: 'drift alarm: retraining triggered', category: p.event.category, modelVersion: p.event.modelVersion, drift: p.event.drift });
      }
    }
    const sent = new Set(doc.pending.map((p) => p.id));
    await this.writes.change(doc._id, (current) => (current && current.pending.some((p) => sent.has(p.id)) ? { ...current, pending: current.pending.filter((p) => !sent.has(p.id)) } : undefined));
  }

  /** The latest trust of every category and model (GET /api/trust). */
  async all(): Promise<TrustUpdatedV1[]> {
    const stored = await this.docs.find({}).toArray();
    return stored.map((d) => this.codec.decode(d as unknown as EncodedDocument)).flatMap((d) => (d.published ? [d.published] : []));
  }
}
