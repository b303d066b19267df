import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { AppModule } from './app.module';

const policy = readOrExit('feedback', () => loadPolicy());
void runService({ name: 'feedback', defaultHttpPort: 3004, module: (config) => AppModule.forRoot(config, policy) });
