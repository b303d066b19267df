import { Topics } from '@hitl/contracts';
import { EventHandler, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { TrustStore } from './trust.store';

/** Feedback's trust updates; keyed by category, so one category's arrive in order. */
@Injectable()
export class TrustHandler {
  constructor(private readonly trust: TrustStore) {}

  @EventHandler(Topics.TrustUpdated, { group: 'learning' })
  async onUpdated(event: IncomingEvent<typeof Topics.TrustUpdated>): Promise<void> {
    await this.trust.apply(event.data);
  }
}
