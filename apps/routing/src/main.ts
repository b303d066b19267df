import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { HOP_CONSUMER_CONCURRENCY, readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { AppModule } from './app.module';

const policy = readOrExit('routing', () => loadPolicy());
void runService({ name: 'routing', defaultHttpPort: 3002, defaultConsumerConcurrency: HOP_CONSUMER_CONCURRENCY, module: (config) => AppModule.forRoot(config, policy) });
