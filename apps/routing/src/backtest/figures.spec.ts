import { seededRandom } from '@hitl/trust';
import { exampleOf, Topics, type Tier } from '@hitl/contracts';
import { changedCases, figuresOf, timeoutShares } from './figures';
import type { RecordedCase } from './recorded-case';
import type { ReplayedCase } from './replay';

const auto = (caseId: string, auditSampled: boolean, outcome?: string): ReplayedCase => ({
  caseId,
  recommendation: 'approve',
  ...(outcome ? { outcome } : {}),
  decision: { kind: 'auto', auditSampled },
  immediateEscalations: 0,
});
const review = (caseId: string, tier: Tier, requiredApprovals: number, immediateEscalations = 0, outcome?: string): ReplayedCase => ({
  caseId,
  recommendation: 'approve',
  ...(outcome ? { outcome } : {}),
  decision: { kind: 'review', tier, requiredApprovals },
  immediateEscalations,
});

function recorded(caseId: string, live: RecordedCase['live']): RecordedCase {
  return { caseId, scored: exampleOf(Topics.PredictionScored), live };
}
const timeout = (level = 1) => ({ level, reason: 'timeout' as const });

// Ten cases counted by hand: five auto-approved (two audited; three with a known outcome, one of
// them wrong), five sent to people in three tiers with four immediate escalations between them.
const TEN: ReplayedCase[] = [
  auto('a1', false, 'approve'),
  auto('a2', true, 'deny'),
  auto('a3', true, 'approve'),
  auto('a4', false),
  auto('a5', false),
  review('h1', 'single_approver', 1, 0, 'approve'),
  review('h2', 'single_approver', 1, 1),
  review('h3', 'dual_approval', 2, 2),
  review('h4', 'executive_review', 1, 1),
  review('h5', 'dual_approval', 2),
];

// Recorded live: single_approver 1 of 4 hit a timeout, dual_approval 2 of 2 (one twice: counted
// once), no executive_review case: overall 3 of 6. Auto-approved and undecided cases do not count.
const SHARES = timeoutShares([
  recorded('s1', { route: 'human', tier: 'single_approver', escalations: [timeout()] }),
  recorded('s2', { route: 'human', tier: 'single_approver', escalations: [] }),
  recorded('s3', { route: 'human', tier: 'single_approver', escalations: [{ level: 1, reason: 'context' }] }),
  recorded('s4', { route: 'human', tier: 'single_approver', escalations: [] }),
  recorded('d1', { route: 'human', tier: 'dual_approval', escalations: [timeout(1), timeout(2)] }),
  recorded('d2', { route: 'human', tier: 'dual_approval', escalations: [timeout()] }),
  recorded('u1', { route: 'undecided', escalations: [timeout()] }),
  recorded('x1', { route: 'auto', tier: 'single_approver', auditSampled: false, escalations: [] }),
]);

describe('the figures of one policy over replayed cases', () => {
  const f = figuresOf(TEN, 0.95, SHARES);

  it('counts automation over every case', () => {
    expect(f).toMatchObject({ cases: 10, autoApproved: 5, automationRate: 0.5 });
  });

  it('judges only auto-approvals with a known outcome: 1 wrong of 3 (equal weights), with the one-sided bound trust certification uses', () => {
    expect(f.error).toMatchObject({ confidenceLevel: 0.95, known: 3, wrong: 1, rate: 1 / 3, effectiveKnown: 3 });
    // B⁻¹(0.95; 2, 2): the p where P(X ≤ 1 | n = 3, p) = 0.05, i.e. the root of 3x² − 2x³ = 0.95 (bisection: 0.864650).
    expect(f.error.upperBound).toBeCloseTo(0.86465, 5);
  });

  it('weights an audit by the cases it stands for: one wrong audit sampled at 10 % outweighs nine right census outcomes', () => {
    const mixed = [...Array.from({ length: 9 }, (_, i) => auto(`c${i}`, false, 'approve')), { ...auto('audit', true, 'deny'), outcomeWeight: 10 }];
    const { error } = figuresOf(mixed, 0.95, SHARES);
    expect(error).toMatchObject({ known: 10, wrong: 1, rate: 10 / 19 });
    // Kish's effective sample size (Σw)²/Σw² = 19²/109.
    expect(error.effectiveKnown).toBeCloseTo(361 / 109, 6);
  });

  it('counts requests per tier and person-reviews as requests × required approvals, audits one each', () => {
    expect(f.workload.byTier).toEqual({
      automatic: { requests: 0, personReviews: 0 },
      single_approver: { requests: 2, personReviews: 2 },
      dual_approval: { requests: 2, personReviews: 4 },
      executive_review: { requests: 1, personReviews: 1 },
    });
    expect(f.workload).toMatchObject({ audits: 2, personReviews: 2 + 4 + 1 + 2 });
  });

  it('adds immediate escalations, and estimates timeouts from the recorded shares per tier', () => {
    expect(SHARES.byTier.single_approver).toEqual({ humanCases: 4, escalated: 1 });
    expect(SHARES.byTier.dual_approval).toEqual({ humanCases: 2, escalated: 2 });
    expect(SHARES.overall).toEqual({ humanCases: 6, escalated: 3 });
    // 2 × 1/4 + 2 × 2/2 + 1 × 3/6 (executive_review was never recorded: the overall share).
    expect(f.escalations).toEqual({ immediate: 4, timeBased: 0.5 + 2 + 0.5 });
  });

  it('has no error rate without known outcomes, and no timeout estimate without recorded human cases', () => {
    const none = figuresOf([auto('a', false), review('h', 'single_approver', 1)], 0.9, timeoutShares([]));
    expect(none.error).toEqual({ confidenceLevel: 0.9, known: 0, wrong: 0, rate: null, upperBound: null, effectiveKnown: 0 });
    expect(none.escalations.timeBased).toBeNull();
    expect(figuresOf([], 0.95, SHARES)).toMatchObject({ cases: 0, automationRate: 0 });
  });
});

describe("the backtest's error interval (simulation)", () => {
  // Live: cases with basis ≥ 0.95 were auto-approved and audited with probability π; the rest went
  // to people (all have an outcome). A looser candidate auto-approves from 0.9: its auto set mixes
  // the census of 0.90–0.95 with the audited top. The bound at 95 % must cover the candidate's
  // true error in at least 95 % of runs; 1,000 runs give a binomial standard error of 0.7 %, so
  // 93 % (three standard errors) is the least a correct bound can show.
  function simulate(seed: number, pi: number, censusError: number, auditedError: number, weighted: boolean): number {
    const random = seededRandom(seed);
    const runs = 1000;
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      const cases: ReplayedCase[] = [];
      let trueWrong = 0;
      for (let i = 0; i < 1500; i++) {
        const basis = 0.9 + random() * 0.1;
        const liveAuto = basis >= 0.95;
        const wrong = random() < (liveAuto ? auditedError : censusError);
        if (wrong) trueWrong++;
        const audited = liveAuto && random() < pi;
        const known = !liveAuto || audited;
        cases.push({ ...auto(`c${i}`, audited, known ? (wrong ? 'deny' : 'approve') : undefined), ...(audited && weighted ? { outcomeWeight: 1 / pi } : {}) });
      }
      if (figuresOf(cases, 0.95, SHARES).error.upperBound! >= trueWrong / cases.length) covered++;
    }
    return covered / runs;
  }

  it.each([
    [0.05, 0.04, 0.005],
    [0.2, 0.04, 0.005],
    [0.05, 0.005, 0.03],
    [0.1, 0.01, 0.01],
  ])('covers the true error of a looser candidate at its stated level (audits at %p, census error %p, audited error %p)', (pi, censusError, auditedError) => {
    expect(simulate(17, pi, censusError, auditedError, true)).toBeGreaterThanOrEqual(0.93);
  });

  it('unweighted, as before, it does not: where automation went wrong, the census of the human region drowns the few audits', () => {
    // The audited top errs 3 %, the census below 0.5 %: the unweighted bound sits near the census.
    expect(simulate(17, 0.05, 0.005, 0.03, false)).toBeLessThan(0.5);
  });
});

describe('cases that change route', () => {
  it('lists the moves each way, by case id', () => {
    const candidate = TEN.map((c) => (c.caseId === 'a4' || c.caseId === 'a5' ? review(c.caseId, 'single_approver', 1) : c.caseId === 'h1' ? auto('h1', false, 'approve') : c));
    expect(changedCases(TEN, candidate)).toEqual({ autoToHuman: ['a4', 'a5'], humanToAuto: ['h1'] });
    expect(changedCases(TEN, TEN)).toEqual({ autoToHuman: [], humanToAuto: [] });
  });
});
