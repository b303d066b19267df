import fc from 'fast-check';
import type { EventOf } from '../registry';
import type { TopicName } from '../topics';
import {
  Bands,
  CalibrationModes,
  EscalationReasons,
  FactorSources,
  ReviewReasons,
  RiskLevels,
  Tiers,
  TriggerKinds,
} from '../events/vocabulary';

/*
 * fast-check arbitraries producing valid events of every topic, in their validated (output)
 * form: the shape a consumer receives after decodeEvent. They honour every cross-field rule
 * of the schemas, so a property failure points at the codec, not at the generator.
 */

const MIN_TIME = new Date('2000-01-01T00:00:00.000Z').getTime();
const MAX_TIME = new Date('2099-12-31T00:00:00.000Z').getTime();
const DAY_MS = 86_400_000;

/** Ids, versions and outcomes are compared for equality, so the contract forbids stray whitespace. */
const trimmed = (maxLength: number) =>
  fc.string({ minLength: 1, maxLength, unit: 'grapheme' }).filter((s) => s.length > 0 && s.trim() === s);
const id = trimmed(40);
const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,30}$/);
const producer = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}$/);
const version = trimmed(20);
const outcome = trimmed(50);
// 'binary' includes lone surrogates: free text must survive JSON and UTF-8 whatever a person typed.
const text = fc.string({ maxLength: 200, unit: 'binary' });
const requiredText = text.filter((s) => s.trim().length > 0);
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const money = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
const round = fc.integer({ min: 1, max: 20 });
const count = fc.integer({ min: 0, max: 1_000_000 });
const currency = fc.stringMatching(/^[A-Z]{3}$/);

const millis = fc.integer({ min: MIN_TIME, max: MAX_TIME });

/** RFC 3339 with a 'Z' or a numeric offset, both of which the contract accepts. */
function isoAt(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const offset = fc.oneof(fc.constant(0), fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15));
const timestamp = fc.tuple(millis, offset).map(([ms, off]) => isoAt(ms, off));

/** Two times, the second not before the first (strictly after when `strict`). */
function orderedTimes(strict = false): fc.Arbitrary<[string, string]> {
  return fc
    .tuple(millis, fc.integer({ min: strict ? 1 : 0, max: DAY_MS }), offset, offset)
    .map(([ms, delta, a, b]) => [isoAt(ms, a), isoAt(ms + delta, b)]);
}

// What JSON can carry: -0 becomes 0 on the wire. Top-level "__proto__" keys are dropped by
// zod's record parsing (a safety feature), so they cannot round-trip either.
const jsonObject = fc
  .dictionary(fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__'), fc.jsonValue({ maxDepth: 3 }), {
    maxKeys: 6,
    noNullPrototype: true,
  })
  .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

const reviewerRef = fc.record({ reviewerId: id, role: slug });

const factorValue = fc.record({ value: unit, source: fc.constantFrom(...FactorSources) });

const weights = fc
  .tuple(...Array.from({ length: 4 }, () => fc.double({ min: 0.01, max: 1, noNaN: true })))
  .map(([a, b, c, d]) => {
    const sum = a + b + c + d;
    return { modelConfidence: a / sum, trainingDataCoverage: b / sum, inputQuality: c / sum, edgeCaseIndicators: d / sum };
  });

const score = fc.record({
  overall: unit,
  factors: fc.record({
    modelConfidence: factorValue,
    trainingDataCoverage: factorValue,
    inputQuality: factorValue,
    edgeCaseIndicators: factorValue,
  }),
  weights,
  band: fc.constantFrom(...Bands),
});

/** A record whose `optional` keys are each present or absent, never `undefined`. */
function withOptional<R, O>(
  required: { [K in keyof R]: fc.Arbitrary<R[K]> },
  optional: { [K in keyof O]: fc.Arbitrary<O[K]> },
): fc.Arbitrary<R & Partial<O>> {
  const present = fc.record(required) as fc.Arbitrary<R>;
  const maybe = fc.record(optional, { requiredKeys: [] }) as fc.Arbitrary<Partial<O>>;
  return fc.tuple(present, maybe).map(([r, o]) => ({ ...r, ...o }));
}

const trigger = withOptional({ kind: fc.constantFrom(...TriggerKinds), name: slug }, { detail: text });

const predictionSubmitted: fc.Arbitrary<EventOf<'prediction.submitted'>> = withOptional(
  {
    predictionId: id,
    producer,
    modelVersion: version,
    category: slug,
    recommendation: outcome,
    probability: unit,
    reasoning: text,
    input: jsonObject,
    submittedAt: timestamp,
    round,
  },
  {
    value: money,
    currency,
    riskLevel: fc.constantFrom(...RiskLevels),
    signals: withOptional({}, { modelConfidence: unit, trainingDataCoverage: unit, inputQuality: unit, edgeCaseIndicators: unit }),
    tags: fc.array(slug, { maxLength: 5 }),
    correlationId: id,
  },
);

const predictionScored: fc.Arbitrary<EventOf<'prediction.scored'>> = fc.record({
  prediction: predictionSubmitted,
  score,
  triggers: fc.array(trigger, { maxLength: 3 }),
  explanation: text,
  policyVersion: version,
  scoredAt: timestamp,
});

const reviewContext = withOptional(
  { category: slug, input: jsonObject, reasoning: text, modelVersion: version, producer },
  { value: money, currency, riskLevel: fc.constantFrom(...RiskLevels), tags: fc.array(slug, { maxLength: 5 }) },
);

const reviewRequested: fc.Arbitrary<EventOf<'review.requested'>> = withOptional(
  {
    caseId: id,
    predictionId: id,
    tier: fc.constantFrom(...Tiers),
    requiredApprovals: fc.integer({ min: 1, max: 10 }),
    eligibleRoles: fc.array(slug, { minLength: 1, maxLength: 5 }),
    reason: fc.constantFrom(...ReviewReasons),
    priority: fc.integer({ min: 0, max: 100 }),
    times: orderedTimes(),
    round,
    recommendation: outcome,
    score,
    context: reviewContext,
    explanation: text,
    policyVersion: version,
  },
  { triggers: fc.array(trigger, { maxLength: 3 }), rollout: fc.constantFrom('shadow' as const, 'assist' as const), exercise: fc.record({ sourceCaseId: id, knownOutcome: outcome }) },
).map(({ times: [requestedAt, dueAt], exercise, ...rest }) => ({
  ...rest,
  requestedAt,
  dueAt,
  // The exercise details come exactly with reason exercise.
  ...(rest.reason === 'exercise' ? { exercise: exercise ?? { sourceCaseId: rest.caseId, knownOutcome: rest.recommendation } } : {}),
}));

const reviewDecided: fc.Arbitrary<EventOf<'review.decided'>> = fc
  .record({ caseId: id, decisionId: id, reviewerId: id, role: slug, round, times: orderedTimes() })
  .chain(({ times: [startedAt, decidedAt], ...base }) => {
    const common = { ...base, startedAt, decidedAt };
    return fc.oneof(
      withOptional({ outcome }, { reason: text }).map((r) => ({
        ...common,
        ...r,
        action: 'approve' as const,
        agreesWithAi: true,
      })),
      fc.record({ outcome, reason: requiredText }).map((r) => ({ ...common, ...r, action: 'override' as const, agreesWithAi: false })),
      withOptional(
        { action: fc.constantFrom('request_info' as const, 'escalate' as const), reason: requiredText, agreesWithAi: fc.boolean() },
        { outcome },
      ).map((r) => ({ ...common, ...r })),
    );
  });

const escalationFired: fc.Arbitrary<EventOf<'escalation.fired'>> = withOptional(
  {
    caseId: id,
    level: fc.integer({ min: 1, max: 10 }),
    escalateTo: slug,
    reason: fc.constantFrom(...EscalationReasons),
    firedAt: timestamp,
  },
  { round, dueAt: timestamp, detail: text },
);

const decisionFinalized: fc.Arbitrary<EventOf<'decision.finalized'>> = withOptional(
  {
    caseId: id,
    predictionId: id,
    outcome,
    human: fc.boolean(),
    approvers: fc.uniqueArray(reviewerRef, { minLength: 1, maxLength: 3, selector: (r) => r.reviewerId }),
    band: fc.constantFrom(...Bands),
    tier: fc.constantFrom(...Tiers),
    policyVersion: version,
    finalizedAt: timestamp,
    latencyMs: count,
  },
  { auditSampled: fc.boolean(), shadow: fc.boolean() },
).map(({ human, approvers, ...rest }) => ({
  ...rest,
  decidedBy: human ? ('human' as const) : ('auto' as const),
  approvers: human ? approvers : [],
}));

const revisionRequested: fc.Arbitrary<EventOf<'revision.requested'>> = fc
  .integer({ min: 2, max: 10 })
  .chain((maxRounds) =>
    fc.record({
      caseId: id,
      predictionId: id,
      round: fc.integer({ min: 1, max: maxRounds - 1 }),
      question: requiredText,
      requestedBy: reviewerRef,
      requestedAt: timestamp,
      maxRounds: fc.constant(maxRounds),
    }),
  );

const feedbackCaptured: fc.Arbitrary<EventOf<'feedback.captured'>> = fc
  .record({
    feedbackId: id,
    caseId: id,
    predictionId: id,
    category: slug,
    modelVersion: version,
    aiRecommendation: outcome,
    humanDecision: outcome,
    reviewerId: id,
    role: slug,
    reviewTimeMs: count,
    band: fc.constantFrom(...Bands),
    confidence: unit,
    tier: fc.constantFrom(...Tiers),
    round,
    capturedAt: timestamp,
  })
  .chain((base) =>
    fc.oneof(
      requiredText.map((reason) => ({ ...base, override: true, reason })),
      withOptional({}, { reason: text }).map((r) => ({ ...base, override: false, ...r })),
    ),
  );

const retrainingTriggered: fc.Arbitrary<EventOf<'retraining.triggered'>> = fc.record({
  category: slug,
  modelVersion: version,
  overrideRate: unit,
  threshold: unit,
  window: orderedTimes(true).map(([from, to]) => ({ from, to })),
  sampleSize: fc.integer({ min: 1, max: 1_000_000 }),
  exampleCaseIds: fc.array(id, { maxLength: 20 }),
  triggeredAt: timestamp,
});

const thresholdsCalibrated: fc.Arbitrary<EventOf<'thresholds.calibrated'>> = fc.record({
  category: slug,
  bands: fc
    .uniqueArray(unit, { minLength: 3, maxLength: 3 })
    .map((edges) => edges.sort((a, b) => b - a))
    .map(([autoApprove, autoApproveAudit, humanReview]) => ({ autoApprove, autoApproveAudit, humanReview })),
  evidence: fc.record({ sampleSize: count, errorUpperBound: unit, targetErrorRate: unit, method: slug }),
  mode: fc.constantFrom(...CalibrationModes),
  previousPolicyVersion: version,
  policyVersion: version,
  calibratedAt: timestamp,
});

const trustUpdated: fc.Arbitrary<EventOf<'trust.updated'>> = fc
  .record({
    category: slug,
    modelVersion: version,
    version: fc.integer({ min: 1, max: 1_000_000 }),
    mode: fc.constantFrom(...CalibrationModes),
    calibration: fc.array(fc.record({ from: unit, probabilityRight: unit, outcomes: count }), { maxLength: 5 }),
    threshold: unit,
    evidence: fc.record({ outcomes: count, effectiveOutcomes: count, errorEstimate: unit, errorUpperBound: unit, targetErrorRate: unit, confidenceLevel: unit, method: slug }),
    auditRate: unit,
    epoch: fc.integer({ min: 0, max: 1000 }),
    updatedAt: timestamp,
    stopped: fc.boolean(),
  })
  .map(({ stopped, ...e }) =>
    stopped ? { ...e, state: 'stopped' as const, stop: { reason: 'drift' as const, detail: 'audits overturned', since: e.updatedAt } } : { ...e, state: 'certified' as const },
  );

const trustControl: fc.Arbitrary<EventOf<'trust.control'>> = fc.record({
  category: slug,
  modelVersion: version,
  action: fc.constantFrom('stop' as const, 'lift' as const),
  reason: fc.string({ minLength: 3, maxLength: 50 }).filter((s) => s.trim().length >= 3),
  by: fc.record({ reviewerId: id, role: slug }),
  controlId: id,
  requestedAt: timestamp,
});

export const eventArbitraries: { readonly [K in TopicName]: fc.Arbitrary<EventOf<K>> } = {
  'prediction.submitted': predictionSubmitted,
  'prediction.scored': predictionScored,
  'review.requested': reviewRequested,
  'review.decided': reviewDecided,
  'escalation.fired': escalationFired,
  'decision.finalized': decisionFinalized,
  'revision.requested': revisionRequested,
  'feedback.captured': feedbackCaptured,
  'retraining.triggered': retrainingTriggered,
  'thresholds.calibrated': thresholdsCalibrated,
  'trust.updated': trustUpdated,
  'trust.control': trustControl,
};

export function arbitraryEvent<K extends TopicName>(topic: K): fc.Arbitrary<EventOf<K>> {
  return eventArbitraries[topic];
}
