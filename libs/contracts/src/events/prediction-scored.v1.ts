import { z } from 'zod';
import { textField, timestampField, versionField } from './fields';
import { PredictionSubmittedV1Schema } from './prediction-submitted.v1';
import { ScoreSchema, TriggerSchema } from './score';

export const PredictionScoredV1Schema = z
  .object({
    prediction: PredictionSubmittedV1Schema.describe('The submitted prediction, as validated (defaults applied).'),
    score: ScoreSchema,
    triggers: z.array(TriggerSchema).max(50).describe('Reasons to involve a person whatever the confidence.'),
    explanation: textField.describe('Why this score and band, in words a reviewer can check.'),
    policyVersion: versionField.describe('The scoring policy (weights, bands, triggers) that produced the score.'),
    scoredAt: timestampField,
  })
  .meta({ title: 'prediction.scored v1', description: 'A prediction with its confidence score and band.' });

export type PredictionScoredV1 = z.infer<typeof PredictionScoredV1Schema>;
