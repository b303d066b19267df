import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule, resolveOptions, type MessagingLogger } from '@hitl/messaging';
import type { ServiceConfig } from './config/service-config';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { ServiceMetrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { stopTracing } from './tracing';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** What every service has: its config, Kafka (publisher + @EventHandler consumers), its database, health. */
@Module({})
export class PlatformModule implements OnApplicationShutdown, NestModule {
  static forRoot(config: ServiceConfig, logger: MessagingLogger): DynamicModule {
    const metrics = new ServiceMetrics(`hitl-${config.SERVICE_NAME}`);
    const messaging = resolveOptions({
      metrics: metrics.messaging,
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
      client: config.KAFKA_CLIENT,
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
          maxChunk: config.CONSUMER_MAX_CHUNK,
          sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
        }),
        DatabaseModule.forRoot(config.MONGODB_URI),
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }, { provide: ServiceMetrics, useValue: metrics }, HttpMetricsMiddleware],
      exports: [SERVICE_CONFIG, ServiceMetrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  /** Last, so the spans of the drain itself are flushed. */
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
