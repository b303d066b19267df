import { z } from 'zod';
import { slugField, textField, timestampField, unitInterval, versionField } from './fields';
import { CalibrationModeSchema, StopReasonSchema, TrustStateSchema } from './vocabulary';

export const CalibrationStepSchema = z.object({
  from: unitInterval.describe('The step holds from this basis up to the next step.'),
  probabilityRight: unitInterval,
  outcomes: z.number().int().min(0),
});

/**
 * Where trust stands for one category and model version, from feedback to scoring: the
 * calibration of the basis, the certified threshold and the evidence behind it, the audit rate,
 * and whether automation is stopped. Each update replaces the previous one (version increases).
 */
export const TrustUpdatedV1Schema = z
  .object({
    category: slugField.describe('The message key.'),
    modelVersion: versionField,
    version: z.number().int().min(1).describe('Updates of this category and model so far; scoring keeps the highest.'),
    state: TrustStateSchema.exclude(['guide']),
    mode: CalibrationModeSchema.describe('apply: scoring gates on it; recommend: for people to read (a stop always applies).'),
    calibration: z.array(CalibrationStepSchema).max(200).describe('P(AI right) as a non-decreasing step function of the basis (isotonic regression of weighted outcomes).'),
    threshold: unitInterval.nullable().describe('The lowest certified threshold on the basis; null when none is certified.'),
    evidence: z.object({
      outcomes: z.number().int().min(0).describe('Known outcomes at or above the threshold (or at or above the lowest tested one when none is certified).'),
      effectiveOutcomes: z.number().min(0),
      errorEstimate: unitInterval,
      errorUpperBound: unitInterval.describe('One-sided upper bound at confidenceLevel on the error of the cases at or above the threshold.'),
      targetErrorRate: unitInterval,
      confidenceLevel: unitInterval,
      method: slugField.describe('e.g. ltt_fixed_sequence_weighted_clopper_pearson'),
    }),
    auditRate: unitInterval.describe('The share of auto-approvals to audit now.'),
    epoch: z.number().int().min(0).describe('Evidence counts from the last detected change on: a drift alarm starts a new epoch.'),
    stop: z
      .object({ reason: StopReasonSchema, detail: textField.max(1_000), since: timestampField, by: z.string().min(1).max(200).optional() })
      .optional()
      .describe('Present while automation is stopped.'),
    updatedAt: timestampField,
  })
  .superRefine((e, ctx) => {
    if ((e.state === 'stopped') !== (e.stop !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: 'Required when state is stopped, and only then' });
    }
    if (e.state === 'certified' && e.threshold === null) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'Required when state is certified' });
    }
  })
  .meta({
    title: 'trust.updated v1',
    description:
      'Earned trust of a category and model version: calibration, certified threshold, audit rate and circuit breaker. Rules: stop is present exactly when state is stopped; a certified state names its threshold.',
  });

export type TrustUpdatedV1 = z.infer<typeof TrustUpdatedV1Schema>;
