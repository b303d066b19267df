import { positiveInt } from '@hitl/platform';
import { z } from 'zod';

export const REVIEW_SETTINGS = Symbol('REVIEW_SETTINGS');

/** The review service's own settings, on top of every service's (README: Configuration). */
export const reviewEnvSchema = z.object({
  /**
   * Signs session tokens (HS256); every replica needs the same one. Unset: a random secret per
   * process, so sessions end on restart and work with one replica only (fine for npm start).
   */
  REVIEW_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  REVIEW_SESSION_TTL_MINUTES: positiveInt(7 * 24 * 60).default(480),
  /** How long a claim keeps a case a reviewer's; claiming again renews it. */
  REVIEW_LEASE_SECONDS: positiveInt(24 * 3600).default(600),
  /** The most cases a reviewer holds at once through claims (POST /api/next stops there); a user's own `capacity` wins. */
  REVIEW_CAPACITY: positiveInt(100).default(5),
  /**
   * How often each replica reloads its in-memory queue from the database, to learn what other
   * replicas wrote (with one replica every change passes through it anyway).
   */
  REVIEW_VIEW_REFRESH_MS: positiveInt(3_600_000).default(30_000),
  /** Where the feedback service answers: the health dashboard shows its metrics. */
  REVIEW_FEEDBACK_URL: z.url({ message: 'expected a URL such as http://127.0.0.1:3004' }).default('http://127.0.0.1:3004'),
  /** The trace store's query API (Jaeger, as HITL_TRACES=1 npm start runs it): /traces/<case> draws a case's trace from it. */
  REVIEW_TRACES_URL: z.url({ message: 'expected a URL such as http://127.0.0.1:16686' }).default('http://127.0.0.1:16686'),
  /**
   * Login throttling: failed logins of one account name, and from one client address, within
   * REVIEW_LOGIN_WINDOW_SECONDS; at the limit further attempts get 429 until the oldest failure
   * leaves the window.
   */
  REVIEW_LOGIN_MAX_FAILURES: positiveInt(1_000).default(5),
  REVIEW_LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt(100_000).default(50),
  REVIEW_LOGIN_WINDOW_SECONDS: positiveInt(24 * 3600).default(900),
  /** Send the session cookie only over HTTPS (set behind TLS). */
  REVIEW_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type ReviewSettings = z.output<typeof reviewEnvSchema>;
