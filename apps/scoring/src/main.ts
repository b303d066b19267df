import './tracing'; // first: the OpenTelemetry SDK must start before anything it instruments is loaded
import { runService } from '@hitl/platform';
import { AppModule } from './app.module';

void runService({ name: 'scoring', defaultHttpPort: 3001, module: AppModule.forRoot });
