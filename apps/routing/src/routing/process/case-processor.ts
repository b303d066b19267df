import { Topics } from '@hitl/contracts';
import { NonRetriableError, RetriableError } from '@hitl/messaging';
import { backoff } from '@hitl/platform';
import type { Policy } from '@hitl/policy';
import { createHash } from 'node:crypto';
import { openCase, type Transition } from '../case/open-case';
import type { CaseOutput } from '../case/outputs';
import type { EscalationFired, PredictionScored, ReviewCase, ReviewDecided } from '../case/review-case';
import { decide } from '../decide/decide';
import { escalate } from '../decide/escalate';
import { OUTBOX_KEEP, type CaseDocument, type CaseStore } from '../store/case-store';

/** Where a record sits in Kafka: the same position again means a redelivery of that record. */
export interface RecordPosition {
  partition: number;
  offset: string;
}

export type RoutingInput = (
  | { topic: typeof Topics.PredictionScored; id: string; data: PredictionScored }
  | { topic: typeof Topics.ReviewDecided; id: string; data: ReviewDecided }
  | { topic: typeof Topics.EscalationFired; id: string; data: EscalationFired }
) & { position: RecordPosition };

const MAX_CONFLICTS = 5;

export interface ProcessResult {
  eventKey: string;
  outputs: CaseOutput[];
  applied: boolean;
}

export function caseIdOf(input: RoutingInput): string {
  return input.topic === Topics.PredictionScored ? input.data.prediction.predictionId : input.data.caseId;
}

/** The id an output event gets: the same input always yields the same ids, so consumers dedupe. */
export function outputEventId(eventKey: string, index: number): string {
  return createHash('sha256').update(`${eventKey}#${index}`).digest('hex').slice(0, 32);
}

/**
 * Applies one input event to its case, exactly once: the new case state and the outputs it
 * causes are one versioned write. The caller publishes the outputs in the same Kafka transaction
 * as the input offset, so a read_committed consumer sees them once: a record redelivered after
 * an aborted transaction finds its outputs in the case's outbox and sends them again; a
 * duplicate record (same event id, another position) sends nothing.
 */
export class CaseProcessor {
  constructor(
    private readonly store: CaseStore,
    private readonly policy: Policy,
    private readonly clock: () => Date = () => new Date(),
    /** Counts an exact duplicate of a prediction the case already has (a no-op). */
    private readonly onDuplicate: () => void = () => undefined,
  ) {}

  async process(input: RoutingInput): Promise<ProcessResult> {
    const eventKey = `${input.topic}:${input.id}`;
    for (let attempt = 1; attempt <= MAX_CONFLICTS; attempt++) {
      const doc = await this.store.get(caseIdOf(input));
      const earlier = doc?.outbox.find((entry) => entry.eventKey === eventKey);
      if (earlier) {
        // The same record again: its transaction was aborted (a crash), so nobody saw its outputs;
        // send them again. Another record with the same event id is a duplicate: send nothing.
        const redelivery = earlier.position?.partition === input.position.partition && earlier.position.offset === input.position.offset;
        return { eventKey, outputs: redelivery ? earlier.outputs : [], applied: false };
      }
      const transition = this.transition(doc?.case, input);
      const next: CaseDocument = {
        _id: caseIdOf(input),
        version: (doc?.version ?? 0) + 1,
        case: transition.case,
        outbox: [...(doc?.outbox ?? []), { eventKey, position: input.position, outputs: transition.applied ? transition.outputs : [] }].slice(-OUTBOX_KEEP),
        updatedAt: this.clock(),
      };
      const written = doc ? await this.store.replace(next, doc.version) : await this.store.insert(next);
      if (written) return { eventKey, outputs: transition.applied ? transition.outputs : [], applied: transition.applied };
      await backoff(attempt); // let the winner finish its write
    }
    throw new RetriableError(`case ${caseIdOf(input)}: ${MAX_CONFLICTS} concurrent updates in a row`);
  }

  /**
   * The fast path for prediction.scored events of cases this chunk has not seen yet: open them
   * all with one insert. Returns the result per input; undefined where the case existed already
   * (the caller then takes the ordinary path, which reads it).
   */
  async openMany(inputs: (RoutingInput & { topic: typeof Topics.PredictionScored })[]): Promise<(ProcessResult | undefined)[]> {
    const now = this.clock();
    const prepared = inputs.map((input) => {
      const eventKey = `${input.topic}:${input.id}`;
      const transition = openCase(input.data, this.policy, now);
      const outputs = transition.applied ? transition.outputs : [];
      const doc: CaseDocument = { _id: caseIdOf(input), version: 1, case: transition.case, outbox: [{ eventKey, position: input.position, outputs }], updatedAt: now };
      return { doc, result: { eventKey, outputs, applied: transition.applied } };
    });
    const existed = await this.store.insertNew(prepared.map((p) => p.doc));
    return prepared.map((p) => (existed.has(p.doc._id) ? undefined : p.result));
  }

  private transition(existing: ReviewCase | undefined, input: RoutingInput): Transition {
    const now = this.clock();
    if (input.topic === Topics.PredictionScored) {
      const refused = existing ? refusedPrediction(existing, input.data) : undefined;
      if (refused === 'duplicate') this.onDuplicate();
      else if (refused) throw new NonRetriableError(refused.message, refused.code);
      return openCase(input.data, this.policy, now, existing);
    }
    if (!existing) throw new NonRetriableError(`no case ${input.data.caseId} for ${input.topic} ${input.id}`, 'UNKNOWN_CASE');
    return input.topic === Topics.ReviewDecided ? decide(existing, input.data, this.policy, now) : escalate(existing, input.data, this.policy, now);
  }
}

/** Why a prediction for an existing case is not taken: the dead-letter code a producer sees on prediction.scored.dlq. */
export type PredictionRefusal = 'duplicate' | { code: 'PREDICTION_ALREADY_DECIDED' | 'REVISION_NOT_REQUESTED' | 'STALE_ROUND' | 'PREDICTION_ID_REUSED'; message: string };

/**
 * A prediction for a case that exists is taken only as the refined prediction of the round the
 * case waits for (request-info). Otherwise: an exact copy of the prediction the case already holds
 * is a duplicate (a no-op, counted); anything else is refused with its own code, to the
 * dead-letter topic, so the producer can see it was dropped and why.
 */
export function refusedPrediction(existing: ReviewCase, scored: PredictionScored): PredictionRefusal | undefined {
  const round = scored.prediction.round;
  if (existing.state === 'awaiting_revision' && round === existing.round + 1) return undefined;
  if (round === existing.round && canonical(scored.prediction) === canonical(existing.scored.prediction)) return 'duplicate';
  const id = scored.prediction.predictionId;
  if (round > existing.round)
    return {
      code: 'REVISION_NOT_REQUESTED',
      message: `prediction ${id} round ${round}: no revision was asked for that round (the case is ${existing.state} in round ${existing.round}${existing.state === 'awaiting_revision' ? `; round ${existing.round + 1} is the one asked for` : ''})`,
    };
  if (round < existing.round) return { code: 'STALE_ROUND', message: `prediction ${id} round ${round}: the case is already in round ${existing.round}` };
  if (existing.state === 'finalized') return { code: 'PREDICTION_ALREADY_DECIDED', message: `prediction ${id} round ${round}: the case was finalized (${existing.finalized?.outcome ?? 'decided'}); a changed prediction needs a new prediction id` };
  return { code: 'PREDICTION_ID_REUSED', message: `prediction ${id} round ${round}: a different prediction with this id and round is already being decided (${existing.state})` };
}

/** JSON with sorted keys: the same prediction however its fields were ordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}
