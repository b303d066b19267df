import { Topics } from '@hitl/contracts';
import { EventHandler, type IncomingEvent } from '@hitl/messaging';
import { Injectable } from '@nestjs/common';
import { CalibrationStore } from './calibration.store';

/** Feedback's recalibrated thresholds; keyed by category, so one category's arrive in order. */
@Injectable()
export class CalibrationHandler {
  constructor(private readonly calibration: CalibrationStore) {}

  @EventHandler(Topics.ThresholdsCalibrated, { group: 'learning' })
  async onCalibrated(event: IncomingEvent<typeof Topics.ThresholdsCalibrated>): Promise<void> {
    await this.calibration.apply(event.id, event.data);
  }
}
