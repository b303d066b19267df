import { auditVerdictAt } from './audit-verdict';
import { seededRandom } from '@hitl/trust';

describe('the verdict of an audit', () => {
  it('without a second look, the first answer', () => {
    expect(auditVerdictAt('cat', false, [])).toBeUndefined();
    expect(auditVerdictAt('cat', false, ['cat'])).toBe(0);
    expect(auditVerdictAt('cat', false, ['dog'])).toBe(0);
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
    expect(auditVerdictAt('cat', true, answers)).toBe(at);
  });
});

describe('how often two or three people wrongly overturn a right AI (docs/policy.md, "Assumptions")', () => {
  // Reviewers wrong e of the time, uniformly among the L − 1 wrong labels; the AI is right.
  function falseOverturnRate(e: number, labels: number, audits: number, seed: number): number {
    const random = seededRandom(seed);
    const answer = () => (random() < e ? 1 + Math.floor(random() * (labels - 1)) : 0);
    let overturned = 0;
    for (let i = 0; i < audits; i++) {
      const answers: number[] = [];
      let at: number | undefined;
      while ((at = auditVerdictAt('0', true, answers.map(String))) === undefined) answers.push(answer());
      if (answers[at] !== 0) overturned++;
    }
    return overturned / audits;
  }

  it.each([
    [0.1, 2],
    [0.1, 10],
    [0.05, 2],
    [0.2, 4],
  ])('reviewers wrong %s with %s labels: e²/(L − 1) + e³(L − 2)/(L − 1), within 4 standard errors of 400,000 audits', (e, labels) => {
    const expected = (e * e) / (labels - 1) + (e ** 3 * (labels - 2)) / (labels - 1);
    const n = 400_000;
    const measured = falseOverturnRate(e, labels, n, 7);
    expect(Math.abs(measured - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });
});
