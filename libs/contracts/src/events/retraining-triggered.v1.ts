import { z } from 'zod';
import { idField, slugField, timestampField, toMillis, unitInterval, versionField } from './fields';

/** A few cases are enough for a data scientist to start from; the full set is in the feedback store. */
export const MAX_EXAMPLE_CASES = 20;

export const TimeWindowSchema = z
  .object({ from: timestampField, to: timestampField })
  .superRefine((w, ctx) => {
    if (!(toMillis(w.from) < toMillis(w.to))) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'Must be after from' });
    }
  });
export type TimeWindow = z.infer<typeof TimeWindowSchema>;

/** Emitted once per category and window when humans override the AI too often. */
export const RetrainingTriggeredV1Schema = z
  .object({
    category: slugField.describe('The message key.'),
    modelVersion: versionField,
    overrideRate: unitInterval.describe('Overrides / human decisions in the window.'),
    threshold: unitInterval.describe('The configured rate above which retraining is triggered.'),
    window: TimeWindowSchema,
    sampleSize: z.number().int().min(1).describe('Human decisions in the window.'),
    exampleCaseIds: z.array(idField).max(MAX_EXAMPLE_CASES).describe('Some overridden cases to start from.'),
    triggeredAt: timestampField,
    drift: z
      .object({
        method: slugField.describe('risk_adjusted_cusum'),
        oddsRatio: z.number().positive().describe('The worsening of the odds of an error the chart that alarmed is tuned to.'),
        statistic: z.number().min(0),
        limit: z.number().positive().describe('h = ln(horizon · charts / falseAlarmRate).'),
        outcomes: z.number().int().min(0).describe('Outcomes since the chart last stood at zero.'),
        wrong: z.number().int().min(0),
        expectedWrong: z.number().min(0).describe('Wrong outcomes expected from the certified calibration.'),
        falseAlarmRate: unitInterval,
        horizon: z.number().int().min(1),
      })
      .optional()
      .describe('Present when a drift test raised the alarm (not the override rate).'),
    overrideReasonCodes: z
      .array(z.object({ code: slugField, count: z.number().int().min(1) }))
      .max(50)
      .optional()
      .describe("The policy's override reason codes people gave in the category over the window, most frequent first: where to look first."),
  })
  .meta({
    title: 'retraining.triggered v1',
    description:
      'A category needs its model reviewed or retrained: its override rate exceeded the threshold in the window (emitted once per window). Rule: window.from < window.to.',
  });

export type RetrainingTriggeredV1 = z.infer<typeof RetrainingTriggeredV1Schema>;
