import { DlqHeaders, Topics } from '@hitl/contracts';
import type { TailRecord } from '@hitl/messaging';

const DLQ_HEADERS = [DlqHeaders.errorCode, DlqHeaders.error, DlqHeaders.consumerGroup, DlqHeaders.attempts];

function field(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

/** The few fields that tell what an event is about, per event type. */
const SUMMARY: Record<string, string[]> = {
  [Topics.PredictionSubmitted]: ['category', 'recommendation', 'probability', 'value', 'riskLevel', 'tags', 'round'],
  [Topics.PredictionScored]: ['prediction.category', 'score.overall', 'score.band', 'triggers', 'policyVersion'],
  [Topics.ReviewRequested]: ['tier', 'reason', 'eligibleRoles', 'priority', 'dueAt', 'round'],
  [Topics.ReviewDecided]: ['reviewerId', 'role', 'action', 'outcome', 'agreesWithAi', 'reason'],
  [Topics.EscalationFired]: ['level', 'escalateTo', 'reason'],
  [Topics.DecisionFinalized]: ['outcome', 'decidedBy', 'band', 'tier', 'latencyMs'],
  [Topics.RevisionRequested]: ['round', 'question'],
  [Topics.FeedbackCaptured]: ['category', 'override', 'reviewerId', 'reviewTimeMs'],
  [Topics.RetrainingTriggered]: ['category', 'modelVersion', 'overrideRate', 'sampleSize'],
  [Topics.ThresholdsCalibrated]: ['category', 'bands', 'mode'],
  [Topics.TrustUpdated]: ['category', 'modelVersion', 'state', 'threshold', 'auditRate'],
  [Topics.TrustControl]: ['category', 'modelVersion', 'action', 'reason'],
};

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',')}]`;
  if (typeof value === 'number') return String(Number(value.toFixed(3)));
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One readable line per record; a dead letter shows why it died; undecodable bytes say so. */
export function formatRecord(record: TailRecord, prefix = ''): string {
  const time = new Date(Number(record.timestamp)).toISOString().slice(11, 23);
  const logical = record.topic.startsWith(prefix) ? record.topic.slice(prefix.length) : record.topic;
  const head = `${time} ${logical}[${record.partition}@${record.offset}] ${record.key ?? '-'}`;
  if (logical.endsWith('.dlq')) {
    const why = DLQ_HEADERS.filter((h) => record.headers[h] !== undefined).map((h) => `${h.slice(4)}=${record.headers[h]}`);
    return `${head} ✗ ${why.join(' ')}`;
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(record.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
  } catch {
    return `${head} (not JSON: ${record.value?.length ?? 0} bytes)`;
  }
  if (!data || typeof data !== 'object') return `${head} ${show(data)}`;
  const parts = (SUMMARY[logical] ?? Object.keys(data).slice(0, 6))
    .map((path) => [path.split('.').pop(), field(data, path)] as const)
    .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([name, value]) => `${name}=${show(value)}`);
  return `${head} ${parts.join(' ')}`;
}
