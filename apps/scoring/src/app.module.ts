import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@hitl/platform';

/** The scoring service: trust score, factors and band of every prediction (issue 4). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig): DynamicModule {
    return { module: AppModule };
  }
}
