import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { readConfig, readOrExit, runService } from '@hitl/platform';
import { loadPolicy } from '@hitl/policy';
import { AppModule } from './app.module';
import { escalationEnvSchema } from './escalation-settings';
import { loadWebhooks } from './notify/notifier';

const policy = readOrExit('escalation', () => loadPolicy());
const settings = readOrExit('escalation', () => readConfig(escalationEnvSchema));
const webhooks = readOrExit('escalation', () => loadWebhooks());
void runService({ name: 'escalation', defaultHttpPort: 3003, module: (config) => AppModule.forRoot(config, policy, settings, webhooks) });
