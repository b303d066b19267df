import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { AppModule } from './app.module';

const policy = readOrExit('routing', () => loadPolicy());
void runService({ name: 'routing', defaultHttpPort: 3002, module: (config) => AppModule.forRoot(config, policy) });
