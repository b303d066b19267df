import { exampleOf, parseEvent, Topics, type Band, type PredictionSubmittedV1 } from '@hitl/contracts';
import { loadPolicy, rulesFor, type CategoryRules } from '@hitl/policy';
import { CategoryStats } from './category-stats/category-stats';
import { caseSignature } from './factors/case-signature';
import { EMPTY_SNAPSHOT, type CategorySnapshot } from './factors/category-snapshot';
import { scorePrediction } from './score-prediction';

const policy = loadPolicy(undefined, {});
const now = new Date('2026-01-06T09:15:00.184Z');
const refundRules = rulesFor(policy, 'refund'); // required orderId, reason; numeric accountAgeYears, previousRefunds; categorical reason

function refund(overrides: Partial<PredictionSubmittedV1> = {}): PredictionSubmittedV1 {
  return {
    predictionId: 'rf-1',
    producer: 'support-ai',
    modelVersion: 'support-4.2',
    category: 'refund',
    recommendation: 'approve',
    probability: 0.86,
    value: 127.5,
    currency: 'USD',
    riskLevel: 'low',
    reasoning: 'Customer is within the 30-day return window with a positive history.',
    input: { orderId: 'ORD-1', accountAgeYears: 3.2, previousRefunds: 2, reason: 'Sound quality not as expected' },
    tags: [],
    submittedAt: '2026-01-06T09:15:00.000Z',
    round: 1,
    ...overrides,
  };
}

function score(prediction: PredictionSubmittedV1, rules: CategoryRules = refundRules, stats: CategorySnapshot = EMPTY_SNAPSHOT, policyVersion = policy.version) {
  return scorePrediction(prediction, { policy, rules, stats, policyVersion, now });
}

const signals = (m: number, c: number, q: number, e: number) => ({ modelConfidence: m, trainingDataCoverage: c, inputQuality: q, edgeCaseIndicators: e });

describe('scorePrediction', () => {
  // Producer-supplied factors that give each row of the band table, edges included.
  it.each<[string, ReturnType<typeof signals>, number, Band]>([
    ['clear case', signals(1, 0.9, 1, 0.05), 0.96, 'auto_approve'],
    ['on the auto-approve edge', signals(0.95, 0.95, 0.95, 0.05), 0.95, 'auto_approve_audit'],
    ['audit band', signals(0.9, 0.9, 0.9, 0.1), 0.9, 'auto_approve_audit'],
    ['on the audit edge', signals(0.85, 0.85, 0.85, 0.15), 0.85, 'auto_approve_audit'],
    ['the guide review example', signals(0.8, 0.6, 1, 0.2), 0.78, 'human_review'],
    ['on the review edge', signals(0.7, 0.7, 0.7, 0.3), 0.7, 'human_review'],
    ['just below it', signals(0.7, 0.7, 0.7, 0.31), 0.698, 'senior_review'],
  ])('%s: producer signals → %p %s', (_what, s, overall, band) => {
    const scored = score(refund({ signals: s }));
    expect(scored.score).toEqual({
      overall,
      band,
      weights: policy.defaults.weights,
      factors: {
        modelConfidence: { value: s.modelConfidence, source: 'producer' },
        trainingDataCoverage: { value: s.trainingDataCoverage, source: 'producer' },
        inputQuality: { value: s.inputQuality, source: 'producer' },
        edgeCaseIndicators: { value: s.edgeCaseIndicators, source: 'producer' },
      },
      // No trust update yet for the model, and the default policy lets the guide's bands decide meanwhile.
      trust: { basis: s.modelConfidence, state: 'guide', automate: true, auditRate: 0.05, version: 0 },
    });
    expect(() => parseEvent(Topics.PredictionScored, scored)).not.toThrow();
  });

  it('computes what the producer left out; modelConfidence is the probability', () => {
    const scored = score(refund({ probability: 0.99 }));
    expect(scored.score.factors).toEqual({
      modelConfidence: { value: 0.99, source: 'computed' },
      trainingDataCoverage: { value: 0, source: 'computed' }, // no labelled data yet: low, not 1
      inputQuality: { value: 1, source: 'computed' },
      edgeCaseIndicators: { value: 0, source: 'computed' },
    });
    expect(scored.score.overall).toBe(0.697);
    expect(scored.score.band).toBe('senior_review');
    // 0.697 would read "0.70" at two decimals, the human-review edge it is below.
    expect(scored.explanation).toBe('0.697 senior review: model 0.99, coverage 0.00 (no similar labelled cases), input complete, no outliers');
  });

  it('a producer signal wins over its computed factor, one factor at a time', () => {
    const scored = score(refund({ probability: 0.5, signals: { modelConfidence: 0.9, inputQuality: 0.4 }, input: {} }));
    expect(scored.score.factors.modelConfidence).toEqual({ value: 0.9, source: 'producer' });
    expect(scored.score.factors.inputQuality).toEqual({ value: 0.4, source: 'producer' });
    expect(scored.score.factors.trainingDataCoverage.source).toBe('computed');
    expect(scored.explanation).toContain('model 0.90 (producer)');
    expect(scored.explanation).toContain('input 0.40 (producer)');
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['one required field missing', { orderId: 'ORD-1' }, 0.5, 'input missing reason'],
    ['both missing', { note: 'hello' }, 0, 'input missing orderId, reason'],
    ['blank', { orderId: 'ORD-1', reason: ' ' }, 0.5, 'input missing reason'],
  ])('input quality: %s', (_what, input, quality, words) => {
    const scored = score(refund({ input }));
    expect(scored.score.factors.inputQuality).toEqual({ value: quality, source: 'computed' });
    expect(scored.explanation).toContain(words);
  });

  /** A category with `agreeing` + `overridden` labelled cases similar to `prediction`, and one that is not. */
  function labelledLike(prediction: PredictionSubmittedV1, rules: CategoryRules, agreeing: number, overridden: number): CategoryStats {
    const stats = new CategoryStats();
    const { features } = caseSignature(prediction.recommendation, prediction.input, rules);
    for (let i = 0; i < agreeing + overridden; i++) stats.labelled.add({ id: `f${i}`, recommendation: prediction.recommendation, features, agrees: i < agreeing });
    stats.labelled.add({ id: 'other', recommendation: prediction.recommendation, features: `${prediction.recommendation}|something else`, agrees: true });
    return stats;
  }

  const coverageOf = (agreeing: number, overridden: number, rules: CategoryRules = refundRules) =>
    score(refund(), rules, labelledLike(refund(), rules, agreeing, overridden)).score.factors.trainingDataCoverage;

  it('reproduces the guide review-queue line from 12 of 15 similar labelled cases agreeing', () => {
    const rules = { ...refundRules, coverageScale: 14.5 };
    const scored = score(refund(), rules, labelledLike(refund(), rules, 12, 3));
    expect(scored.score.factors.trainingDataCoverage).toEqual({ value: 0.40678, source: 'computed' }); // 12 / (15 + 14.5)
    expect(scored.score.band).toBe('human_review');
    expect(scored.explanation).toBe('0.78 human review: model 0.86, coverage 0.41 (12 of 15 similar labelled cases agreed with the AI), input complete, no outliers');
  });

  it('coverage is agreement shrunk by the scale: 150 similar cases all agreeing give 0.75 at the default scale 50', () => {
    expect(refundRules.coverageScale).toBe(50);
    expect(coverageOf(150, 0)).toEqual({ value: 0.75, source: 'computed' });
  });

  it('overrides lower coverage: the same number of labels with more overrides gives less', () => {
    const values = [0, 30, 60, 90, 120, 150].map((overridden) => coverageOf(150 - overridden, overridden).value);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    expect(coverageOf(100, 1).value).toBeLessThan(coverageOf(100, 0).value); // one override more
  });

  it('a model wrong on every case gets coverage 0 however many labels: volume alone does not raise it', () => {
    for (const overridden of [1, 50, 150, 200, 1_000]) expect(coverageOf(0, overridden)).toEqual({ value: 0, source: 'computed' });
    const scored = score(refund({ probability: 0.99 }), refundRules, labelledLike(refund({ probability: 0.99 }), refundRules, 0, 200));
    expect(scored.score.overall).toBe(0.697); // as if nothing were labelled
    expect(scored.explanation).toContain('coverage 0.00 (0 of 200 similar labelled cases agreed with the AI)');
  });

  it('more labels with the same agreement share raise coverage toward that share, never above it', () => {
    const small = coverageOf(30, 10).value; // 75 % agreeing
    const large = coverageOf(3_000, 1_000).value;
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThan(0.75);
    expect(large).toBeGreaterThan(0.74); // 3000 / (4000 + 50)
  });

  it('outliers count once the category has minObservations', () => {
    const stats = new CategoryStats();
    for (let i = 0; i < 30; i++) stats.observe({ orderId: `O${i}`, accountAgeYears: 2 + (i % 3), previousRefunds: i % 2, reason: 'Wrong size' }, refundRules);
    const ordinary = score(refund({ input: { orderId: 'O', accountAgeYears: 3, previousRefunds: 1, reason: 'Wrong size' } }), refundRules, stats);
    expect(ordinary.score.factors.edgeCaseIndicators.value).toBe(0);
    const odd = score(refund({ input: { orderId: 'O', accountAgeYears: 3, previousRefunds: 40, reason: 'Wrong size' } }), refundRules, stats);
    expect(odd.score.factors.edgeCaseIndicators).toEqual({ value: 1, source: 'computed' });
    expect(odd.explanation).toMatch(/previousRefunds 40 is an outlier \(z \d+\.\d\)/);
    const unseen = score(refund({ input: { orderId: 'O', accountAgeYears: 3, previousRefunds: 1, reason: 'Never arrived' } }), refundRules, stats);
    expect(unseen.score.factors.edgeCaseIndicators).toEqual({ value: 0.5, source: 'computed' });
    expect(unseen.explanation).toContain('reason "Never arrived" never seen');
  });

  it('raises triggers; a critical flag makes the case a sure edge case', () => {
    const scored = score(refund({ tags: ['fraud_suspected', 'vip'], input: { orderId: 'O', reason: 'my lawyer says so' } }));
    expect(scored.triggers).toEqual([
      { kind: 'critical_flag', name: 'fraud_suspected', detail: 'tag fraud_suspected' },
      { kind: 'context', name: 'legal_action', detail: '"lawyer" in input.reason' },
      { kind: 'context', name: 'vip_customer', detail: 'tag vip' },
    ]);
    expect(scored.score.factors.edgeCaseIndicators).toEqual({ value: 1, source: 'computed' });
    expect(scored.explanation).toMatch(/flagged fraud_suspected; triggers: fraud_suspected, legal_action, vip_customer$/);
  });

  it("the producer's edge-case signal wins even over a flag; the trigger stays", () => {
    const scored = score(refund({ tags: ['fraud_suspected'], signals: { edgeCaseIndicators: 0.1 } }));
    expect(scored.score.factors.edgeCaseIndicators).toEqual({ value: 0.1, source: 'producer' });
    expect(scored.triggers.map((t) => t.name)).toEqual(['fraud_suspected']);
  });

  it('uses the category rules it is given: calibrated bands, weights, and reports the policy version', () => {
    const calibrated = { ...refundRules, bands: { autoApprove: 0.99, autoApproveAudit: 0.97, humanReview: 0.9 } };
    const scored = score(refund({ signals: signals(1, 0.9, 1, 0.05) }), calibrated, EMPTY_SNAPSHOT, 'guide-5+cal.refund.1');
    expect(scored.score.band).toBe('human_review');
    expect(scored.policyVersion).toBe('guide-5+cal.refund.1');
    const weighted = { ...refundRules, weights: { modelConfidence: 1, trainingDataCoverage: 0, inputQuality: 0, edgeCaseIndicators: 0 } };
    expect(score(refund({ probability: 0.97 }), weighted).score).toMatchObject({ overall: 0.97, band: 'auto_approve', weights: weighted.weights });
  });

  it('echoes the prediction and stamps the time', () => {
    const prediction = refund();
    const scored = score(prediction);
    expect(scored.prediction).toBe(prediction);
    expect(scored.scoredAt).toBe('2026-01-06T09:15:00.184Z');
    expect(scored.policyVersion).toBe('guide-5');
  });

  it('scores the contracts example (nested input, producer input quality)', () => {
    const example = exampleOf(Topics.PredictionSubmitted);
    const scored = score(example);
    expect(scored.score.factors.inputQuality).toEqual({ value: 0.95, source: 'producer' });
    expect(() => parseEvent(Topics.PredictionScored, scored)).not.toThrow();
  });
});
