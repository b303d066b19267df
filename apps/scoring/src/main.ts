import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { HOP_CONSUMER_CONCURRENCY, runService } from '@hitl/platform';
import { AppModule } from './app.module';
import { readStartupOrExit } from './startup';

const { policy, settings } = readStartupOrExit('scoring');
void runService({ name: 'scoring', defaultHttpPort: 3001, defaultConsumerConcurrency: HOP_CONSUMER_CONCURRENCY, module: (config) => AppModule.forRoot(config, policy, settings) });
