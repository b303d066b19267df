// Loaded first by every app's main.ts (through the app's own tracing.ts), before Nest, kafkajs
// or mongoose are required, so instrumentations added later can patch them.
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';

let shutdown: (() => Promise<void>) | undefined;

function exporterConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry SDK for one service. Export is configured by the standard OTEL_*
 * variables; with none set, spans are
 * created (a no-op processor keeps ids flowing in message headers) but not sent.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (shutdown || env.OTEL_SDK_DISABLED === 'true') return;
  const sdk = startNodeSdk({
    resourceAttributes: { 'service.name': env.OTEL_SERVICE_NAME ?? `hitl-${serviceName}`, 'service.namespace': 'hitl' },
    ...(exporterConfigured(env) ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
    metricReaders: [],
    logRecordProcessors: [],
  });
  shutdown = sdk.shutdown;
}

export async function stopTracing(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}
