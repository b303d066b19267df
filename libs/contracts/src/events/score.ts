import { z } from 'zod';
import { slugField, textField, unitInterval } from './fields';
import { BandSchema, FactorSourceSchema, TriggerKindSchema, TrustStateSchema } from './vocabulary';

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
 * What gates automation: the probability that the AI is right, calibrated per category and model
 * version from known outcomes, and the threshold certified for the policy's error target. The
 * four factors above stay what a reviewer reads; this is what decides whether nobody must.
 */
export const ScoreTrustSchema = z
  .object({
    basis: unitInterval.describe("What trust is learned on: the model's probability for its recommendation, or the producer's modelConfidence signal."),
    probabilityRight: unitInterval.optional().describe('Calibrated probability that the AI is right at this basis, from the known outcomes of this category and model (absent until there are any).'),
    threshold: unitInterval.optional().describe('The certified threshold on the basis in force for this category and model (absent when none is).'),
    state: TrustStateSchema,
    automate: z.boolean().describe('Whether trust lets automation decide this case (triggers and tiers still apply).'),
    auditRate: unitInterval.describe('The probability with which an auto-approval of this category and model is audited.'),
    version: z.number().int().min(0).describe('Trust updates applied for this category and model so far (0: none).'),
  })
  .describe('Earned trust: the calibrated probability of being right and the certified gate.');
export type ScoreTrust = z.infer<typeof ScoreTrustSchema>;

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
  trust: ScoreTrustSchema.optional(),
});
export type Score = z.infer<typeof ScoreSchema>;

/** A reason to involve a person whatever the confidence (fraud_suspected, legal action, VIP). */
export const TriggerSchema = z.object({
  kind: TriggerKindSchema,
  name: slugField.describe('e.g. fraud_suspected, legal_action, media_exposure, vip'),
  detail: textField.max(1_000).optional().describe('What matched, for the reviewer.'),
});
export type Trigger = z.infer<typeof TriggerSchema>;
