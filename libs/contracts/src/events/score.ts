import { z } from 'zod';
import { slugField, textField, unitInterval } from './fields';
import { BandSchema, FactorSourceSchema, TriggerKindSchema } from './vocabulary';

export const FactorValueSchema = z.object({
  value: unitInterval,
  source: FactorSourceSchema,
});
export type FactorValue = z.infer<typeof FactorValueSchema>;

/** Weights are normalised by scoring; allowing them not to sum to one would let `overall` leave [0, 1]. */
const WEIGHT_SUM_TOLERANCE = 1e-6;

export const FactorWeightsSchema = z
  .object({
    modelConfidence: unitInterval,
    trainingDataCoverage: unitInterval,
    inputQuality: unitInterval,
    edgeCaseIndicators: unitInterval,
  })
  .superRefine((w, ctx) => {
    const sum = w.modelConfidence + w.trainingDataCoverage + w.inputQuality + w.edgeCaseIndicators;
    if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
      ctx.addIssue({ code: 'custom', message: `Weights must sum to 1 (got ${sum})` });
    }
  })
  .describe('Weights used for this score (per category configuration); they sum to 1.');
export type FactorWeights = z.infer<typeof FactorWeightsSchema>;

/**
 * The confidence score. `edgeCaseIndicators` is stored as measured (1 = surely an edge case);
 * `overall` counts it as 1 − value, as the guide's formula does.
 */
export const ScoreSchema = z.object({
  overall: unitInterval.describe('Weighted confidence in [0, 1].'),
  factors: z.object({
    modelConfidence: FactorValueSchema,
    trainingDataCoverage: FactorValueSchema,
    inputQuality: FactorValueSchema,
    edgeCaseIndicators: FactorValueSchema,
  }),
  weights: FactorWeightsSchema,
  band: BandSchema,
});
export type Score = z.infer<typeof ScoreSchema>;

/** A reason to involve a person whatever the confidence (fraud_suspected, legal action, VIP). */
export const TriggerSchema = z.object({
  kind: TriggerKindSchema,
  name: slugField.describe('e.g. fraud_suspected, legal_action, media_exposure, vip'),
  detail: textField.max(1_000).optional().describe('What matched, for the reviewer.'),
});
export type Trigger = z.infer<typeof TriggerSchema>;
