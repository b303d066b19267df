import { auditVerdictAt } from './audit-verdict';

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
