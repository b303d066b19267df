import { addOutcomes, emptyBins, poststratify, seededRandom, type Outcome } from '@hitl/trust';
import { loadPolicy } from '@hitl/policy';
import { controlLimit, cusumWeight } from '@hitl/trust';
import { applyOutcomes, certifyFor, newTrustDoc, poolable, type TrustDoc, type TrustObservation } from './trust-state';

const rules = loadPolicy(undefined, {}).feedback;
const now = new Date('2026-01-06T12:00:00.000Z');

let offset = 0;
function outcomes(count: number, make: (i: number) => Partial<TrustObservation>): TrustObservation[] {
  return Array.from({ length: count }, (_, i) => ({ basis: 0.995, wrong: false, weight: 1, source: 'decision.finalized:0', offset: offset++, caseId: `c${offset}`, at: now.toISOString(), ...make(i) }));
}

function feed(doc: TrustDoc, obs: TrustObservation[], batch = 50): TrustDoc {
  for (let i = 0; i < obs.length; i += batch) doc = applyOutcomes(doc, obs.slice(i, i + batch), rules, now) ?? doc;
  return doc;
}

/** A model whose error falls with its probability: 30 % wrong below 0.9, 5 % at 0.9–0.99, 0.2 % above. */
function stableModel(random: () => number) {
  return () => {
    const basis = random() < 0.4 ? 0.5 + random() * 0.4 : random() < 0.5 ? 0.9 + random() * 0.09 : 0.99 + random() * 0.0099;
    const error = basis < 0.9 ? 0.3 : basis < 0.99 ? 0.05 : 0.002;
    return { basis, wrong: random() < error };
  };
}

describe('earned trust of one category and model (feedback)', () => {
  beforeEach(() => (offset = 0));

  it('publishes nothing before minOutcomes, then learning, then a certified threshold once the evidence bounds the error under the target', () => {
    let doc = newTrustDoc('refund', 'm1');
    doc = feed(doc, outcomes(rules.trust.minOutcomes - 1, () => ({})));
    expect(doc.published).toBeUndefined();
    expect(doc.pending).toEqual([]);
    doc = feed(doc, outcomes(1, () => ({})));
    // 30 outcomes, none wrong: the one-sided 95 % bound is 9.5 %, above the 2 % target.
    expect(doc.published).toMatchObject({ state: 'learning', threshold: null, version: 1 });
    doc = feed(doc, outcomes(100, () => ({})));
    expect(doc.published).toMatchObject({ state: 'learning', threshold: null });
    doc = feed(doc, outcomes(100, () => ({})));
    // 149 right outcomes bound the error at 1.99 %: certified.
    expect(doc.published).toMatchObject({ state: 'certified', threshold: 0.994988 });
    expect(doc.published!.evidence.errorUpperBound).toBeLessThanOrEqual(0.02);
    expect(doc.pending.every((p) => p.topic === 'trust.updated')).toBe(true);
    expect(doc.pending.map((p) => (p.topic === 'trust.updated' ? p.event.version : 0))).toEqual(doc.pending.map((_, i) => i + 1));
  });

  it('certifies where the model is right often enough and not below, on a stable model', () => {
    const draw = stableModel(seededRandom(7));
    const doc = feed(newTrustDoc('refund', 'm1'), outcomes(4000, () => draw()));
    expect(doc.published?.state).toBe('certified');
    // Above 0.99 the error is 0.2 %; 0.9–0.99 holds 5 %, so the set can reach down a little into it but not to 0.9.
    expect(doc.published!.threshold).toBeGreaterThan(0.9);
    expect(doc.published!.threshold).toBeLessThanOrEqual(0.99);
    expect(doc.stop).toBeUndefined();
  });

  it('a redelivered batch changes nothing', () => {
    const batch = outcomes(40, () => ({}));
    const doc = applyOutcomes(newTrustDoc('refund', 'm1'), batch, rules, now)!;
    expect(applyOutcomes({ ...doc, pending: [] }, batch, rules, now)).toBeUndefined();
  });

  it('a model that turns wrong on every case is stopped within a few audits, says why on retraining.triggered, and is not certified again while it stays wrong', () => {
    const draw = stableModel(seededRandom(11));
    let doc = feed(newTrustDoc('refund', 'm1'), outcomes(4000, () => draw()));
    expect(doc.published?.state).toBe('certified');
    doc = { ...doc, pending: [] };
    // With audits alone (the worst case: no human-reviewed case beside them), the ×20 chart needs
    // ⌈h / ln(p1/p0)⌉ wrong audits, p0 the 99 % bound of the top calibration step, h = ln(2·100,000/0.01) = 16.8.
    const p0 = doc.reference.filter((r) => r.from <= 0.995).at(-1)!.p0;
    const needed = Math.ceil(controlLimit(rules.trust.drift) / cusumWeight(true, p0, 20));
    expect(needed).toBeLessThanOrEqual(10);
    // Audits of auto-approvals (sampled at 5 %: weight 20), every one now wrong.
    expect(doc.published!.auditRate).toBeLessThan(rules.trust.audit.ceiling);
    const toWarn = Math.ceil((rules.trust.drift.warningLevel * controlLimit(rules.trust.drift)) / cusumWeight(true, p0, 20));
    let audits = 0;
    while (!doc.stop && audits < 20) {
      doc = feed(doc, outcomes(1, () => ({ basis: 0.995, wrong: true, weight: 20, source: 'review.decided:0' })), 1);
      audits++;
      // From the warning on, until the alarm, the category is audited at the ceiling (published at once),
      // and its evidence leaves the pool its siblings are certified on.
      if (!doc.stop) expect(doc.published!.auditRate === rules.trust.audit.ceiling).toBe(audits >= toWarn);
      expect(poolable(doc, rules)).toBe(audits < toWarn);
    }
    expect(toWarn).toBeLessThan(needed);
    expect(doc.stop).toMatchObject({ reason: expect.stringMatching(/drift|bound/) });
    expect(audits).toBeLessThanOrEqual(needed);
    expect(doc.published).toMatchObject({ state: 'stopped', threshold: null, epoch: 1 });
    expect(doc.pending.filter((p) => p.topic === 'retraining.triggered')).toEqual([expect.objectContaining({ event: expect.objectContaining({ drift: expect.objectContaining({ method: 'risk_adjusted_cusum' }) }) })]);
    // Everything goes to people now; they keep overriding the model: it stays stopped.
    doc = feed(doc, outcomes(600, (i) => ({ basis: 0.9 + (i % 99) / 1000, wrong: true })), 5);
    expect(doc.published).toMatchObject({ state: 'stopped', threshold: null });
  });

  it('a stable model raises no alarm over 20,000 further outcomes', () => {
    const draw = stableModel(seededRandom(3));
    let doc = feed(newTrustDoc('refund', 'm1'), outcomes(4000, () => draw()));
    doc = feed(doc, outcomes(20_000, () => draw()), 500);
    expect(doc.alarms).toBe(0);
    expect(doc.published!.auditRate).toBeLessThan(rules.trust.audit.ceiling);
    expect(doc.stop).toBeUndefined();
    expect(doc.published?.state).toBe('certified');
  });

  it('a stop lifts once the evidence gathered after it certifies again', () => {
    const draw = stableModel(seededRandom(5));
    let doc = feed(newTrustDoc('refund', 'm1'), outcomes(4000, () => draw()));
    doc = feed(doc, outcomes(8, () => ({ wrong: true, weight: 20 })), 1);
    expect(doc.published?.state).toBe('stopped');
    // A retrained model is fine again: people decide everything, the new epoch fills with good outcomes.
    doc = feed(doc, outcomes(4000, () => draw()));
    expect(doc.stop).toBeUndefined();
    expect(doc.published).toMatchObject({ state: 'certified', epoch: 1 });
  });
});

describe('pooling by model (trust.pool)', () => {
  const binsOf = (outcomes: Outcome[]) => poststratify(addOutcomes(emptyBins(), outcomes));
  const stable = (count: number, seed: number) => {
    const draw = stableModel(seededRandom(seed));
    return Array.from({ length: count }, () => ({ ...draw(), weight: 1 }));
  };
  // The other categories of the model: 6,000 outcomes of the stable model.
  const siblings = binsOf(stable(6000, 21));
  const categoryOnly = { ...rules, trust: { ...rules.trust, pool: 'category' as const } };

  it("certifies a category that has too few outcomes of its own on the model's, looser than its own", () => {
    const mine = binsOf(stable(400, 22));
    const own = certifyFor(mine, [], rules);
    const pooled = certifyFor(mine, siblings, rules);
    expect(pooled.pooled).toBe(true);
    expect(pooled.threshold).not.toBeNull();
    expect(own.threshold === null || pooled.threshold! < own.threshold).toBe(true);
    // Policy pool: category: its own evidence alone, siblings or not.
    expect(certifyFor(mine, siblings, categoryOnly)).toEqual({ ...own, pooled: false });
  });

  it("keeps a category's own certification when it is at least as loose", () => {
    const mine = binsOf(stable(20_000, 23));
    const own = certifyFor(mine, [], rules);
    const withOthers = certifyFor(mine, binsOf(stable(300, 24)), rules);
    expect(withOthers).toEqual({ ...own, pooled: false });
  });

  it("refuses the model's threshold to a category whose own outcomes there refute it, or that has fewer than minOutcomes there", () => {
    const pooledThreshold = certifyFor(binsOf(stable(400, 22)), siblings, rules).threshold!;
    // 300 outcomes at or above the pooled threshold, 10 % of them wrong: the lower bound is past 2 %.
    const worse = binsOf(Array.from({ length: 300 }, (_, i) => ({ basis: Math.min(0.9999, pooledThreshold + 0.001), wrong: i % 10 === 0, weight: 1 })));
    expect(certifyFor(worse, siblings, rules)).toMatchObject({ pooled: false, threshold: null });
    const few = binsOf(Array.from({ length: rules.trust.minOutcomes - 1 }, () => ({ basis: Math.min(0.9999, pooledThreshold + 0.001), wrong: false, weight: 1 })));
    expect(certifyFor(few, siblings, rules)).toMatchObject({ pooled: false });
  });

  it("never lifts a stop on the other categories' evidence: only the category's own outcomes after it do", () => {
    const draw = stableModel(seededRandom(25));
    let doc = feed(newTrustDoc('refund', 'm1'), outcomes(4000, () => draw()));
    doc = feed(doc, outcomes(8, () => ({ wrong: true, weight: 20 })), 1);
    expect(doc.published?.state).toBe('stopped');
    for (let i = 0; i < 10; i++) doc = applyOutcomes(doc, outcomes(40, () => draw()), rules, now, siblings) ?? doc;
    expect(doc.published).toMatchObject({ state: 'stopped', threshold: null });
  });
});
