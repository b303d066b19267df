import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { readConfig, readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { AppModule } from './app.module';
import { loadUsers } from './auth/users';
import { bodyParseErrors } from './http/body-errors';
import { reviewEnvSchema } from './review-settings';

const policy = readOrExit('review', () => loadPolicy());
const users = readOrExit('review', () => loadUsers(policy));
const settings = readOrExit('review', () => readConfig(reviewEnvSchema));

void runService({
  name: 'review',
  defaultHttpPort: 3000,
  module: (config) => AppModule.forRoot(config, policy, users, settings),
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.use(cookieParser());
    express.set('trust proxy', 'loopback, linklocal, uniquelocal'); // the client's address behind a Kubernetes ingress
    express.useBodyParser('json', { limit: '100kb' });
    express.useBodyParser('urlencoded', { extended: false, limit: '20kb' });
    express.use(bodyParseErrors);
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('HITL review API')
        .setDescription('The reviewer workbench: queue, case detail, claims and the four actions. Log in with POST /api/auth/login; the session is a cookie, or send the returned token as Authorization: Bearer.')
        .setVersion('1')
        .addCookieAuth('hitl_session')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  },
});
