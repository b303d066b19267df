// Loaded first by every app's main.ts (through the app's own tracing.ts), before Nest, kafkajs
// or mongoose are required, so instrumentations added later can patch them.
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';

let shutdown: (() => Promise<void>) | undefined;

function exporterConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * A MongoDB command as db.query.text: its keys two levels deep, no values, arrays as their length
 * (`{"update":"?","updates":"[500]"}`). The instrumentation's default walks every document of
 * the command to blank its values: on the auto path (inserts and updates of 500 cases at once)
 * that cost routing 60 % more CPU per decision in `npm run bench:auto`.
 */
export function commandShape(command: Record<string, unknown>): string {
  const level = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return `[${value.length}]`;
    if (value === null || typeof value !== 'object') return '?';
    if (depth === 0) return '{…}';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, level(v, depth - 1)]));
  };
  return JSON.stringify(level(command, 2));
}

/** Kubernetes' probes and Prometheus' scrapes: a span each every few seconds, telling nothing. */
const NOISE = /^\/(health\/|metrics$)/;

/**
 * The libraries a case passes through: incoming and outgoing HTTP (the review API, webhooks),
 * Nest's controllers and handlers, and every MongoDB command (mongoose goes through the driver;
 * only the command's shape is recorded, never values: they may hold personal data).
 *
 * Kafka is traced by the messaging core itself (libs/messaging/src/trace.ts), not by
 * @opentelemetry/instrumentation-kafkajs: that one (0.33) parents every send span to whatever
 * context is active and writes its own traceparent over the message's, and starts each consumed
 * batch as a new root. A batch holds many cases, so each case's trace came apart: with it on,
 * all three tests of e2e/trace.e2e-spec.ts failed. The core gives each message its own parent,
 * in batches and Kafka transactions too, with the same messaging semantic conventions.
 */
export function instrumentations(env: NodeJS.ProcessEnv = process.env) {
  // The variable @opentelemetry/auto-instrumentations-node reads: e.g. "mongodb" or "http,nestjs-core".
  const disabled = new Set((env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '').split(',').map((s) => s.trim()));
  const all = {
    http: () => new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => NOISE.test(request.url ?? '') }),
    'nestjs-core': () => new NestInstrumentation(),
    mongodb: () => new MongoDBInstrumentation({ dbStatementSerializer: commandShape }),
  };
  return Object.entries(all)
    .filter(([name]) => !disabled.has(name))
    .map(([, make]) => make());
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
    instrumentations: instrumentations(env),
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
