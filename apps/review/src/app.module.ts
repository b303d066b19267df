import type { ServiceConfig } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { User } from './auth/users';
import { ReviewModule } from './review.module';
import type { ReviewSettings } from './review-settings';

/** The review service: the reviewers' door: queue, case detail, actions, web UI (issue 5). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig, policy: Policy, users: User[], settings: ReviewSettings): DynamicModule {
    return { module: AppModule, imports: [ReviewModule.register(policy, users, settings)] };
  }
}
