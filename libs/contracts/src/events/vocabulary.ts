import { z } from 'zod';

/*
 * The closed vocabularies of the platform. Each is exported as its values (for loops and
 * config validation), its schema and its type, so apps never repeat the literals. Adding a
 * value is a contract change: consumers switch on them.
 */

export const RiskLevels = ['low', 'medium', 'high', 'critical'] as const;
export const RiskLevelSchema = z.enum(RiskLevels);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

/** The guide's four confidence factors; also the keys of a producer's `signals`. */
export const FactorNames = ['modelConfidence', 'trainingDataCoverage', 'inputQuality', 'edgeCaseIndicators'] as const;
export type FactorName = (typeof FactorNames)[number];

/** Whether the producer supplied a factor or scoring computed it. */
export const FactorSources = ['producer', 'computed'] as const;
export const FactorSourceSchema = z.enum(FactorSources);
export type FactorSource = z.infer<typeof FactorSourceSchema>;

/** Confidence bands, from most to least trusted. */
export const Bands = ['auto_approve', 'auto_approve_audit', 'human_review', 'senior_review'] as const;
export const BandSchema = z.enum(Bands);
export type Band = z.infer<typeof BandSchema>;

/** Approval tiers, from least to most oversight. */
export const Tiers = ['automatic', 'single_approver', 'dual_approval', 'executive_review'] as const;
export const TierSchema = z.enum(Tiers);
export type Tier = z.infer<typeof TierSchema>;

/** Why scoring raised a trigger: a critical tag of the producer, or something found in the context. */
export const TriggerKinds = ['critical_flag', 'context'] as const;
export const TriggerKindSchema = z.enum(TriggerKinds);
export type TriggerKind = z.infer<typeof TriggerKindSchema>;

/** Why a review was requested (one request per reason; the escalation service records them). */
export const ReviewReasons = [
  'band',
  'tier',
  'critical_flag',
  'context',
  'disagreement',
  'max_rounds',
  'escalation',
  'audit',
  'shadow',
  'revision',
  'exercise',
] as const;
export const ReviewReasonSchema = z.enum(ReviewReasons);
export type ReviewReason = z.infer<typeof ReviewReasonSchema>;

/**
 * The guide's gradual rollout of a category. shadow: people decide every case without seeing the
 * AI's recommendation; assist: people decide every case with it; automate: confident cases are
 * decided by the AI alone.
 */
/**
 * Where earned trust stands for a category and model version. guide: no certified evidence yet and
 * the policy lets the guide's bands decide meanwhile; learning: no threshold certified yet, so
 * people decide every case (the assist stage) while outcomes accumulate; certified: a threshold on
 * the basis is certified for the error target and automation acts above it; stopped: the circuit
 * breaker stopped automation (the bound passed the red line, drift was detected, or an admin).
 */
export const TrustStates = ['guide', 'learning', 'certified', 'stopped'] as const;
export const TrustStateSchema = z.enum(TrustStates);
export type TrustState = z.infer<typeof TrustStateSchema>;

/** Why automation of a category and model was stopped. */
export const StopReasons = ['bound', 'drift', 'manual'] as const;
export const StopReasonSchema = z.enum(StopReasons);
export type StopReason = z.infer<typeof StopReasonSchema>;

export const RolloutStages = ['shadow', 'assist', 'automate'] as const;
export const RolloutStageSchema = z.enum(RolloutStages);
export type RolloutStage = z.infer<typeof RolloutStageSchema>;

export const ReviewerActions = ['approve', 'override', 'request_info', 'escalate'] as const;
export const ReviewerActionSchema = z.enum(ReviewerActions);
export type ReviewerAction = z.infer<typeof ReviewerActionSchema>;

export const EscalationReasons = ['timeout', 'critical', 'context', 'disagreement', 'max_rounds', 'manual'] as const;
export const EscalationReasonSchema = z.enum(EscalationReasons);
export type EscalationReason = z.infer<typeof EscalationReasonSchema>;

/**
 * Escalations that record a review routing requested itself (a disagreement, a case past its
 * revision rounds): that request already names who decides, so the escalation re-routes nothing
 * and widens no one's eligibility. The others move the case up: routing re-routes it.
 */
export function recordsRoutingRequest(reason: EscalationReason): boolean {
  return reason === 'disagreement' || reason === 'max_rounds';
}

export const DecidedByValues = ['auto', 'human'] as const;
export const DecidedBySchema = z.enum(DecidedByValues);
export type DecidedBy = z.infer<typeof DecidedBySchema>;

/** `recommend` publishes new thresholds for a person to accept; `apply` makes scoring use them. */
export const CalibrationModes = ['recommend', 'apply'] as const;
export const CalibrationModeSchema = z.enum(CalibrationModes);
export type CalibrationMode = z.infer<typeof CalibrationModeSchema>;
