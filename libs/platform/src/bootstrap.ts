import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { readConfig } from './config/read-config';
import { readOrExit } from './startup';
import { serviceEnvSchema, type ServiceConfig } from './config/service-config';
import { createLogger, messagingLogger } from './logger';
import { PlatformModule } from './platform.module';

export interface ServiceDefinition {
  name: string;
  defaultHttpPort: number;
  /** CONSUMER_CONCURRENCY when unset (2 if not given). */
  defaultConsumerConcurrency?: number;
  /** The app's own module; the platform (config, Kafka, database, health) is wired around it. */
  module: (config: ServiceConfig) => DynamicModule;
  /** HTTP set-up before listening (middleware, OpenAPI document), for services that serve people. */
  configure?: (app: INestApplication, config: ServiceConfig) => void | Promise<void>;
}


/**
 * Starts one service: validates the environment (a wrong value stops it, naming the variable),
 * boots Nest with Kafka, the database and health endpoints, and drains on SIGTERM/SIGINT.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const config = readOrExit(definition.name, () => readConfig(serviceEnvSchema({ name: definition.name, httpPort: definition.defaultHttpPort, consumerConcurrency: definition.defaultConsumerConcurrency })));
  const logger = createLogger(`hitl-${config.SERVICE_NAME}`, config.LOG_LEVEL);
  try {
    const app = await NestFactory.create(
      { module: class ServiceRoot {}, imports: [PlatformModule.forRoot(config, messagingLogger(logger)), definition.module(config)] },
      { logger, abortOnError: false },
    );
    // Our own signal handling rather than enableShutdownHooks: Nest would re-raise the signal
    // after closing, so a clean drain would look like a kill to the parent; we exit 0 instead.
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) return;
      closing = true;
      logger.log({ message: 'shutdown requested: draining consumers', signal }, 'bootstrap');
      // Last resort if draining hangs: leave before Kubernetes' terminationGracePeriod does it for us.
      setTimeout(() => {
        logger.error('shutdown timed out', undefined, 'bootstrap');
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS + 5_000).unref();
      app.close().then(
        () => {
          logger.log('stopped cleanly', 'bootstrap');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ message: 'shutdown failed', error: error instanceof Error ? error.message : String(error) }, undefined, 'bootstrap');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    hardenHttp(app as NestExpressApplication);
    await definition.configure?.(app, config);
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
    const url = await app.getUrl();
    logger.log({ message: 'ready', url, kafka: config.KAFKA_BROKERS.join(','), pid: process.pid }, 'bootstrap');
  } catch (error) {
    logger.fatal({ message: 'failed to start', error: error instanceof Error ? error.message : String(error) }, 'bootstrap');
    process.exit(1);
  }
}

/**
 * The ecosystem's standard response headers (helmet) on every route of every service, pages and
 * API alike: a Content-Security-Policy that runs no inline script (scripts only from the service
 * itself; the workbench's pages load theirs from /assets), no framing (frame-ancestors 'none' and
 * X-Frame-Options DENY), nosniff, no referrer, and no X-Powered-By. Inline style attributes stay
 * allowed (the factor bars set their width). No upgrade-insecure-requests: `npm start` serves
 * plain HTTP on 127.0.0.1, and TLS ends at the Kubernetes ingress.
 */
export function hardenHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // Not sent: what only matters over HTTPS or to old browsers, which the Kubernetes ingress
      // (TLS ends there) sets if wanted. Every header costs bytes on each queue read: with all of
      // helmet's defaults bench:review read the queue a third slower.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
}
