import { startTracing } from '@hitl/platform/tracing';

startTracing('review');
