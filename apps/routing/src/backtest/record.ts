import type { EventOf, Topics } from '@hitl/contracts';
import type { DecisionFinalized, EscalationFired, PredictionScored, ReviewRequested } from '../routing/case/review-case';
import type { RecordedCase } from './recorded-case';

type FeedbackCaptured = EventOf<typeof Topics.FeedbackCaptured>;

/** The decoded events a recording reads, each list in the order it was read. */
export interface Recording {
  scored: PredictionScored[];
  requested: ReviewRequested[];
  finalized: DecisionFinalized[];
  feedback: FeedbackCaptured[];
  escalations: EscalationFired[];
}

function byCase<T>(events: T[], caseOf: (e: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const e of events) {
    const key = caseOf(e);
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return groups;
}

/**
 * The case's latest round: the route the case ended on was decided on it (a refined prediction
 * re-enters routing). A duplicate of a round (a producer retry) keeps the first copy.
 */
function latestRound(events: PredictionScored[]): PredictionScored {
  return events.reduce((latest, e) => (e.prediction.round > latest.prediction.round ? e : latest));
}

/**
 * What happened live. decision.finalized by auto is an auto-approval (its audit, if sampled, is a
 * review.requested with reason audit and decides nothing). Otherwise any other review request,
 * or a human final decision, means people decided; the tier is the one the latest round's first
 * request went to (where the ladder started), else the final decision's.
 */
function liveOf(scored: PredictionScored, finalized: DecisionFinalized | undefined, requests: ReviewRequested[], escalations: EscalationFired[]): RecordedCase['live'] {
  const fired = escalations.map((e) => ({ level: e.level, reason: e.reason }));
  if (finalized?.decidedBy === 'auto') return { route: 'auto', tier: finalized.tier, auditSampled: finalized.auditSampled === true, ...(finalized.auditProbability !== undefined ? { auditProbability: finalized.auditProbability } : {}), escalations: fired };
  const decisive = requests.filter((r) => r.reason !== 'audit');
  const opening = decisive.find((r) => r.round === scored.prediction.round) ?? decisive[0];
  if (!opening && !finalized) return { route: 'undecided', escalations: fired };
  return {
    route: 'human',
    tier: opening?.tier ?? finalized!.tier,
    ...(opening ? { requiredApprovals: opening.requiredApprovals } : {}),
    escalations: fired,
  };
}

/**
 * The outcome people gave: a human final decision, or for an auto-approval the audit verdict
 * (the only feedback an auto-approved case can have: its audit is its only review request).
 */
function outcomeOf(finalized: DecisionFinalized | undefined, feedback: FeedbackCaptured[]): RecordedCase['outcome'] {
  if (finalized?.decidedBy === 'human') return { value: finalized.outcome, source: 'human_decision' };
  const verdict = finalized?.decidedBy === 'auto' ? feedback.at(-1) : undefined;
  return verdict ? { value: verdict.humanDecision, source: 'audit' } : undefined;
}

/**
 * One recorded case per scored prediction, in the order they were first read. Events of cases
 * whose prediction.scored was not recorded (written before the topic's retention, or by hand)
 * are left out: there is nothing to replay.
 */
export function casesFrom(recording: Recording): RecordedCase[] {
  const requested = byCase(recording.requested, (e) => e.caseId);
  const finalized = byCase(recording.finalized, (e) => e.caseId);
  const feedback = byCase(recording.feedback, (e) => e.caseId);
  const escalations = byCase(recording.escalations, (e) => e.caseId);
  return [...byCase(recording.scored, (e) => e.prediction.predictionId)].map(([caseId, events]) => {
    const scored = latestRound(events);
    // Exactly one final decision per case; a redelivered copy says the same.
    const final = finalized.get(caseId)?.[0];
    const outcome = outcomeOf(final, feedback.get(caseId) ?? []);
    return {
      caseId,
      scored,
      live: liveOf(scored, final, requested.get(caseId) ?? [], escalations.get(caseId) ?? []),
      ...(outcome ? { outcome } : {}),
    };
  });
}
