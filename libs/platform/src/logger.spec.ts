import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Writable } from 'node:stream';
import { shown } from './config/read-config';
import { createPino, messagingLogger, PinoLogger } from './logger';

/** The lines a logger wrote, parsed. */
function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('service logs (pino)', () => {
  it('one JSON object per line: level name, ISO time, service, context, message and fields', () => {
    const out = capture();
    const logger = new PinoLogger(createPino('hitl-routing', 'info', out.stream));
    logger.log({ message: 'ready', url: 'http://127.0.0.1:3002' }, 'bootstrap');
    logger.warn('slow', 'messaging');
    logger.debug('hidden below info');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', service: 'hitl-routing', context: 'bootstrap', message: 'ready', url: 'http://127.0.0.1:3002', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      expect.objectContaining({ level: 'warn', context: 'messaging', message: 'slow' }),
    ]);
  });

  it('inside a span, every line carries its trace_id and span_id', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const out = capture();
      const logger = messagingLogger(new PinoLogger(createPino('hitl-review', 'info', out.stream)));
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const spanId = '00f067aa0ba902b7';
      const active = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 });
      context.with(active, () => logger.info('handled', { topic: 'review.decided' }));
      logger.info('outside');
      const [inside, outside] = out.lines();
      expect(inside).toMatchObject({ trace_id: traceId, span_id: spanId, topic: 'review.decided', context: 'messaging' });
      expect(outside).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });

  it('never writes a password, secret, token or authorization header, wherever it sits', () => {
    const out = capture();
    const logger = new PinoLogger(createPino('hitl-review', 'info', out.stream));
    logger.log({ message: 'login', username: 'sam', password: 'review-demo' });
    logger.log({ message: 'request', headers: { authorization: 'Bearer eyJabc', cookie: 'hitl_session=s3cr3t' } });
    logger.log({ message: 'hook', hook: { url: 'https://x', secret: 'whsec_123' }, config: { session: { token: 't0k' } } });
    const text = JSON.stringify(out.lines());
    for (const secret of ['review-demo', 'eyJabc', 's3cr3t', 'whsec_123', 't0k']) expect(text).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({ username: 'sam', password: '[redacted]' });
  });
});

describe('a wrong setting is named, its secret value is not echoed', () => {
  it.each([
    ['REVIEW_SESSION_SECRET', 'too-short', 'a value of 9 characters'],
    ['WEBHOOK_TOKEN', 'abc', 'a value of 3 characters'],
    ['MONGODB_URI', 'mongodb://hitl:p4ssw0rd@db:27017/x?bad', '"mongodb://hitl:***@db:27017/x?bad"'],
    ['HTTP_PORT', '99999', '"99999"'],
  ])('%s', (variable, raw, expected) => {
    expect(shown(variable, raw)).toBe(expected);
  });
});
