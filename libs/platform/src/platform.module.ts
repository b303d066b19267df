import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule, resolveOptions, type MessagingLogger } from '@hitl/messaging';
import type { ServiceConfig } from './config/service-config';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { stopTracing } from './tracing';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** What every service has: its config, Kafka (publisher + @EventHandler consumers), its database, health. */
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  static forRoot(config: ServiceConfig, logger: MessagingLogger): DynamicModule {
    const messaging = resolveOptions({
      brokers: config.KAFKA_BROKERS,
      clientId: `hitl/${config.SERVICE_NAME}`,
      topicPrefix: config.TOPIC_PREFIX,
      retry: {
        maxAttempts: config.CONSUMER_RETRY_MAX_ATTEMPTS,
        initialBackoffMs: config.CONSUMER_RETRY_BACKOFF_MS,
        maxBackoffMs: config.CONSUMER_RETRY_MAX_BACKOFF_MS,
      },
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      connectionTimeoutMs: config.KAFKA_CONNECTION_TIMEOUT_MS,
      logger,
    });
    return {
      module: PlatformModule,
      global: true,
      imports: [
        TerminusModule,
        MessagingModule.forRoot({
          ...messaging,
          groupId: `${config.TOPIC_PREFIX}hitl.${config.SERVICE_NAME}`,
          partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
          sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
        }),
        DatabaseModule.forRoot(config.MONGODB_URI),
      ],
      controllers: [HealthController],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }

  /** Last, so the spans of the drain itself are flushed. */
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
