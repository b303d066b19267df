import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ScoringSettings } from '../scoring-settings';
import { CalibrationHandler } from './calibration/calibration.handler';
import { CalibrationStore } from './calibration/calibration.store';
import { CategoryStatsStore } from './category-stats/category-stats.store';
import { FeedbackHandler } from './category-stats/feedback.handler';
import { PeriodicSync } from './hop/periodic-sync';
import { Scorer } from './hop/scorer';
import { ScoringHop } from './hop/scoring-hop';
import { POLICY, SCORING_SETTINGS } from './tokens';
import { TrustHandler } from './trust/trust.handler';
import { TrustStore } from './trust/trust.store';

/** Scoring: the hop, its in-memory state and the handlers that feed it. Only wiring. */
@Module({})
export class ScoringModule {
  static register(policy: Policy, settings: ScoringSettings): DynamicModule {
    return {
      module: ScoringModule,
      providers: [
        { provide: POLICY, useValue: policy },
        { provide: SCORING_SETTINGS, useValue: settings },
        CategoryStatsStore,
        CalibrationStore,
        TrustStore,
        Scorer,
        PeriodicSync,
        ScoringHop,
        FeedbackHandler,
        CalibrationHandler,
        TrustHandler,
      ],
    };
  }
}
