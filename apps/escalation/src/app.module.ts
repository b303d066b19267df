import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@hitl/platform';

/** The escalation service: durable timers and the escalation ladder (issue 6). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig): DynamicModule {
    return { module: AppModule };
  }
}
