import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@hitl/platform';

/** The routing service: review cases, tiers, quorum, final decisions (issue 4). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig): DynamicModule {
    return { module: AppModule };
  }
}
