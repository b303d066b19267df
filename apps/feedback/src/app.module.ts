import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@hitl/platform';

/** The feedback service: feedback records, override statistics, calibration (issue 7). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig): DynamicModule {
    return { module: AppModule };
  }
}
