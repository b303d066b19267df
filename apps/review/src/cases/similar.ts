import { auditVerdictOf, finalOf, type QueueItem } from '../queue/queue-item';

/** A finalized case as the "similar past cases" panel shows it. */
export interface PastCase {
  caseId: string;
  recommendation: string;
  outcome: string;
  decidedBy: string;
  agreedWithAi: boolean;
  confidence: number;
  value?: number;
  finalizedAt: string;
  /** An audited auto-approval: what the auditor said (the decision itself stood). */
  audit?: { upheld: boolean; outcome?: string };
}

/** The case as a past case, or undefined when it has no final decision (an exercise). */
export function pastCaseOf(item: QueueItem): PastCase | undefined {
  const final = finalOf(item);
  if (!final) return undefined;
  const verdict = auditVerdictOf(item);
  return {
    caseId: item._id,
    recommendation: item.recommendation,
    outcome: final.outcome,
    decidedBy: final.decidedBy,
    agreedWithAi: final.outcome === item.recommendation,
    confidence: item.score.overall,
    ...(item.context.value !== undefined ? { value: item.context.value } : {}),
    finalizedAt: final.finalizedAt,
    ...(verdict ? { audit: { upheld: verdict.upheld, ...(verdict.vote.outcome !== undefined ? { outcome: verdict.vote.outcome } : {}) } } : {}),
  };
}

/**
 * The few past cases of the category most like this one: closest confidence, same
 * recommendation, similar value. Enough for "what did we do last time", not a model.
 */
export function similarCases(item: QueueItem, candidates: PastCase[], count = 3): PastCase[] {
  const value = item.context.value;
  const distance = (c: PastCase) =>
    Math.abs(c.confidence - item.score.overall) +
    (c.recommendation === item.recommendation ? 0 : 0.5) +
    (value !== undefined && c.value !== undefined ? Math.min(1, Math.abs(Math.log((c.value + 1) / (value + 1))) / 4) : 0.25);
  return candidates
    // An exercise must not show the case it replays, with the outcome people gave it.
    .filter((c) => c.caseId !== item._id && c.caseId !== item.exercise?.sourceCaseId)
    .map((c) => ({ c, d: distance(c) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map(({ c }) => c);
}
