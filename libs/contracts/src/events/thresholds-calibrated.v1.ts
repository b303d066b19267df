import { z } from 'zod';
import { slugField, timestampField, unitInterval, versionField } from './fields';
import { CalibrationModeSchema } from './vocabulary';

/**
 * Lower edges of the bands; below humanReview is senior review. They must strictly descend,
 * otherwise a band would be empty or the bands would overlap.
 */
export const BandThresholdsSchema = z
  .object({
    autoApprove: unitInterval,
    autoApproveAudit: unitInterval,
    humanReview: unitInterval,
  })
  .superRefine((b, ctx) => {
    if (!(b.autoApprove > b.autoApproveAudit)) {
      ctx.addIssue({ code: 'custom', path: ['autoApproveAudit'], message: 'Must be below autoApprove' });
    }
    if (!(b.autoApproveAudit > b.humanReview)) {
      ctx.addIssue({ code: 'custom', path: ['humanReview'], message: 'Must be below autoApproveAudit' });
    }
  })
  .describe('Lower edges of the bands, strictly descending.');
export type BandThresholds = z.infer<typeof BandThresholdsSchema>;

export const CalibrationEvidenceSchema = z.object({
  sampleSize: z.number().int().min(0).describe('Outcomes the calibration is based on.'),
  errorUpperBound: unitInterval.describe('Upper confidence bound of the auto-approved error rate.'),
  targetErrorRate: unitInterval,
  method: slugField.describe('e.g. clopper_pearson.'),
});
export type CalibrationEvidence = z.infer<typeof CalibrationEvidenceSchema>;

export const ThresholdsCalibratedV1Schema = z
  .object({
    category: slugField.describe('The message key.'),
    bands: BandThresholdsSchema,
    evidence: CalibrationEvidenceSchema,
    mode: CalibrationModeSchema,
    previousPolicyVersion: versionField,
    policyVersion: versionField.describe('The policy version scoring reports once these thresholds apply.'),
    calibratedAt: timestampField,
  })
  .meta({
    title: 'thresholds.calibrated v1',
    description:
      'New band thresholds for a category, calibrated so the auto-approved error rate stays under its target. Rule: autoApprove > autoApproveAudit > humanReview.',
  });

export type ThresholdsCalibratedV1 = z.infer<typeof ThresholdsCalibratedV1Schema>;
