import { DB_CONNECTION, type ServiceConfig } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { FEEDBACK_SETTINGS, type FeedbackSettings } from './feedback-settings';
import { FeedbackHandlers } from './feedback.handlers';
import { FeedbackService, POLICY } from './feedback.service';
import { HealthMetricsController } from './health.controller';
import { FeedbackStore } from './store/feedback-store';
import { TrustLoop } from './trust/trust-loop';

/** The feedback service: feedback records, health metrics, retraining triggers (issue 7). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig, policy: Policy, settings: FeedbackSettings): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthMetricsController],
      providers: [
        { provide: POLICY, useValue: policy },
        { provide: FEEDBACK_SETTINGS, useValue: settings },
        { provide: FeedbackStore, useFactory: (db: Connection) => new FeedbackStore(db.db!), inject: [DB_CONNECTION] },
        TrustLoop,
        FeedbackService,
        FeedbackHandlers,
      ],
    };
  }
}
