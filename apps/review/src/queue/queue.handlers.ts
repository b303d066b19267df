import { Topics } from '@hitl/contracts';
import { EventHandler, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { onDecided, onEscalated, onFinalized, onRequested } from './queue-item';
import { QueueStore } from './queue-store';

/**
 * Keeps the read model of the queue from the events (keyed by case, so one case's events of a
 * topic arrive in order). Every reducer is idempotent: a redelivered event changes nothing.
 */
@Injectable()
export class QueueHandlers {
  constructor(private readonly store: QueueStore) {}

  @EventHandler(Topics.ReviewRequested)
  async onRequested(event: IncomingEvent<typeof Topics.ReviewRequested>): Promise<void> {
    await this.store.change(event.data.caseId, (item) => onRequested(item, event.id, event.data, new Date()));
  }

  @EventHandler(Topics.ReviewDecided)
  async onDecided(event: IncomingEvent<typeof Topics.ReviewDecided>): Promise<void> {
    // Our own decisions come back here; the action already recorded them.
    if (this.store.view.get(event.data.caseId)?.votes.some((v) => v.decisionId === event.data.decisionId)) return;
    await this.store.change(event.data.caseId, (item) => onDecided(item, event.data));
  }

  @EventHandler(Topics.EscalationFired)
  async onEscalated(event: IncomingEvent<typeof Topics.EscalationFired>): Promise<void> {
    await this.store.change(event.data.caseId, (item) => onEscalated(item, event.id, event.data));
  }

  /**
   * Most final decisions are auto-approvals, which never were in the queue: they are skipped
   * without a lookup. Batched, so a burst of auto-approvals costs one call per chunk.
   */
  @EventHandler(Topics.DecisionFinalized, { batch: true })
  async onFinalized(events: IncomingEvent<typeof Topics.DecisionFinalized>[]): Promise<void> {
    for (const event of events) {
      if (event.data.decidedBy === 'auto') continue;
      await this.store.change(event.data.caseId, (item) => onFinalized(item, event.id, event.data));
    }
  }
}
