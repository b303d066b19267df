import { Topics } from '@hitl/contracts';
import { EventHandler, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { FeedbackService } from './feedback.service';
import { TrustLoop } from './trust/trust-loop';

@Injectable()
export class FeedbackHandlers {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly trust: TrustLoop,
  ) {}

  /** An admin stops or restarts automation of a category and model. */
  @EventHandler(Topics.TrustControl)
  async onTrustControl(event: IncomingEvent<typeof Topics.TrustControl>): Promise<void> {
    await this.trust.control(event.data);
  }

  @EventHandler(Topics.ReviewRequested, { batch: true })
  async onRequested(events: IncomingEvent<typeof Topics.ReviewRequested>[]): Promise<void> {
    await this.feedback.requested(events);
  }

  /** Human decisions a batch at a time: one write per day document for the batch. */
  @EventHandler(Topics.ReviewDecided, { batch: true })
  async onDecided(events: IncomingEvent<typeof Topics.ReviewDecided>[]): Promise<void> {
    await this.feedback.decidedMany(events);
  }

  @EventHandler(Topics.EscalationFired)
  async onEscalated(event: IncomingEvent<typeof Topics.EscalationFired>): Promise<void> {
    await this.feedback.escalated(event);
  }

  /** Every final decision, auto ones included: counted a batch at a time. */
  @EventHandler(Topics.DecisionFinalized, { batch: true })
  async onFinalized(events: IncomingEvent<typeof Topics.DecisionFinalized>[]): Promise<void> {
    await this.feedback.finalized(events);
  }
}
