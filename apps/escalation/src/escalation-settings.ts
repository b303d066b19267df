import { positiveInt } from '@hitl/platform';
import { z } from 'zod';

export const ESCALATION_SETTINGS = Symbol('ESCALATION_SETTINGS');

/** The escalation service's own settings, on top of every service's (README: Configuration). */
export const escalationEnvSchema = z.object({
  /**
   * How much faster than real time the ladder runs: 60 turns its minutes into seconds (tests,
   * demos). Same durable code path; only due times change.
   */
  ESCALATION_TIME_SCALE: z.coerce.number({ message: 'expected a number' }).min(1, { message: 'expected a number >= 1' }).max(1_000_000).default(1),
  /** How often each replica looks for due deadlines: the most a firing is late. */
  ESCALATION_TICK_MS: positiveInt(60_000).default(1_000),
  /** Width of a time bucket of deadlines. */
  ESCALATION_BUCKET_MS: positiveInt(3_600_000).default(10_000),
  /** How long a replica's claim on a firing lasts; after it, another replica takes over. */
  ESCALATION_LEASE_MS: positiveInt(600_000).default(15_000),
  /**
   * How often the pending-timer gauge counts the stored deadlines (one database lookup per 100
   * deadlines); 0 turns the count off.
   */
  ESCALATION_PENDING_SCAN_MS: z.coerce.number({ message: 'expected a number of milliseconds' }).int({ message: 'expected a whole number of milliseconds' }).min(0, { message: 'expected 0 (off) or more' }).max(3_600_000, { message: 'expected at most 3600000' }).default(60_000),
  /** Webhook deliveries: attempts, first backoff (doubling), and each request's timeout. */
  ESCALATION_WEBHOOK_MAX_ATTEMPTS: positiveInt(20).default(5),
  ESCALATION_WEBHOOK_BACKOFF_MS: positiveInt(600_000).default(1_000),
  ESCALATION_WEBHOOK_TIMEOUT_MS: positiveInt(60_000).default(5_000),
});
export type EscalationSettings = z.output<typeof escalationEnvSchema>;
