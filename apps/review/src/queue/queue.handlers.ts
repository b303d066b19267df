import { Topics } from '@hitl/contracts';
import { contextOf, EventHandler, EventPublisher, traceparentOf, type IncomingEvent } from '@hitl/messaging';
import { inSample } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Inject, Injectable } from '@nestjs/common';
import { exerciseRequest, mayFollowWithExercise, pick } from './exercises';
import { onDecided, onEscalated, onFinalized, onRequested, type ReviewRequested } from './queue-item';
import { QueueStore } from './queue-store';

/**
 * Keeps the read model of the queue from the events (keyed by case, so one case's events of a
 * topic arrive in order). Every reducer is idempotent: a redelivered event changes nothing.
 */
@Injectable()
export class QueueHandlers {
  constructor(
    private readonly store: QueueStore,
    private readonly publisher: EventPublisher,
    @Inject('POLICY') private readonly policy: Policy,
  ) {}

  @EventHandler(Topics.ReviewRequested)
  async onRequested(event: IncomingEvent<typeof Topics.ReviewRequested>): Promise<void> {
    const traceparent = traceparentOf(event.traceContext);
    await this.store.change(event.data.caseId, (item) => {
      const next = onRequested(item, event.id, event.data, new Date());
      return next && traceparent && next.status === 'open' ? { ...next, trace: traceparent } : next;
    });
    await this.maybeExercise(event.data);
  }

  /**
   * After the sampled share of live requests (policy feedback.exercises.rate, chosen from the
   * case id), a calibration exercise for the same roles: a past case of the category where people
   * decided against the AI. Published as a review request like any other (the same event id on a
   * redelivery, so it is queued once).
   */
  private async maybeExercise(e: ReviewRequested): Promise<void> {
    const rate = this.policy.feedback.exercises.rate;
    if (rate <= 0 || !mayFollowWithExercise(e) || !inSample(e.caseId, rate, 'exercise:')) return;
    const entry = pick(await this.store.exercisePool(e.context.category), e.caseId);
    const source = entry && (await this.store.closedCase(entry.caseId));
    if (!entry || !source) return;
    // A trace of its own: it is not part of the case that happened to be sampled.
    await this.publisher.publish(Topics.ReviewRequested, exerciseRequest(source, entry, e.caseId, new Date()), { id: `exercise:${e.caseId}`, traceContext: contextOf(undefined) });
  }

  @EventHandler(Topics.ReviewDecided)
  async onDecided(event: IncomingEvent<typeof Topics.ReviewDecided>): Promise<void> {
    // Our own decisions come back here; the action already recorded them.
    if (this.store.view.get(event.data.caseId)?.votes.some((v) => v.decisionId === event.data.decisionId)) return;
    await this.store.change(event.data.caseId, (item) => onDecided(item, event.data, this.policy.arbitration));
  }

  @EventHandler(Topics.EscalationFired)
  async onEscalated(event: IncomingEvent<typeof Topics.EscalationFired>): Promise<void> {
    await this.store.change(event.data.caseId, (item) => onEscalated(item, event.id, event.data));
  }

  /**
   * Most final decisions are auto-approvals, which never were in the queue: they are skipped
   * without a lookup. The one kind that is (an audit of a sampled auto-approval) needs none: its
   * request tells the decision it checks (see onRequested), so the audit closes on its verdict. Batched, so a burst of auto-approvals costs one call per chunk. A consumer
   * group of its own (`hitl.review.finalized`): in the main group the auto-approvals waited behind
   * the queue's database writes for the other topics, and at 400 predictions/s fell 12,000 behind.
   */
  @EventHandler(Topics.DecisionFinalized, { batch: true, group: 'finalized' })
  async onFinalized(events: IncomingEvent<typeof Topics.DecisionFinalized>[]): Promise<void> {
    for (const event of events) {
      if (event.data.decidedBy === 'auto') continue;
      await this.store.change(event.data.caseId, (item) => onFinalized(item, event.id, event.data));
    }
  }
}
