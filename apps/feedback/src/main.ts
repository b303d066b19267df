import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { readConfig, readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { AppModule } from './app.module';
import { feedbackEnvSchema } from './feedback-settings';

const policy = readOrExit('feedback', () => loadPolicy());
const settings = readOrExit('feedback', () => readConfig(feedbackEnvSchema));
void runService({ name: 'feedback', defaultHttpPort: 3004, module: (config) => AppModule.forRoot(config, policy, settings) });
