import type { ServiceConfig } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import { RoutingModule } from './routing/routing.module';

/** The routing service: review cases, tiers, quorum, final decisions (issue 4). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig, policy: Policy): DynamicModule {
    return { module: AppModule, imports: [RoutingModule.register(policy)] };
  }
}
