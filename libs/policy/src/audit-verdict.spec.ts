import { auditStageOf, auditVerdictAt } from './audit-verdict';
import { seededRandom } from '@hitl/trust';

describe('the verdict of an audit', () => {
  it('without a second look, the first answer', () => {
    expect(auditVerdictAt('cat', 0, [])).toBeUndefined();
    expect(auditVerdictAt('cat', 0, ['cat'])).toBe(0);
    expect(auditVerdictAt('cat', 0, ['dog'])).toBe(0);
  });

  it.each([
    [['cat'], 0],
    [['dog'], undefined],
    [['dog', 'cat'], 1],
    [['dog', 'dog'], 1],
    [['dog', 'cow'], undefined],
    [['dog', 'cow', 'cat'], 2],
    [['dog', 'cow', 'dog'], 2],
    [['dog', 'cow', 'owl'], 2],
  ] as const)('with a second look, answers %j: the verdict is answer %s', (answers, at) => {
    expect(auditVerdictAt('cat', 1, answers)).toBe(at);
  });

  it.each([
    [['dog', 'cat'], { verdictAt: 1 }],
    [['dog', 'dog'], { awaits: 'confirmation' }],
    [['dog', 'dog', 'dog'], { verdictAt: 2 }],
    [['dog', 'dog', 'cat'], { awaits: 'arbiter' }],
    [['dog', 'dog', 'cat', 'cat'], { verdictAt: 3 }],
    [['dog', 'cow'], { awaits: 'arbiter' }],
    [['dog', 'cow', 'dog'], { verdictAt: 2 }],
  ] as const)('with two confirmations, answers %j: %j', (answers, stage) => {
    expect(auditStageOf('cat', 2, answers)).toEqual(stage);
  });
});

describe('how often two or three people wrongly overturn a right AI (docs/policy.md, "Assumptions")', () => {
  // Reviewers wrong e of the time, uniformly among the L − 1 wrong labels; the AI is right.
  function falseOverturnRate(e: number, labels: number, confirmations: number, audits: number, seed: number): number {
    const random = seededRandom(seed);
    const answer = () => (random() < e ? 1 + Math.floor(random() * (labels - 1)) : 0);
    let overturned = 0;
    for (let i = 0; i < audits; i++) {
      const answers: number[] = [];
      let at: number | undefined;
      while ((at = auditVerdictAt('0', confirmations, answers.map(String))) === undefined) answers.push(answer());
      if (answers[at] !== 0) overturned++;
    }
    return overturned / audits;
  }

  it.each([
    [0.1, 2, 1, (e: number) => e * e],
    [0.1, 10, 1, (e: number) => (e * e) / 9 + (e ** 3 * 8) / 9],
    [0.05, 2, 1, (e: number) => e * e],
    [0.2, 4, 1, (e: number) => (e * e) / 3 + (e ** 3 * 2) / 3],
    // Two confirmations, binary: three wrong, or two wrong, one right and a wrong arbiter.
    [0.1, 2, 2, (e: number) => e ** 3 * (2 - e)],
    [0.2, 2, 2, (e: number) => e ** 3 * (2 - e)],
  ])('reviewers wrong %s with %s labels, %s confirmation(s): as docs/policy.md says, within 4 standard errors of 400,000 audits', (e, labels, confirmations, rate) => {
    const expected = rate(e);
    const n = 400_000;
    const measured = falseOverturnRate(e, labels, confirmations, n, 7);
    expect(Math.abs(measured - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });
});
