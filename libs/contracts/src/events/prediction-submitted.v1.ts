import { z } from 'zod';
import {
  currencyField,
  idField,
  outcomeField,
  producerField,
  roundField,
  slugField,
  textField,
  timestampField,
  unitInterval,
  versionField,
} from './fields';
import { RiskLevelSchema } from './vocabulary';

/*
 * Forward compatibility: event objects are plain (stripping) zod objects, not strict ones, so
 * a consumer built against v1 accepts an event that a newer producer enriched with fields it
 * does not know yet; it drops them instead of rejecting the event. Strip rather than
 * passthrough keeps the inferred types exact (no index signature hiding typos). The published
 * JSON Schema therefore does not forbid additional properties.
 */

/** Factor values the producer measured itself; scoring computes the ones left out. */
export const PredictionSignalsSchema = z.object({
  modelConfidence: unitInterval.optional(),
  trainingDataCoverage: unitInterval.optional(),
  inputQuality: unitInterval.optional(),
  edgeCaseIndicators: unitInterval.optional().describe('1 = surely an edge case (counted as 1 − value).'),
});
export type PredictionSignals = z.infer<typeof PredictionSignalsSchema>;

export const PredictionSubmittedV1Schema = z
  .object({
    predictionId: idField.describe("The producer's id of the prediction; it is also the case id and the message key."),
    producer: producerField.describe('The system that published the prediction.'),
    modelVersion: versionField,
    category: slugField.describe('Selects weights, bands and tier policy, e.g. refund, large_refund.'),
    recommendation: outcomeField.describe('The action or label the AI proposes.'),
    probability: unitInterval.describe("The model's own probability for its recommendation."),
    value: z.number().min(0).optional().describe('Monetary value at stake, in `currency`.'),
    currency: currencyField.optional(),
    riskLevel: RiskLevelSchema.optional(),
    reasoning: textField.describe('Why the AI recommends this; shown to reviewers.'),
    input: z.record(z.string(), z.unknown()).describe('The case context the model saw, shown to reviewers.'),
    signals: PredictionSignalsSchema.optional(),
    tags: z.array(slugField).max(50).optional().describe('e.g. vip, fraud_suspected, legal_risk.'),
    submittedAt: timestampField,
    round: roundField
      .default(1)
      .describe('A refined prediction after a revision request re-enters with the same predictionId and round + 1.'),
    correlationId: idField.optional().describe("The producer's own correlation id, echoed for its bookkeeping."),
  })
  .meta({ title: 'prediction.submitted v1', description: 'An AI prediction that needs a decision.' });

export type PredictionSubmittedV1 = z.infer<typeof PredictionSubmittedV1Schema>;
