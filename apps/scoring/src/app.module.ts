import type { ServiceConfig } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { ScoringSettings } from './scoring-settings';
import { ScoringModule } from './scoring/scoring.module';

/** The scoring service: trust score, factors and band of every prediction (issue 4). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig, policy: Policy, settings: ScoringSettings): DynamicModule {
    return { module: AppModule, imports: [ScoringModule.register(policy, settings)] };
  }
}
