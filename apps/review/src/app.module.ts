import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@hitl/platform';

/** The review service: the reviewers' door: queue, case detail, actions (issue 5). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig): DynamicModule {
    return { module: AppModule };
  }
}
