import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { runService } from '@hitl/platform';
import { AppModule } from './app.module';

void runService({ name: 'routing', defaultHttpPort: 3002, module: AppModule.forRoot });
