import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { runService } from '@hitl/platform';
import { AppModule } from './app.module';

void runService({ name: 'escalation', defaultHttpPort: 3003, module: AppModule.forRoot });
