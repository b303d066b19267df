import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { contextOf, traceparentOf } from './trace';

describe('a case trace kept as a string (a review waiting, a deadline stored)', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';

  it('round-trips through the W3C traceparent', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 });
    const stored = traceparentOf(ctx);
    expect(stored).toBe(`00-${traceId}-${spanId}-01`);
    expect(trace.getSpanContext(contextOf(stored))).toMatchObject({ traceId, spanId, isRemote: true });
  });

  it('nothing stored, or nonsense stored: a new trace, never an error', () => {
    expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
    expect(trace.getSpanContext(contextOf(undefined))).toBeUndefined();
    expect(trace.getSpanContext(contextOf('not-a-traceparent'))).toBeUndefined();
  });
});
