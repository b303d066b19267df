import { z } from 'zod';
import { idField, roundField, slugField, textField, timestampField } from './fields';
import { EscalationReasonSchema } from './vocabulary';

/** Only the escalation service emits it, so every escalation of a case is recorded in one place. */
export const EscalationFiredV1Schema = z
  .object({
    caseId: idField.describe('The case (= predictionId); the message key.'),
    level: z.number().int().min(1).describe('Rung of the escalation ladder reached (1 = first escalation).'),
    escalateTo: slugField.describe('The role the case now belongs to, e.g. team_lead.'),
    reason: EscalationReasonSchema,
    firedAt: timestampField,
    round: roundField.optional(),
    dueAt: timestampField.optional().describe('When the next rung fires if nobody acts.'),
    detail: textField.max(2_000).optional(),
  })
  .meta({ title: 'escalation.fired v1', description: 'A case moved up the escalation ladder.' });

export type EscalationFiredV1 = z.infer<typeof EscalationFiredV1Schema>;
