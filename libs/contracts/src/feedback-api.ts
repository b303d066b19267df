// The feedback service's HTTP answers that other services read (the review app's Health page).

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
}

/** GET /api/reviewers */
export interface ReviewersReport {
  window: ReportWindow;
  kappa: { kappa: number | null; pairs: number };
  reviewers: ReviewerReport[];
}
