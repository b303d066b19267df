import { outcomeRefusal, rulesFor } from './category';
import { PolicySchema, type PolicyInput } from './policy.schema';
import { defaultPolicy } from './testing/default-policy';

function withCategories(categories: PolicyInput['categories']) {
  const base = defaultPolicy();
  return PolicySchema.parse({ ...base, categories });
}

describe('rulesFor: defaults merged with the category override', () => {
  it('an unknown category gets the defaults', () => {
    const rules = rulesFor(defaultPolicy(), 'status_update');
    expect(rules).toEqual({
      category: 'status_update',
      weights: defaultPolicy().defaults.weights,
      bands: defaultPolicy().defaults.bands,
      inputs: { requiredFields: [], numericFields: [], categoricalFields: [], outlierZ: 3, minObservations: 30 },
      rollout: 'automate',
      maxRevisionRounds: 3,
      auditSampleRate: 0.05,
      coverageScale: 50,
      untilCertified: 'guide_bands',
      // No list for it: any outcome may be typed in.
      outcomes: [],
      freeTextOutcomes: true,
      configured: false,
    });
  });

  it("a category's outcome list: only those (and the AI's recommendation) may be decided, unless the policy allows free text", () => {
    const policy = defaultPolicy();
    const refund = rulesFor(policy, 'refund');
    expect(refund).toMatchObject({ outcomes: ['approve', 'deny', 'partial_refund', 'store_credit'], freeTextOutcomes: false });
    expect(outcomeRefusal(refund, 'partial_refund', 'approve')).toBeUndefined();
    expect(outcomeRefusal(refund, 'approve_refund', 'approve_refund')).toBeUndefined(); // the AI's own recommendation
    expect(outcomeRefusal(refund, 'denyy', 'approve')).toBe('outcome "denyy" is not one of refund\'s outcomes: approve, deny, partial_refund, store_credit');
    // The recommendation is named when it is outside the list; a blind case's is not (it must not show).
    expect(outcomeRefusal(refund, 'denyy', 'approve_refund')).toBe('outcome "denyy" is not one of refund\'s outcomes: approve_refund, approve, deny, partial_refund, store_credit');
    expect(outcomeRefusal(refund, 'denyy', 'approve_refund', true)).toBe('outcome "denyy" is not one of refund\'s outcomes: approve, deny, partial_refund, store_credit');
    expect(outcomeRefusal(refund, 'approve_refund', 'approve_refund', true)).toBeUndefined();
    // Free text beside the list, when the category allows it.
    policy.categories.refund.freeTextOutcomes = true;
    expect(outcomeRefusal(rulesFor(policy, 'refund'), 'denyy', 'approve')).toBeUndefined();
    // A category without a list takes any outcome; the defaults' list applies to categories without their own.
    expect(outcomeRefusal(rulesFor(policy, 'status_update'), 'anything at all', 'approve')).toBeUndefined();
    policy.defaults.outcomes = ['yes', 'no'];
    expect(rulesFor(policy, 'status_update')).toMatchObject({ outcomes: ['yes', 'no'], freeTextOutcomes: false });
    expect(outcomeRefusal(rulesFor(policy, 'status_update'), 'maybe', 'yes')).toContain('not one of status_update');
  });

  it('the demo categories have input rules matching the demo inputs', () => {
    expect(rulesFor(defaultPolicy(), 'refund').inputs).toMatchObject({ requiredFields: ['orderId', 'reason'], numericFields: ['accountAgeYears', 'previousRefunds'] });
    expect(rulesFor(defaultPolicy(), 'property_damage').inputs).toMatchObject({
      requiredFields: ['claimId', 'policyAgeYears'],
      numericFields: ['policyAgeYears', 'priorClaims', 'photos'],
      outlierZ: 3,
      minObservations: 30,
    });
  });

  // [setting, override, expected in the rules]
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['weights', { weights: { modelConfidence: 0.4, trainingDataCoverage: 0.2, inputQuality: 0.2, edgeCaseIndicators: 0.2 } }, { weights: { modelConfidence: 0.4, trainingDataCoverage: 0.2, inputQuality: 0.2, edgeCaseIndicators: 0.2 } }],
    ['bands', { bands: { autoApprove: 0.99, autoApproveAudit: 0.9, humanReview: 0.8 } }, { bands: { autoApprove: 0.99, autoApproveAudit: 0.9, humanReview: 0.8 } }],
    ['rollout stage', { rollout: 'shadow' }, { rollout: 'shadow' }],
    ['revision rounds', { maxRevisionRounds: 5 }, { maxRevisionRounds: 5 }],
    ['audit sample rate', { auditSampleRate: 0.2 }, { auditSampleRate: 0.2 }],
    ['coverage scale', { coverageScale: 10 }, { coverageScale: 10 }],
  ])('overrides %s and keeps the other defaults', (_name, override, expected) => {
    const rules = rulesFor(withCategories({ loan_decision: override }), 'loan_decision');
    expect(rules).toMatchObject({ ...expected, configured: true });
    const untouched = rulesFor(defaultPolicy(), 'status_update');
    for (const key of ['weights', 'bands', 'rollout', 'maxRevisionRounds', 'auditSampleRate', 'coverageScale'] as const) {
      if (!(key in expected)) expect(rules[key]).toEqual(untouched[key]);
    }
  });

  it('an inputs override replaces only the keys it names (outlierZ stays the default)', () => {
    const rules = rulesFor(withCategories({ loan_decision: { inputs: { requiredFields: ['applicationId'], minObservations: 5 } } }), 'loan_decision');
    expect(rules.inputs).toEqual({ requiredFields: ['applicationId'], numericFields: [], categoricalFields: [], outlierZ: 3, minObservations: 5 });
  });

  it('does not read inherited properties as categories', () => {
    expect(rulesFor(defaultPolicy(), 'constructor').configured).toBe(false);
  });
});
