import { Topics } from '@hitl/contracts';
import { EventHandler, traceparentOf, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { Escalator } from './escalator';

@Injectable()
export class EscalationHandlers {
  constructor(private readonly escalator: Escalator) {}

  /** In batches: the ladders of many requests go into their buckets in one append each. */
  @EventHandler(Topics.ReviewRequested, { batch: true })
  async onRequested(events: IncomingEvent<typeof Topics.ReviewRequested>[]): Promise<void> {
    // With each request, its case's trace: its deadlines fire into it, however much later.
    await this.escalator.requested(events.map((e) => e.data), events.map((e) => traceparentOf(e.traceContext)));
  }

  @EventHandler(Topics.ReviewDecided)
  async onDecided(event: IncomingEvent<typeof Topics.ReviewDecided>): Promise<void> {
    const d = event.data;
    await this.escalator.decided(d.caseId, d.round, d.action, d.decisionId, d.decidedAt, d.reason);
  }

  /** Auto-approvals never had a ladder: skipped without a lookup. */
  @EventHandler(Topics.DecisionFinalized, { batch: true })
  async onFinalized(events: IncomingEvent<typeof Topics.DecisionFinalized>[]): Promise<void> {
    for (const event of events) if (event.data.decidedBy !== 'auto') await this.escalator.finalized(event.data.caseId);
  }
}
