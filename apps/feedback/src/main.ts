import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { runService } from '@hitl/platform';
import { AppModule } from './app.module';

void runService({ name: 'feedback', defaultHttpPort: 3004, module: AppModule.forRoot });
