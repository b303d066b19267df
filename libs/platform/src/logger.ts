import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { MessagingLogger } from '@hitl/messaging';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** JSON lines on stdout, one per event, so a log pipeline can parse them. */
export function createLogger(service: string, level: string): ConsoleLogger {
  const max = ORDER.indexOf(level === 'info' ? 'log' : (level as LogLevel));
  return new ConsoleLogger(service, { json: true, logLevels: ORDER.slice(0, max + 1), colors: false });
}

export function messagingLogger(logger: ConsoleLogger): MessagingLogger {
  const fmt = (message: string, meta?: Record<string, unknown>) => (meta ? { message, ...meta } : message);
  return {
    debug: (message, meta) => logger.debug(fmt(message, meta), 'messaging'),
    info: (message, meta) => logger.log(fmt(message, meta), 'messaging'),
    warn: (message, meta) => logger.warn(fmt(message, meta), 'messaging'),
    error: (message, meta) => logger.error(fmt(message, meta), undefined, 'messaging'),
  };
}
