import { DlqHeaders, dlqTopicOf, physicalTopic, Topics, type EventOf, type TopicName } from '@hitl/contracts';
import { tailTopics, type Kafka, type TailRecord } from '@hitl/messaging';
import type { Observation } from './guide-examples';

/** The topics that tell where a prediction went first: scored, then auto-finalized or sent to people. */
export const FOLLOWED: readonly TopicName[] = [Topics.PredictionScored, Topics.ReviewRequested, Topics.DecisionFinalized];

/**
 * Folds one record into what is known of its prediction. Returns the observation it changed, or
 * undefined for a record of another prediction or topic. Pure, so the formatting is testable.
 */
export function observe(seen: Map<string, Observation>, logicalTopic: string, record: Pick<TailRecord, 'key' | 'value' | 'headers'>, wanted: (id: string) => boolean): Observation | undefined {
  if (logicalTopic === dlqTopicOf(Topics.PredictionSubmitted)) {
    const id = record.key ?? '';
    if (!wanted(id)) return undefined;
    const obs = entry(seen, id);
    obs.dead = `${record.headers[DlqHeaders.errorCode] ?? 'error'}: ${record.headers[DlqHeaders.error] ?? ''}`.trim();
    return obs;
  }
  const data = parse(record.value);
  if (!data) return undefined;
  if (logicalTopic === Topics.PredictionScored) {
    const event = data as EventOf<typeof Topics.PredictionScored>;
    if (!wanted(event.prediction.predictionId)) return undefined;
    const obs = entry(seen, event.prediction.predictionId);
    // A revision re-enters the case: the first round is the first stop.
    if (obs.band !== undefined && (event.prediction.round ?? 1) > 1) return undefined;
    Object.assign(obs, {
      category: event.prediction.category,
      value: event.prediction.value,
      currency: event.prediction.currency,
      overall: event.score.overall,
      band: event.score.band,
      triggers: event.triggers.map((t) => t.name),
    });
    return obs;
  }
  if (logicalTopic === Topics.ReviewRequested) {
    const event = data as EventOf<typeof Topics.ReviewRequested>;
    // The audit of an auto-approval comes after its first stop (the AI's decision): not a route.
    if (!wanted(event.predictionId) || event.reason === 'audit') return undefined;
    const obs = entry(seen, event.predictionId);
    if (obs.review) return undefined; // later requests (second approver, arbiter) are not the first stop
    obs.review = { tier: event.tier, eligibleRoles: event.eligibleRoles, requiredApprovals: event.requiredApprovals, reason: event.reason, priority: event.priority, dueAt: event.dueAt };
    obs.overall ??= event.score.overall;
    obs.band ??= event.score.band;
    obs.category ??= event.context.category;
    return obs;
  }
  if (logicalTopic === Topics.DecisionFinalized) {
    const event = data as EventOf<typeof Topics.DecisionFinalized>;
    if (!wanted(event.predictionId)) return undefined;
    const obs = entry(seen, event.predictionId);
    obs.finalized = { outcome: event.outcome, decidedBy: event.decidedBy, tier: event.tier, band: event.band, latencyMs: event.latencyMs, auditSampled: event.auditSampled };
    return obs;
  }
  return undefined;
}

/** Reached its first stop: decided by the AI, waiting for people, or dead-lettered. */
export function atFirstStop(obs: Observation): boolean {
  return obs.dead !== undefined || ((obs.finalized !== undefined || obs.review !== undefined) && obs.band !== undefined);
}

const money = (value: number, currency = 'USD') => `${currency === 'USD' ? '$' : `${currency} `}${value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;
const clock = (iso: string) => iso.slice(11, 16);

/** One line a person reads: what it was, how sure, where it went and why. */
export function describeStop(obs: Observation): string {
  if (obs.dead) return `${obs.predictionId}  ✗ dead-lettered (${obs.dead})`;
  const what = [obs.category ?? '?', obs.value !== undefined ? money(obs.value, obs.currency) : undefined].filter(Boolean).join(' ');
  const score = obs.overall !== undefined ? `${obs.overall.toFixed(3)} ${obs.band}` : `${obs.band}`;
  const triggers = obs.triggers && obs.triggers.length > 0 ? ` [${obs.triggers.join(', ')}]` : '';
  const head = `${obs.predictionId}  ${what} · ${score}${triggers}`;
  if (obs.finalized && (obs.finalized.decidedBy === 'auto' || !obs.review)) {
    const f = obs.finalized;
    const audit = f.band === 'auto_approve_audit' ? (f.auditSampled ? ', logged and sampled for audit' : ', logged for audit') : '';
    const by = f.decidedBy === 'auto' ? 'AI' : f.decidedBy;
    return `${head} → ${f.tier}: ${f.outcome} by ${by} in ${(f.latencyMs / 1_000).toFixed(2)} s${audit}`;
  }
  const r = obs.review!;
  const approvals = r.requiredApprovals === 1 ? '1 approval' : `${r.requiredApprovals} approvals`;
  return `${head} → ${r.tier}: review by ${r.eligibleRoles.join('|')} (${approvals}, priority ${r.priority}, due ${clock(r.dueAt)} UTC, ${r.reason})`;
}

/** Follows the platform's answers for the given predictions from now on. */
export async function follow(
  kafka: Kafka,
  prefix: string,
  wanted: (id: string) => boolean,
  onFirstStop: (obs: Observation) => void,
): Promise<{ seen: Map<string, Observation>; stop: () => Promise<void> }> {
  const seen = new Map<string, Observation>();
  const reported = new Set<string>();
  const byPhysical = new Map<string, string>(
    [...FOLLOWED, dlqTopicOf(Topics.PredictionSubmitted)].map((logical) => [
      logical.endsWith('.dlq') ? dlqTopicOf(physicalTopic(Topics.PredictionSubmitted, prefix)) : physicalTopic(logical as TopicName, prefix),
      logical,
    ]),
  );
  const stop = await tailTopics(kafka, [...byPhysical.keys()], false, (record) => {
    const obs = observe(seen, byPhysical.get(record.topic)!, record, wanted);
    if (obs && !reported.has(obs.predictionId) && atFirstStop(obs)) {
      reported.add(obs.predictionId);
      onFirstStop(obs);
    }
  });
  return { seen, stop };
}

function entry(seen: Map<string, Observation>, predictionId: string): Observation {
  let obs = seen.get(predictionId);
  if (!obs) seen.set(predictionId, (obs = { predictionId }));
  return obs;
}

function parse(value: Buffer | null): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(value?.toString('utf8') ?? 'null');
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
