import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ScoringSettings } from '../../scoring-settings';
import { CalibrationStore } from '../calibration/calibration.store';
import { CategoryStatsStore } from '../category-stats/category-stats.store';
import { SCORING_SETTINGS } from '../tokens';
import { TrustStore } from '../trust/trust.store';

/**
 * Every SCORING_SYNC_INTERVAL_MS: flush the category statistics, pull other replicas' labelled
 * cases, calibrations and trust updates. Stopped (with a last flush) by the hop once it stopped scoring, so no
 * observation is made after the last flush.
 */
@Injectable()
export class PeriodicSync implements OnApplicationBootstrap {
  private readonly logger = new Logger('PeriodicSync');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(SCORING_SETTINGS) private readonly settings: ScoringSettings,
    private readonly stats: CategoryStatsStore,
    private readonly calibration: CalibrationStore,
    private readonly trust: TrustStore,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.settings.SCORING_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer, waits for a run in flight, and flushes one last time. */
  async stopAndFlush(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.stats.sync();
  }

  private async runOnce(): Promise<void> {
    if (this.running) return; // a slow database: skip a beat rather than pile up
    this.running = Promise.all([this.stats.sync(), this.calibration.refresh(), this.trust.refresh()])
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ message: 'sync failed; will retry', error: error instanceof Error ? error.message : String(error) }))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
