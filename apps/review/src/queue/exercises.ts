import { createHash } from 'node:crypto';
import type { QueueItem, ReviewRequested } from './queue-item';

/**
 * Calibration exercises (the guide's answer to automation bias: "regularly show reviewers cases
 * where AI was wrong"). A past case where the AI recommended one thing and people decided
 * another is put back, unannounced, in the queue of the roles that reviewed it; a reviewer who
 * overrides it caught the AI's mistake, one who approves it did not. The verdict decides nothing
 * live: routing ignores it, feedback counts it toward the reviewer's catch rate.
 */

/** A past case usable as an exercise: decided by people, against the AI's recommendation. */
export interface PoolEntry {
  caseId: string;
  knownOutcome: string;
}

/** The last few usable cases of a category (`pool:<category>` beside its past cases). */
export interface ExercisePool {
  _id: string;
  version: number;
  cases: PoolEntry[];
}

export const POOL_PER_CATEGORY = 50;
export const poolIdOf = (category: string) => `pool:${category}`;

/** A closed case people decided otherwise than the AI (not an audit, not an exercise itself). */
export function poolEntryOf(item: QueueItem): PoolEntry | undefined {
  const final = item.finalized;
  if (!final || final.decidedBy !== 'human' || final.outcome === item.recommendation) return undefined;
  if (item.reason === 'audit' || item.reason === 'exercise') return undefined;
  return { caseId: item._id, knownOutcome: final.outcome };
}

/** Live requests that may be followed by an exercise: a first look at a new case. */
export const mayFollowWithExercise = (e: ReviewRequested) => e.round === 1 && !['audit', 'exercise', 'escalation', 'disagreement', 'max_rounds', 'revision'].includes(e.reason);

/**
 * The exercise's case id: derived from the request that was sampled (a redelivery makes the same
 * one), and shaped like any other id, so nothing in the queue tells it apart.
 */
export function exerciseIdOf(triggerCaseId: string): string {
  const h = createHash('sha256').update(`exercise:${triggerCaseId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The pool entry the sampled request draws (deterministic, spread over the pool). */
export function pick(pool: PoolEntry[], triggerCaseId: string): PoolEntry | undefined {
  if (pool.length === 0) return undefined;
  const n = createHash('sha256').update(`pick:${triggerCaseId}`).digest().readUInt32BE(0);
  return pool[n % pool.length];
}

/**
 * The source case as a fresh single-reviewer request of its roles: its context, the AI's
 * (wrong) recommendation, score and explanation, as the reviewer first saw them.
 */
export function exerciseRequest(source: QueueItem, entry: PoolEntry, triggerCaseId: string, now: Date): ReviewRequested {
  const first = source.requests[0];
  const slaMs = first ? Math.max(0, Date.parse(first.dueAt) - Date.parse(first.requestedAt)) : 3_600_000;
  const id = exerciseIdOf(triggerCaseId);
  return {
    caseId: id,
    predictionId: id,
    tier: first?.tier ?? source.tier,
    requiredApprovals: 1,
    eligibleRoles: first?.eligibleRoles ?? source.eligibleRoles,
    reason: 'exercise',
    priority: first?.priority ?? source.priority,
    dueAt: new Date(now.getTime() + slaMs).toISOString(),
    round: 1,
    recommendation: source.recommendation,
    score: source.score,
    ...(source.triggers.length > 0 ? { triggers: source.triggers } : {}),
    context: source.context,
    explanation: first?.explanation ?? source.explanation,
    exercise: { sourceCaseId: entry.caseId, knownOutcome: entry.knownOutcome },
    policyVersion: source.policyVersion,
    requestedAt: now.toISOString(),
  };
}

/** What the reviewer learns once they gave their verdict. */
export function revealOf(item: Pick<QueueItem, 'exercise' | 'recommendation'>, outcome: string | undefined): { knownOutcome: string; aiRecommendation: string; caught: boolean } | undefined {
  if (!item.exercise) return undefined;
  return { knownOutcome: item.exercise.knownOutcome, aiRecommendation: item.recommendation, caught: outcome !== undefined && outcome !== item.recommendation };
}
