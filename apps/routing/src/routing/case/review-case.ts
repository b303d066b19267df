import type { Band, EventOf, Tier, Topics } from '@hitl/contracts';

export type PredictionScored = EventOf<typeof Topics.PredictionScored>;
export type ReviewDecided = EventOf<typeof Topics.ReviewDecided>;
export type EscalationFired = EventOf<typeof Topics.EscalationFired>;
export type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;
export type DecisionFinalized = EventOf<typeof Topics.DecisionFinalized>;
export type RevisionRequested = EventOf<typeof Topics.RevisionRequested>;

/**
 * The life of a case (one prediction):
 *
 *   (scored) ─┬─▶ finalized                                   auto-approved
 *             └─▶ awaiting_review ─┬─▶ finalized              one approver, or agreement
 *                                  ├─▶ awaiting_second_approval ─▶ finalized | awaiting_arbiter
 *                                  ├─▶ awaiting_arbiter ─▶ finalized
 *                                  └─▶ awaiting_revision ─▶ awaiting_review (next round)
 *
 * Anything else is refused and recorded in the case's history.
 */
export const CaseStates = ['awaiting_review', 'awaiting_second_approval', 'awaiting_arbiter', 'awaiting_revision', 'finalized'] as const;
export type CaseState = (typeof CaseStates)[number];

export interface ReviewerVote {
  decisionId: string;
  reviewerId: string;
  role: string;
  action: 'approve' | 'override';
  outcome: string;
  agreesWithAi: boolean;
  reason?: string;
  decidedAt: string;
}

export interface CaseRequest {
  tier: Tier;
  requiredApprovals: number;
  eligibleRoles: string[];
  /** Roles the quorum must include, one approval each (the tier's, and targets of escalations that must decide). */
  requiredRoles?: string[];
  reason: ReviewRequested['reason'];
  /** With reason disagreement: whose (review.requested disagreement). */
  disagreement?: NonNullable<ReviewRequested['disagreement']>;
  priority: number;
  /** The tier's time limit for a decision (its SLA). */
  dueAt: string;
  /** When the escalation ladder takes its next step if nobody acts, and to which role (none past the last rung). */
  escalatesAt?: string;
  escalatesTo?: string;
  requestedAt: string;
}

export interface HistoryEntry {
  at: string;
  what: string;
  /** Set when the event was refused (illegal in the case's state) rather than applied. */
  refused?: boolean;
}

export interface ReviewCase {
  caseId: string;
  state: CaseState;
  round: number;
  scored: PredictionScored;
  band: Band;
  /** The tier the policy chose; a request may widen the roles but never lowers it. */
  tier: Tier;
  request?: CaseRequest;
  /** Votes of the current round and stage (cleared when a new round starts). */
  votes: ReviewerVote[];
  /** Reviewers who voted in this round: separation of duties for the second approval and the arbiter. */
  voters: string[];
  /**
   * Decisions by a role the case does not list yet. The review service let the person act
   * because it had already seen the escalation that adds the role; routing reads escalation.fired
   * and review.decided in separate groups, so it may see the decision first. Applied when an
   * escalation adds the role (found by the chaos run: refusing them lost the decision).
   */
  parked?: ReviewDecided[];
  escalationLevel: number;
  /** The category was not automated yet when the case was routed (rollout stage shadow or assist). */
  shadow: boolean;
  /** Its rollout stage then: shadow (reviewers decide blind) or assist. */
  rollout?: 'shadow' | 'assist';
  /** What automation would have done (recorded in shadow mode, and for every human case). */
  automationWouldHave: 'auto_approve' | 'human_review';
  auditSampled: boolean;
  /** For an auto-approval: the probability it had of being audited. */
  auditProbability?: number;
  /** No trigger and a tier the AI may decide (see Route). */
  automationEligible?: boolean;
  /** An audit whose overturn needs a second person (arbitration.aiDisagreementTiers lists the audit's tier). */
  confirmOverride?: boolean;
  /**
   * The second look at an override (arbitration.aiDisagreementTiers): the overrider's vote (index
   * in votes) and the number of votes when the second look began; later votes are its answers.
   */
  secondLook?: { overrider: number; from: number };
  submittedAt: string;
  finalized?: { outcome: string; decidedBy: 'auto' | 'human'; at: string };
  history: HistoryEntry[];
}
