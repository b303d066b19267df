import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { QueueStore } from '../queue/queue-store';
import { REVIEW_SETTINGS, type ReviewSettings } from '../review-settings';

/**
 * Loads the queue view at start-up and reloads it every REVIEW_VIEW_REFRESH_MS, so what other
 * replicas wrote (their reviewers' claims, their consumers' partitions) reaches this replica's
 * queue and open pages. With one replica every change already passes through it.
 */
@Injectable()
export class QueueRefresh implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueRefresh');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly store: QueueStore,
    @Inject(REVIEW_SETTINGS) private readonly settings: ReviewSettings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.reloadView();
    this.logger.log(`queue view loaded: ${this.store.view.size} case(s) not yet finalized`);
    this.timer = setInterval(() => void this.refresh(), this.settings.REVIEW_VIEW_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.store.view.changes.complete();
  }

  private async refresh(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.store.reloadView();
    } catch (error) {
      this.logger.warn(`reloading the queue view failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
