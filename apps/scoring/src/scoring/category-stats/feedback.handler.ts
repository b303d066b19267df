import { Topics } from '@hitl/contracts';
import { EventHandler, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { CategoryStatsStore } from './category-stats.store';

/**
 * Human decisions (feedback.captured) are the labelled cases training-data coverage counts.
 * Batched: one database round trip per chunk. Its own consumer group (`learning`), not the
 * transformer's: one kafkajs group must not mix members subscribed to different topics.
 */
@Injectable()
export class FeedbackHandler {
  constructor(private readonly stats: CategoryStatsStore) {}

  @EventHandler(Topics.FeedbackCaptured, { batch: true, group: 'learning' })
  async onFeedback(events: IncomingEvent<typeof Topics.FeedbackCaptured>[]): Promise<void> {
    await this.stats.recordLabelled(events.map((event) => event.data));
  }
}
