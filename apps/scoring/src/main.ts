import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { runService } from '@hitl/platform';
import { AppModule } from './app.module';
import { readStartupOrExit } from './startup';

const { policy, settings } = readStartupOrExit('scoring');
void runService({ name: 'scoring', defaultHttpPort: 3001, module: (config) => AppModule.forRoot(config, policy, settings) });
