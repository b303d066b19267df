import { DB_CONNECTION, ServiceMetrics, type ServiceConfig } from '@hitl/platform';
import { Counter } from 'prom-client';
import type { Policy } from '@hitl/policy';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { ESCALATION_SETTINGS, type EscalationSettings } from './escalation-settings';
import { EscalationHandlers } from './escalation/escalation.handlers';
import { Escalator, POLICY } from './escalation/escalator';
import { registerTimerMetrics } from './escalation/timer-metrics';
import { TimerStore } from './escalation/timer-store';
import { Notifier, type DeliveryAttempt, type PendingDelivery, type Webhook } from './notify/notifier';

/** The escalation service: durable timers and the escalation ladder (issue 6). Only wiring lives here. */
@Module({})
export class AppModule {
  static forRoot(_config: ServiceConfig, policy: Policy, settings: EscalationSettings, webhooks: Webhook[]): DynamicModule {
    return {
      module: AppModule,
      providers: [
        { provide: POLICY, useValue: policy },
        { provide: ESCALATION_SETTINGS, useValue: settings },
        { provide: TimerStore, useFactory: (db: Connection) => new TimerStore(db.db!, settings.ESCALATION_BUCKET_MS), inject: [DB_CONNECTION] },
        {
          provide: Notifier,
          useFactory: (db: Connection, metrics: ServiceMetrics) => {
            const attempts = new Counter({ name: 'hitl_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome (delivered: a 2xx answer; failed: anything else, retried with backoff).', labelNames: ['outcome'], registers: [metrics.registry] });
            return new Notifier(webhooks, db.collection<DeliveryAttempt>('webhook_deliveries'), {
              maxAttempts: settings.ESCALATION_WEBHOOK_MAX_ATTEMPTS,
              initialBackoffMs: settings.ESCALATION_WEBHOOK_BACKOFF_MS,
              timeoutMs: settings.ESCALATION_WEBHOOK_TIMEOUT_MS,
              onAttempt: (delivered) => attempts.inc({ outcome: delivered ? 'delivered' : 'failed' }),
            }, db.collection<PendingDelivery>('webhook_outbox'));
          },
          inject: [DB_CONNECTION, ServiceMetrics],
        },
        Escalator,
        {
          provide: 'TIMER_METRICS',
          useFactory: (metrics: ServiceMetrics, escalator: Escalator, store: TimerStore) => registerTimerMetrics(metrics.registry, escalator, store, settings.ESCALATION_PENDING_SCAN_MS),
          inject: [ServiceMetrics, Escalator, TimerStore],
        },
        EscalationHandlers,
      ],
    };
  }
}
