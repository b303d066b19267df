import { exampleOf, Topics } from '@hitl/contracts';
import { loadPolicy, type Policy } from '@hitl/policy';
import { runBacktest } from './backtest';
import type { RecordedCase } from './recorded-case';
import { formatReport } from './report-table';
import { replay, rescore } from './replay';

const policy = loadPolicy();
const withBands = (version: string, autoApprove: number, autoApproveAudit: number): Policy => ({ ...policy, version, defaults: { ...policy.defaults, bands: { autoApprove, autoApproveAudit, humanReview: 0.7 } } });
const strict = withBands('strict-1', 0.98, 0.97);
const loose = withBands('loose-1', 0.95, 0.8);

/** A recorded refund of 40 (single_approver, automatable) whose factors are all `x` (edge cases 1 − x). */
function recorded(caseId: string, x: number, live: RecordedCase['live']['route'], extra: { tags?: string[]; outcome?: string } = {}): RecordedCase {
  const base = exampleOf(Topics.PredictionScored);
  const factor = (value: number) => ({ value, source: 'producer' as const });
  return {
    caseId,
    scored: {
      ...base,
      prediction: { ...base.prediction, predictionId: caseId, category: 'refund', recommendation: 'approve', value: 40, riskLevel: 'low', tags: extra.tags ?? [], reasoning: 'Within the return window.' },
      // overall and band as some other policy left them: the replay must not trust them.
      score: { ...base.score, overall: 0.5, band: 'senior_review', factors: { modelConfidence: factor(x), trainingDataCoverage: factor(x), inputQuality: factor(x), edgeCaseIndicators: factor(Math.round((1 - x) * 100) / 100) } },
      triggers: [{ kind: 'context', name: 'retired_trigger' }],
    },
    live: { route: live, escalations: [] },
    ...(extra.outcome ? { outcome: { value: extra.outcome, source: 'human_decision' as const } } : {}),
  };
}

describe('replaying a recorded case', () => {
  it('recomputes overall from the recorded factors with the policy weights, and the band from its bands', () => {
    const base = exampleOf(Topics.PredictionScored); // factors 0.91, 0.72, 0.95, edge 0.35
    expect(rescore(base, policy).score).toMatchObject({ overall: 0.809, band: 'human_review' });
    const modelOnly: Policy = { ...policy, categories: { ...policy.categories, refund: { ...policy.categories.refund, weights: { modelConfidence: 1, trainingDataCoverage: 0, inputQuality: 0, edgeCaseIndicators: 0 } } } };
    expect(rescore(base, modelOnly).score).toMatchObject({ overall: 0.91, band: 'auto_approve_audit', weights: { modelConfidence: 1 } });
    expect(rescore(base, strict).policyVersion).toBe('strict-1');
  });

  it('detects the triggers again with the policy: a retired one is gone, a tag the policy knows fires', () => {
    expect(rescore(recorded('t1', 0.99, 'auto').scored, policy).triggers).toEqual([]);
    expect(rescore(recorded('t2', 0.99, 'auto', { tags: ['vip'] }).scored, policy).triggers.map((t) => t.name)).toEqual(['vip_customer']);
  });

  it('routes with routing’s own rule: confident → auto; below a stricter band → people; a trigger → people and an immediate escalation', () => {
    expect(replay(recorded('r1', 0.96, 'auto'), policy)).toMatchObject({ decision: { kind: 'auto' }, immediateEscalations: 0 });
    expect(replay(recorded('r1', 0.96, 'auto'), strict)).toMatchObject({ decision: { kind: 'review', tier: 'single_approver', requiredApprovals: 1 } });
    expect(replay(recorded('r2', 0.99, 'auto', { tags: ['vip'] }), policy)).toMatchObject({ decision: { kind: 'review' }, immediateEscalations: 1 });
  });
});

describe('a backtest', () => {
  // Live: c1 and c2 auto-approved (0.99, 0.96), c3 (0.81) decided by a person who denied it.
  const cases = [recorded('c1', 0.99, 'auto'), recorded('c2', 0.96, 'auto'), recorded('c3', 0.81, 'human', { outcome: 'deny' })];
  const named = (p: Policy) => ({ file: `${p.version}.yaml`, policy: p });

  it('of the current policy against itself changes nothing and reproduces the live routes', () => {
    const r = runBacktest('cases.jsonl', cases, named(policy), named(policy));
    expect(r.current).toEqual(r.candidate);
    expect(r.current).toMatchObject({ cases: 3, autoApproved: 2, automationRate: 2 / 3 });
    expect(r.live).toMatchObject({ cases: 3, autoApproved: 2, human: 1, undecided: 0, automationRate: 2 / 3, knownOutcomes: 1 });
    expect(r.reproduced).toEqual({ routed: 3, matching: 3 });
    expect(r.changed).toEqual({ autoToHuman: [], humanToAuto: [] });
  });

  it('of a stricter candidate automates less and asks people more', () => {
    const r = runBacktest('cases.jsonl', cases, named(policy), named(strict));
    expect(r.candidate).toMatchObject({ autoApproved: 1, automationRate: 1 / 3 });
    expect(r.candidate.workload.byTier.single_approver).toEqual({ requests: 2, personReviews: 2 });
    expect(r.changed).toEqual({ autoToHuman: ['c2'], humanToAuto: [] });
  });

  it('of a looser candidate judges what it would auto-approve by the outcomes people gave', () => {
    const r = runBacktest('cases.jsonl', cases, named(policy), named(loose));
    expect(r.changed.humanToAuto).toEqual(['c3']);
    expect(r.current.error).toMatchObject({ known: 0, rate: null });
    expect(r.candidate.error).toMatchObject({ known: 1, wrong: 1, rate: 1, upperBound: 1 });
  });

  it('prints metric | current | candidate | change, then the method', () => {
    const text = formatReport(runBacktest('cases.jsonl', cases, named(policy), named(strict)));
    expect(text).toMatch(/^backtest of cases\.jsonl: 3 recorded cases\ncurrent: guide-\S+\.yaml \(guide-\S+\); candidate: strict-1\.yaml \(strict-1\)\n/);
    expect(text).toMatch(/^metric +\| current \(\S+\) +\| candidate \(strict-1\) +\| change$/m);
    expect(text).toMatch(/^automation rate +\| 66\.7% \(2\) +\| 33\.3% \(1\) +\| -33\.3 pp$/m);
    expect(text).toMatch(/^review requests: single_approver +\| 1 \(1 reviews\) +\| 2 \(2 reviews\) +\| \+1$/m);
    expect(text).toMatch(/^expected auto-approved error \(bound\) +\| n\/a \(no known outcome\) +\| n\/a \(no known outcome\) +\|$/m);
    expect(text).toMatch(/^cases moved auto -> people +\| +\| 1 +\|$/m);
    expect(text).toMatch(/^5\. Escalations: immediate = one per critical flag/m);
  });
});
