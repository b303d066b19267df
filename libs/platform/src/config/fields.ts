import { z } from 'zod';

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** "host:port[,host:port...]" → string[]; each port 1..65535. */
export const brokerList = z
  .string()
  .transform((value, ctx) => {
    const brokers = value.split(',').map((b) => b.trim()).filter(Boolean);
    const bad = brokers.find((b) => {
      const m = HOST_PORT.exec(b);
      return !m || Number(m[2]) < 1 || Number(m[2]) > 65_535;
    });
    if (brokers.length === 0 || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a comma-separated list of host:port${bad ? `; "${bad}" is not one` : ''}` });
      return z.NEVER;
    }
    return brokers;
  });

export const mongoUri = z
  .string()
  .refine((v) => /^mongodb(\+srv)?:\/\/[^/]+/.test(v), { message: 'expected a mongodb:// or mongodb+srv:// URI' });

export const port = z.coerce
  .number({ message: 'expected a port number' })
  .int({ message: 'expected an integer port' })
  .min(0, { message: 'expected a port in 0..65535' })
  .max(65_535, { message: 'expected a port in 0..65535' });

export const positiveInt = (max = 1_000_000) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int({ message: 'expected an integer' })
    .min(1, { message: 'expected an integer >= 1' })
    .max(max, { message: `expected an integer <= ${max}` });

export const topicPrefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]*$/, { message: 'expected letters, digits, ".", "_" or "-"' })
  .max(100);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'verbose']);
