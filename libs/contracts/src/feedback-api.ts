// The feedback service's HTTP answers that other services read (the review app's Health page).
import type { RolloutStage } from './events/vocabulary';

export type HealthStatus = 'ok' | 'warn' | 'red' | 'few' | 'no_data';

/** One of the guide's health metrics, with what it is judged against. */
export interface HealthMetric {
  name: string;
  label: string;
  unit: 'ratio' | 'minutes';
  value: number | null;
  /** How many cases or decisions the value is computed from. */
  sample: number;
  status: HealthStatus;
  /** The guide's target: ok inside [min, max]. */
  target: { min?: number; max?: number };
  /** The guide's red flag: red below `below` or above `above`. */
  red: { below?: number; above?: number };
  definition: string;
  /** Why there is no value yet, when there is none. */
  note?: string;
  /** For a rate from a sample (the false-negative rate): its confidence interval. */
  interval?: { low: number; high: number; level: number; method: string };
}

export interface ReportWindow {
  from: string;
  to: string;
  days: number;
}

/** GET /api/health-metrics */
export interface HealthReport {
  window: ReportWindow;
  overall: HealthMetric[];
  categories: { category: string; metrics: HealthMetric[] }[];
}

/** What the reviewers report says of one person. */
export interface ReviewerReport {
  reviewerId: string;
  decisions: number;
  /** Approvals of the AI's recommendation / decisions. */
  agreementWithAi: number | null;
  overrideRate: number | null;
  medianReviewMs: number | null;
  /** Dual reviews with a peer, and the share where both decided the same. */
  peerPairs: number;
  peerAgreement: number | null;
  rubberStamp: { flagged: boolean; reasons: string[] };
  /** Hand escalations whose case is final, and the share that ended with the AI's recommendation unchanged (the guide's escalation avalanche). */
  escalations: number;
  unnecessaryEscalationRate: number | null;
  /** Calibration exercises answered, and the share where they decided against the (wrong) AI. */
  exercises: number;
  exerciseCatchRate: number | null;
  /** Overrides the case's final decision kept. */
  catches: number;
}

/** GET /api/reviewers/{id}: one person's own page. */
export interface ReviewerDetail {
  window: ReportWindow;
  reviewer: ReviewerReport;
  /** Their latest catches: cases where they overrode the AI and the case ended as they said. */
  catches: { caseId: string; category: string; ai: string; decided: string }[];
  /** Exercises: answered, caught, and caught with the outcome people had confirmed. */
  exercises: { answered: number; caught: number; matchedKnownOutcome: number };
  /** What their decisions fed: retraining triggers and threshold changes in the categories they decided. */
  impact: ReviewerImpact[];
}

export interface ReviewerImpact {
  kind: 'retraining' | 'calibration';
  category: string;
  at: string;
  /** One line for the reviewer, e.g. "fraud-model-2.1 sent for retraining: override rate 31% over 7 days". */
  summary: string;
  /** Their decisions and overrides in that category within the window. */
  yourDecisions: number;
  yourOverrides: number;
  /** Their overridden cases among the trigger's examples. */
  yourCases: string[];
}

/** GET /api/reviewers */
export interface ReviewersReport {
  window: ReportWindow;
  kappa: { kappa: number | null; pairs: number };
  /** Fleiss' kappa over the requests three or more people decided (arbitrated splits, quorums of three). */
  fleiss: { kappa: number | null; requests: number };
  reviewers: ReviewerReport[];
}

/** What people decided on a category's cases in one rollout stage, against what automation would have done. */
export interface RolloutEvidence {
  decided: number;
  /** Share of decisions that kept the AI's recommendation. */
  agreementWithAi: number | null;
  /** Decisions on cases automation would have approved alone, and their share. */
  wouldAutomate: number;
  wouldAutomateShare: number | null;
  /** Of those, how many people decided otherwise: automation's error had it been on. */
  wouldAutomateErrors: number;
  errorRate: number | null;
  /** Clopper–Pearson upper bound on that error rate. */
  errorUpperBound: number | null;
}

/** One category's gradual rollout: its stage, the evidence, and whether to move to automate. */
export interface RolloutCategory {
  category: string;
  stage: RolloutStage;
  shadow: RolloutEvidence;
  assist: RolloutEvidence;
  /** Which decisions the recommendation rests on: shadow alone when it has enough (blind, no automation bias). */
  judgedOn: 'shadow' | 'shadow+assist';
  evidence: RolloutEvidence;
  targetErrorRate: number;
  confidenceLevel: number;
  minSampleSize: number;
  recommendation: 'automate' | 'stay' | 'automated';
  because: string;
}

/** GET /api/rollout */
export interface RolloutReport {
  window: ReportWindow;
  categories: RolloutCategory[];
}

/** GET /api/health-series: the metrics day by day (the dashboard's trend lines). */
export interface HealthSeries {
  window: ReportWindow;
  days: { day: string; metrics: Pick<HealthMetric, 'name' | 'value' | 'sample' | 'status'>[] }[];
}

/** GET /api/loop-events: the latest retraining trigger per category and model, and calibration per category. */
export interface LoopEvents {
  retraining: { category: string; modelVersion: string; overrideRate: number; threshold: number; sampleSize: number; triggeredAt: string; exampleCaseIds: string[] }[];
  calibrations: { category: string; mode: string; bands: { autoApprove: number; autoApproveAudit: number; humanReview: number }; evidence: { sampleSize: number; errorUpperBound: number; targetErrorRate: number }; policyVersion: string; calibratedAt: string }[];
}
