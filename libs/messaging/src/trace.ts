import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

// Span and attribute names follow the OpenTelemetry messaging semantic conventions
// (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/): "<operation> <destination>".
const tracer = () => trace.getTracer('@hitl/messaging');

export const MessagingAttr = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  partition: 'messaging.destination.partition.id',
  offset: 'messaging.kafka.offset',
  key: 'messaging.kafka.message.key',
  messageId: 'messaging.message.id',
  group: 'messaging.consumer.group.name',
  batchCount: 'messaging.batch.message_count',
  caseId: 'hitl.case_id',
} as const;

const getter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key],
};

/** W3C trace context (traceparent/tracestate) carried in Kafka headers. */
export function extractContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}

export function injectContext(ctx: Context, headers: Record<string, string>): void {
  propagation.inject(ctx, headers);
}

/**
 * A case's trace context as one string (the W3C traceparent), for state that outlives the
 * message that brought it: a review waiting for a person, a deadline waiting for its time. The
 * event sent when it is acted on continues the case's trace (`contextOf`).
 */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a stored traceparent stands for; none (or an invalid one): a new trace. */
export function contextOf(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }, getter) : ROOT_CONTEXT;
}

/**
 * A send in the trace of `parent`. When that is another trace than the active one (a reviewer's
 * HTTP request acting on a case, a batch handler sending about one case), the send links to the
 * active span, so the case's trace leads to the request or batch that caused it.
 */
export function startSendSpan(topic: string, count: number, parent: Context = otelContext.active()): Span {
  const active = trace.getSpan(otelContext.active())?.spanContext();
  const links = active && trace.getSpan(parent)?.spanContext().traceId !== active.traceId ? [{ context: active }] : [];
  return tracer().startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      links,
      attributes: {
        [MessagingAttr.system]: 'kafka',
        [MessagingAttr.destination]: topic,
        [MessagingAttr.operationType]: 'send',
        [MessagingAttr.operationName]: 'send',
        ...(count > 1 ? { [MessagingAttr.batchCount]: count } : {}),
      },
    },
    parent,
  );
}

export interface ProcessSpanInfo {
  topic: string;
  group: string;
  partition: number;
  offset?: string;
  key?: string | null;
  messageId?: string;
  count?: number;
}

/** eachMessage continues the producer's trace (parent); a batch links to every message. */
export function startProcessSpan(info: ProcessSpanInfo, parent: Context, links: Link[] = []): Span {
  return tracer().startSpan(
    `process ${info.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        [MessagingAttr.system]: 'kafka',
        [MessagingAttr.destination]: info.topic,
        [MessagingAttr.operationType]: 'process',
        [MessagingAttr.operationName]: 'process',
        [MessagingAttr.group]: info.group,
        [MessagingAttr.partition]: String(info.partition),
        ...(info.offset !== undefined ? { [MessagingAttr.offset]: Number(info.offset) } : {}),
        ...(info.key ? { [MessagingAttr.key]: info.key, [MessagingAttr.caseId]: info.key } : {}),
        ...(info.messageId ? { [MessagingAttr.messageId]: info.messageId } : {}),
        ...(info.count !== undefined ? { [MessagingAttr.batchCount]: info.count } : {}),
      },
    },
    parent,
  );
}

export function linkTo(ctx: Context): Link | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext ? { context: spanContext } : undefined;
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

export function withSpan<T>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
  return otelContext.with(trace.setSpan(parent, span), fn);
}
