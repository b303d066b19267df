import { ContractError } from '../errors';
import { exampleOf } from '../examples';
import type { TopicName } from '../topics';
import { parseEvent } from '../validate';

/** Dotted paths into a copy of the topic's example; `undefined` deletes the field. */
type Changes = Record<string, unknown>;

function changed(topic: TopicName, changes: Changes): unknown {
  const event = exampleOf(topic) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, event);
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return event;
}

const over200 = 'x'.repeat(201);

// [topic, what is wrong, changes, path of the expected issue]
const invalid: [TopicName, string, Changes, string][] = [
  ['prediction.submitted', 'probability above 1', { probability: 1.01 }, 'probability'],
  ['prediction.submitted', 'negative probability', { probability: -0.1 }, 'probability'],
  ['prediction.submitted', 'empty id', { predictionId: '' }, 'predictionId'],
  ['prediction.submitted', 'id over 200 chars', { predictionId: over200 }, 'predictionId'],
  ['prediction.submitted', 'id with a leading space', { predictionId: ' rfnd-1' }, 'predictionId'],
  ['prediction.submitted', 'blank model version', { modelVersion: '  ' }, 'modelVersion'],
  ['prediction.submitted', 'recommendation with a trailing space', { recommendation: 'approve_refund ' }, 'recommendation'],
  ['prediction.submitted', 'negative value', { value: -1 }, 'value'],
  ['prediction.submitted', 'lower-case currency', { currency: 'usd' }, 'currency'],
  ['prediction.submitted', 'unknown risk level', { riskLevel: 'extreme' }, 'riskLevel'],
  ['prediction.submitted', 'signal above 1', { 'signals.inputQuality': 2 }, 'signals.inputQuality'],
  ['prediction.submitted', 'time without offset', { submittedAt: '2026-01-06T09:15:00' }, 'submittedAt'],
  ['prediction.submitted', 'time not ISO', { submittedAt: 'Tue, 06 Jan 2026 09:15:00 GMT' }, 'submittedAt'],
  ['prediction.submitted', 'round 0', { round: 0 }, 'round'],
  ['prediction.submitted', 'fractional round', { round: 1.5 }, 'round'],
  ['prediction.submitted', 'capitalised category', { category: 'Refund' }, 'category'],
  ['prediction.submitted', 'capitalised tag', { tags: ['vip', 'VIP'] }, 'tags[1]'],
  ['prediction.submitted', 'producer with a space', { producer: 'refund assistant' }, 'producer'],
  ['prediction.submitted', 'input as an array', { input: [] }, 'input'],
  ['prediction.submitted', 'infinite probability', { probability: Infinity }, 'probability'],
  ['prediction.scored', 'factor above 1', { 'score.factors.inputQuality.value': 1.2 }, 'score.factors.inputQuality.value'],
  ['prediction.scored', 'unknown factor source', { 'score.factors.modelConfidence.source': 'guess' }, 'score.factors.modelConfidence.source'],
  ['prediction.scored', 'weights not summing to 1', { 'score.weights.inputQuality': 0.3 }, 'score.weights'],
  ['prediction.scored', 'unknown band', { 'score.band': 'maybe' }, 'score.band'],
  ['prediction.scored', 'overall above 1', { 'score.overall': 1.5 }, 'score.overall'],
  ['prediction.scored', 'unknown trigger kind', { triggers: [{ kind: 'hunch', name: 'x' }] }, 'triggers[0].kind'],
  ['prediction.scored', 'invalid nested prediction', { 'prediction.probability': 2 }, 'prediction.probability'],
  ['review.requested', 'priority above 100', { priority: 101 }, 'priority'],
  ['review.requested', 'negative priority', { priority: -1 }, 'priority'],
  ['review.requested', 'no eligible role', { eligibleRoles: [] }, 'eligibleRoles'],
  ['review.requested', 'zero approvals', { requiredApprovals: 0 }, 'requiredApprovals'],
  ['review.requested', 'unknown reason', { reason: 'bored' }, 'reason'],
  ['review.requested', 'unknown tier', { tier: 'triple_approval' }, 'tier'],
  ['review.requested', 'due before requested', { dueAt: '2026-01-06T09:00:00Z' }, 'dueAt'],
  ['review.requested', 'an exercise without what it exercises', { reason: 'exercise' }, 'exercise'],
  ['review.requested', 'exercise details on a live case', { exercise: { sourceCaseId: 'c-1', knownOutcome: 'deny' } }, 'exercise'],
  ['review.requested', 'bad context currency', { 'context.currency': 'usd' }, 'context.currency'],
  ['review.requested', 'context without producer', { 'context.producer': undefined }, 'context.producer'],
  ['review.decided', 'approve without outcome', { outcome: undefined }, 'outcome'],
  ['review.decided', 'override without outcome', { action: 'override', agreesWithAi: false, reason: 'no', outcome: undefined }, 'outcome'],
  ['review.decided', 'override without reason', { action: 'override', agreesWithAi: false, outcome: 'deny_refund' }, 'reason'],
  ['review.decided', 'override with a blank reason', { action: 'override', agreesWithAi: false, outcome: 'deny', reason: '  ' }, 'reason'],
  ['review.decided', 'request_info without question', { action: 'request_info' }, 'reason'],
  ['review.decided', 'escalate without reason', { action: 'escalate' }, 'reason'],
  ['review.decided', 'approve that disagrees', { agreesWithAi: false }, 'agreesWithAi'],
  ['review.decided', 'override that agrees', { action: 'override', outcome: 'deny', reason: 'fraud' }, 'agreesWithAi'],
  ['review.decided', 'decided before started', { decidedAt: '2026-01-06T09:00:00Z' }, 'decidedAt'],
  ['review.decided', 'unknown action', { action: 'deny' }, 'action'],
  ['escalation.fired', 'level 0', { level: 0 }, 'level'],
  ['escalation.fired', 'unknown reason', { reason: 'boredom' }, 'reason'],
  ['escalation.fired', 'role with spaces', { escalateTo: 'Team Lead' }, 'escalateTo'],
  ['decision.finalized', 'human without approvers', { approvers: [] }, 'approvers'],
  ['decision.finalized', 'auto with approvers', { decidedBy: 'auto' }, 'approvers'],
  ['decision.finalized', 'the same approver twice', { approvers: [{ reviewerId: 'a', role: 'x' }, { reviewerId: 'a', role: 'y' }] }, 'approvers'],
  ['decision.finalized', 'approver without role', { approvers: [{ reviewerId: 'a' }] }, 'approvers[0].role'],
  ['decision.finalized', 'negative latency', { latencyMs: -1 }, 'latencyMs'],
  ['decision.finalized', 'fractional latency', { latencyMs: 1.5 }, 'latencyMs'],
  ['revision.requested', 'round at maxRounds', { round: 3 }, 'round'],
  ['revision.requested', 'blank question', { question: ' ' }, 'question'],
  ['revision.requested', 'maxRounds 1', { maxRounds: 1 }, 'maxRounds'],
  ['revision.requested', 'requester without id', { 'requestedBy.reviewerId': undefined }, 'requestedBy.reviewerId'],
  ['feedback.captured', 'override without reason', { override: true }, 'reason'],
  ['feedback.captured', 'confidence above 1', { confidence: 1.5 }, 'confidence'],
  ['feedback.captured', 'negative review time', { reviewTimeMs: -1 }, 'reviewTimeMs'],
  ['retraining.triggered', 'too many example cases', { exampleCaseIds: Array.from({ length: 21 }, (_, i) => `c${i}`) }, 'exampleCaseIds'],
  ['retraining.triggered', 'empty window', { 'window.to': '2025-12-30T00:00:00.000Z' }, 'window.to'],
  ['retraining.triggered', 'override rate above 1', { overrideRate: 1.5 }, 'overrideRate'],
  ['retraining.triggered', 'no sample', { sampleSize: 0 }, 'sampleSize'],
  ['thresholds.calibrated', 'audit edge above auto edge', { 'bands.autoApproveAudit': 0.97 }, 'bands.autoApproveAudit'],
  ['thresholds.calibrated', 'equal review and audit edges', { 'bands.humanReview': 0.87 }, 'bands.humanReview'],
  ['thresholds.calibrated', 'edge above 1', { 'bands.autoApprove': 1.1 }, 'bands.autoApprove'],
  ['thresholds.calibrated', 'unknown mode', { mode: 'auto' }, 'mode'],
  ['thresholds.calibrated', 'error bound above 1', { 'evidence.errorUpperBound': 2 }, 'evidence.errorUpperBound'],
];

describe('event rules', () => {
  it.each(invalid)('%s: rejects %s', (topic, _what, changes, path) => {
    let error: unknown;
    try {
      parseEvent(topic, changed(topic, changes));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    const { code, issues, message } = error as ContractError;
    expect(code).toBe('INVALID_PAYLOAD');
    expect(issues.map((i) => i.path)).toContain(path);
    expect(message).toContain(`${path}: `);
  });

  // [topic, what is allowed, changes]
  const valid: [TopicName, string, Changes][] = [
    ['prediction.submitted', 'no optional fields', { value: undefined, currency: undefined, riskLevel: undefined, signals: undefined, tags: undefined, correlationId: undefined }],
    ['prediction.submitted', 'a time with an offset', { submittedAt: '2026-01-06T10:15:00.5+01:00' }],
    ['prediction.submitted', 'empty reasoning and input', { reasoning: '', input: {} }],
    ['prediction.submitted', 'probability at the edges', { probability: 0, 'signals.inputQuality': 1 }],
    ['review.decided', 'request_info without outcome', { action: 'request_info', outcome: undefined, reason: 'Serial number?', agreesWithAi: false }],
    ['review.decided', 'escalate that agrees', { action: 'escalate', reason: 'Above my authority' }],
    ['review.decided', 'an instant decision', { decidedAt: '2026-01-06T09:21:10.000Z' }],
    ['decision.finalized', 'auto without approvers', { decidedBy: 'auto', approvers: [], auditSampled: true }],
    ['revision.requested', 'the last possible round', { round: 2 }],
    ['feedback.captured', 'an override with a reason', { override: true, humanDecision: 'deny_refund', reason: 'Serial on fraud list' }],
    ['retraining.triggered', 'no example cases', { exampleCaseIds: [] }],
  ];

  it.each(valid)('%s: accepts %s', (topic, _what, changes) => {
    expect(() => parseEvent(topic, changed(topic, changes))).not.toThrow();
  });

  it('defaults round to 1 for a first submission', () => {
    expect(parseEvent('prediction.submitted', changed('prediction.submitted', { round: undefined })).round).toBe(1);
  });
});
