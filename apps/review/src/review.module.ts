import { DB_CONNECTION, ServiceMetrics } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { AUDIT_TRAIL, type AuditRecord, type AuditTrail } from './audit-trail';
import { AuditLog, AuditModule } from './audit';
import { AuthController } from './auth/auth.controller';
import { AUTHENTICATOR, PasswordAuthenticator } from './auth/authenticator';
import { LoginService } from './auth/login.service';
import { Sessions } from './auth/session';
import { SessionGuard } from './auth/session.guard';
import { directoryOf, REVIEWER_DIRECTORY } from './auth/reviewer-directory';
import type { User } from './auth/users';
import { AutomationController } from './automation/automation.controller';
import { CasesController } from './cases/cases.controller';
import { ReviewService } from './cases/review.service';
import { registerQueueMetrics } from './queue/queue-metrics';
import { QueueStore } from './queue/queue-store';
import { QueueHandlers } from './queue/queue.handlers';
import { REVIEW_SETTINGS, type ReviewSettings } from './review-settings';
import { QueueRefresh } from './stream/queue-refresh';
import { StreamController } from './stream/stream.controller';
import { UiController } from './ui/ui.controller';

/** The hash-chained audit log as the reviewer-facing code records into it. */
function chainedTrail(log: AuditLog): AuditTrail {
  return {
    record: async (r: AuditRecord) => {
      await log.append({
        actor: r.actor ? { userId: r.actor.id, roles: r.actor.roles } : { userId: null },
        action: r.action,
        ...(r.target ? { target: r.target } : {}),
        from: r.from,
        ...(r.details ? { details: r.details } : {}),
      });
    },
  };
}

@Module({})
export class ReviewModule {
  static register(policy: Policy, users: User[], settings: ReviewSettings): DynamicModule {
    return {
      module: ReviewModule,
      imports: [AuditModule],
      controllers: [AuthController, CasesController, AutomationController, StreamController, UiController],
      providers: [
        { provide: REVIEW_SETTINGS, useValue: settings },
        {
          provide: QueueStore,
          useFactory: (db: Connection, metrics: ServiceMetrics) => {
            const store = new QueueStore(db.collection('queue'), db.collection('closed'), db.collection('past_cases'), db.collection('queue_claims'));
            registerQueueMetrics(metrics.registry, store.view);
            return store;
          },
          inject: [DB_CONNECTION, ServiceMetrics],
        },
        { provide: AUTHENTICATOR, useValue: new PasswordAuthenticator(users) },
        { provide: REVIEWER_DIRECTORY, useValue: directoryOf(users) },
        // Without a configured secret, a random one: sessions then end on restart (npm start's case).
        {
          provide: Sessions,
          useFactory: (db: Connection) => new Sessions(settings.REVIEW_SESSION_SECRET ?? randomBytes(32).toString('hex'), settings.REVIEW_SESSION_TTL_MINUTES, db.collection<{ _id: string; expiresAt: Date }>('ended_sessions')),
          inject: [DB_CONNECTION],
        },
        { provide: AUDIT_TRAIL, useFactory: chainedTrail, inject: [AuditLog] },
        { provide: 'POLICY', useValue: policy },
        SessionGuard,
        LoginService,
        ReviewService,
        QueueHandlers,
        QueueRefresh,
      ],
    };
  }
}
