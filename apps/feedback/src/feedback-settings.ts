import { z } from 'zod';

export const FEEDBACK_SETTINGS = Symbol('FEEDBACK_SETTINGS');

/** The feedback service's own settings, on top of every service's (README: Configuration). */
export const feedbackEnvSchema = z.object({
  /**
   * At most one threshold calibration check per category in this many milliseconds (each reads
   * the category's window of counters); 0 checks after every decision.
   */
  FEEDBACK_CALIBRATION_INTERVAL_MS: z.coerce.number({ message: 'expected a number of milliseconds' }).int({ message: 'expected a whole number of milliseconds' }).min(0).max(86_400_000).default(60_000),
});
export type FeedbackSettings = z.output<typeof feedbackEnvSchema>;
