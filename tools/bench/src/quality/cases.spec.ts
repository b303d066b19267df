import { buildCases, categoriesOf, categoryOf, resolveCategory, split } from './cases';
import type { Dataset, Example } from './datasets';
import { SoftmaxRegression } from './model';
import { benchPolicy } from './policy';
import { seededRandom } from './random';
import { actionFor, reviewerBelief } from './reviewers';

const examples: Example[] = Array.from({ length: 600 }, (_, i) => ({
  id: `e${i}`,
  label: i % 3,
  summary: { n: i },
  features: { index: Int32Array.from([i % 3]), value: Float32Array.from([1]) },
}));
const dataset: Dataset = { name: 'mnist', source: 't', description: 't', labels: ['zero', 'one', 'two'], dimensions: 3, examples };

/** A model that is right on every example: feature k → class k, p ≈ 0.87. */
function perfectModel(): SoftmaxRegression {
  const m = new SoftmaxRegression(3, 3);
  for (let k = 0; k < 3; k++) m.weights[k * 4 + k] = 2.6;
  return m;
}

describe('quality bench cases', () => {
  it('puts every example in one of three categories by a hash of its id, about evenly', () => {
    expect(categoriesOf('spam')).toEqual(['spam_a', 'spam_b', 'spam_c']);
    const counts = new Map<string, number>();
    for (const e of examples) counts.set(categoryOf('mnist', e.id), (counts.get(categoryOf('mnist', e.id)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['mnist_a', 'mnist_b', 'mnist_c']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(150);
    expect(categoryOf('mnist', 'e7')).toBe(categoryOf('mnist', 'e7'));
    expect(resolveCategory('mnist', 'b')).toBe('mnist_b');
    expect(resolveCategory('mnist', 'mnist_c')).toBe('mnist_c');
    expect(() => resolveCategory('mnist', 'd')).toThrow(/none of mnist_a, mnist_b, mnist_c/);
  });

  it('splits deterministically for a seed', () => {
    const a = split(examples, 0.5, 1);
    expect(a.train).toHaveLength(300);
    expect(a.heldOut).toHaveLength(300);
    expect(split(examples, 0.5, 1).heldOut.map((e) => e.id)).toEqual(a.heldOut.map((e) => e.id));
    expect(split(examples, 0.5, 2).heldOut.map((e) => e.id)).not.toEqual(a.heldOut.map((e) => e.id));
    expect(new Set([...a.train, ...a.heldOut].map((e) => e.id)).size).toBe(600);
  });

  it('publishes plain predictions without signals; drift makes one category wrong with the same probability', () => {
    const cases = buildCases(examples, dataset, perfectModel(), { run: 'r1', modelVersion: 'mnist-strong-seed1', driftCategory: 'mnist_a', driftFrom: 300 });
    expect(cases).toHaveLength(600);
    const first = cases[0];
    expect(first.prediction).toMatchObject({ predictionId: 'qr1-0', producer: 'bench-quality', modelVersion: 'mnist-strong-seed1', riskLevel: 'low', value: 20, round: 1 });
    expect(first.prediction).not.toHaveProperty('signals');
    expect(first.prediction.input).toEqual({ case: 0, n: 0 });
    expect(first.prediction.probability).toBe(first.probability);
    for (const c of cases) {
      const shouldDrift = c.category === 'mnist_a' && c.seq >= 300;
      expect(c.drifted).toBe(shouldDrift);
      expect(c.recommendation === c.truth).toBe(!shouldDrift);
      expect(c.probability).toBeCloseTo(cases.find((o) => o.truth === c.truth)!.probability, 12);
    }
  });

  it('aims the default policy at the bench target, with earned trust from the first case and the AI–human disagreement on, and says so', () => {
    const base = 'version: x\narbitration:\n  roles: [senior_reviewer]\nfeedback:\n  calibration:\n    mode: recommend\n    modes: {refund: off}\n    targetErrorRate: 0.02\n  trust:\n    untilCertified: guide_bands\n';
    const { policy, changed } = benchPolicy(base, 0.05);
    expect(policy).toEqual({
      version: 'x',
      arbitration: { roles: ['senior_reviewer'], aiDisagreementTiers: ['single_approver', 'dual_approval', 'executive_review'] },
      feedback: { calibration: { mode: 'recommend', modes: { refund: 'off' }, targetErrorRate: 0.05 }, trust: { untilCertified: 'assist' } },
    });
    expect(changed).toEqual(['feedback.calibration.targetErrorRate: 0.05', 'feedback.trust.untilCertified: assist', 'arbitration.aiDisagreementTiers: [single_approver, dual_approval, executive_review]']);
    // A policy that already says so is left as it is.
    expect(benchPolicy(base.replace('guide_bands', 'assist'), 0.02).changed).toEqual(['feedback.calibration.targetErrorRate: 0.02', 'arbitration.aiDisagreementTiers: [single_approver, dual_approval, executive_review]']);
  });

  it('with --confirmations, sets how many people must back an override, and says so', () => {
    const base = 'version: x\narbitration:\n  roles: [senior_reviewer]\n  aiDisagreementTiers: [single_approver, dual_approval, executive_review]\n';
    const { policy, changed } = benchPolicy(base, 0.02, undefined, 2);
    expect(policy.arbitration).toEqual({ roles: ['senior_reviewer'], aiDisagreementTiers: ['single_approver', 'dual_approval', 'executive_review'], overturnConfirmations: 2 });
    expect(changed).toEqual(['arbitration.overturnConfirmations: 2']);
  });

  it("sets the audit planning window to the run's length (5,000 cases at 5/s: 0.0116 days), never under the schema's 0.01", () => {
    const base = 'version: x\nfeedback:\n  trust:\n    untilCertified: assist\n    audit: {floor: 0.05, ceiling: 0.5, windowDays: 7}\n';
    const long = benchPolicy(base, 0.02, 5000 / 5 / 86_400);
    expect(long.policy).toMatchObject({ feedback: { trust: { audit: { floor: 0.05, ceiling: 0.5, windowDays: 0.0116 } } } });
    expect(long.changed).toContain("feedback.trust.audit.windowDays: 0.0116 (the run's length)");
    expect(benchPolicy(base, 0.02, 100 / 25 / 86_400).policy).toMatchObject({ feedback: { trust: { audit: { windowDays: 0.01 } } } });
    expect(benchPolicy(base, 0.02).policy).toMatchObject({ feedback: { trust: { audit: { windowDays: 7 } } } });
  });
});

describe('simulated reviewers', () => {
  it('know the truth, and are wrong at the configured rate, with another label', () => {
    const random = seededRandom(9);
    const truth = { truth: 'cat', labels: ['cat', 'dog', 'eel'] };
    const beliefs = Array.from({ length: 20_000 }, () => reviewerBelief(truth, 0.1, random));
    const wrong = beliefs.filter((b) => b !== 'cat');
    expect(wrong.length / beliefs.length).toBeGreaterThan(0.09);
    expect(wrong.length / beliefs.length).toBeLessThan(0.11);
    expect(new Set(wrong)).toEqual(new Set(['dog', 'eel']));
    expect(Array.from({ length: 100 }, () => reviewerBelief(truth, 0, random)).every((b) => b === 'cat')).toBe(true);
  });

  it('approve what they believe, override otherwise with a reason, and decide blind cases', () => {
    expect(actionFor({ blind: false, recommendation: 'cat' }, 'cat')).toEqual({ path: 'approve', body: {} });
    expect(actionFor({ blind: false, recommendation: 'dog' }, 'cat')).toEqual({ path: 'override', body: { outcome: 'cat', reason: 'The record shows cat, not dog.' } });
    expect(actionFor({ blind: true, recommendation: null }, 'cat')).toMatchObject({ path: 'decide', body: { outcome: 'cat' } });
    // With the policy's reason code, when it lists any.
    expect(actionFor({ blind: false, recommendation: 'dog' }, 'cat', 'missed_evidence')).toEqual({ path: 'override', body: { outcome: 'cat', reason: 'The record shows cat, not dog.', reasonCode: 'missed_evidence' } });
  });
});
