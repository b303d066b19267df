import { positiveInt } from '@hitl/platform';
import { z } from 'zod';

/** The scoring service's own settings, on top of every service's (README: Configuration). */
export const scoringEnvSchema = z.object({
  /**
   * How often per-category statistics are flushed to the database and other replicas' labelled
   * cases and calibrations are read: what a crash may lose of the statistics, and how long a
   * replica may lag behind a calibration another replica applied.
   */
  SCORING_SYNC_INTERVAL_MS: positiveInt(3_600_000).default(5_000),
});
export type ScoringSettings = z.output<typeof scoringEnvSchema>;
