import type { LoggerService, LogLevel } from '@nestjs/common';
import type { MessagingLogger } from '@hitl/messaging';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Keys whose values never reach a log line, wherever they appear in a logged object (up to two
 * levels deep): passwords, secrets, tokens, credentials, cookies, authorization headers.
 */
export const REDACTED_KEYS = ['password', 'passwd', 'secret', 'token', 'accessToken', 'refreshToken', 'authorization', 'cookie', 'apiKey', 'credentials', 'sessionSecret'];
const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

const NEST_TO_PINO: Record<LogLevel, pino.Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** The case and trace of the work in progress: every line logged inside a handler or request carries them. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  // The SDK's spans expose their attributes; the API's interface does not (a non-recording span has none).
  const caseId = (span as unknown as { attributes?: Record<string, unknown> }).attributes?.['hitl.case_id'];
  return { trace_id: ctx.traceId, span_id: ctx.spanId, ...(typeof caseId === 'string' ? { caseId } : {}) };
}

/** The pino instance every service logs through: JSON lines, ISO time, level names, redaction, trace ids. */
export function createPino(service: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level: level === 'log' ? 'info' : level === 'verbose' ? 'trace' : level,
      messageKey: 'message',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * Nest's logger, on pino: `logger.log({ message, ...fields }, context)` or `logger.log(text,
 * context)`; errors keep their stack. One JSON object per line on stdout.
 */
export class PinoLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  private write(level: LogLevel, message: unknown, context?: string, stack?: string): void {
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields.stack = stack;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      const { message: text, ...rest } = message as Record<string, unknown>;
      this.pino[NEST_TO_PINO[level]]({ ...rest, ...fields }, typeof text === 'string' ? text : '');
    } else if (message instanceof Error) {
      this.pino[NEST_TO_PINO[level]]({ ...fields, err: message }, message.message);
    } else {
      this.pino[NEST_TO_PINO[level]](fields, String(message));
    }
  }

  log(message: unknown, context?: string): void {
    this.write('log', message, context);
  }

  error(message: unknown, stack?: string, context?: string): void {
    this.write('error', message, context, stack);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('verbose', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }
}

export function createLogger(service: string, level: string): PinoLogger {
  return new PinoLogger(createPino(service, level));
}

export function messagingLogger(logger: PinoLogger): MessagingLogger {
  const child = logger.pino.child({ context: 'messaging' });
  return {
    debug: (message, meta) => child.debug(meta ?? {}, message),
    info: (message, meta) => child.info(meta ?? {}, message),
    warn: (message, meta) => child.warn(meta ?? {}, message),
    error: (message, meta) => child.error(meta ?? {}, message),
  };
}
