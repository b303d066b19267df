import { cohensKappa, fleissKappa, percentAgreement, type LabelPair } from './agreement';

// Reference kappas cross-checked with statsmodels.stats.inter_rater (cohens_kappa, fleiss_kappa).

/** The pairs behind a contingency table: table[i][j] items rated labels[i] by A and labels[j] by B. */
function pairsOf(table: number[][], labels = ['yes', 'no', 'maybe']): LabelPair[] {
  return table.flatMap((row, i) => row.flatMap((count, j) => Array.from({ length: count }, (): LabelPair => [labels[i], labels[j]])));
}

/** The items behind a Fleiss table: table[i][j] raters put item i in category j. */
function itemsOf(table: number[][]): string[][] {
  return table.map((row) => row.flatMap((count, j) => Array.from({ length: count }, () => `c${j + 1}`)));
}

describe('percentAgreement', () => {
  it('is the share of pairs with the same label', () => {
    expect(percentAgreement([['a', 'a'], ['a', 'b'], ['b', 'b'], ['c', 'a']])).toBe(0.5);
    expect(percentAgreement([['a', 'a']])).toBe(1);
    expect(percentAgreement([['a', 'b']])).toBe(0);
  });

  it('is NaN with no pairs', () => {
    expect(percentAgreement([])).toBeNaN();
  });
});

describe('cohensKappa', () => {
  it("Wikipedia's example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → p_o 0.7, p_e 0.5, κ 0.4", () => {
    const result = cohensKappa(pairsOf([[20, 5], [10, 15]]));
    expect(result.n).toBe(50);
    expect(result.observed).toBeCloseTo(0.7, 10);
    expect(result.expected).toBeCloseTo(0.5, 10);
    expect(result.kappa).toBeCloseTo(0.4, 10);
  });

  it.each([
    [[[45, 15], [25, 15]], 0.130435],
    [[[25, 35], [5, 35]], 0.259259],
    [[[10, 2, 3], [1, 8, 4], [0, 3, 9]], 0.515829],
  ])('table %j → κ %p', (table, kappa) => {
    expect(cohensKappa(pairsOf(table)).kappa).toBeCloseTo(kappa, 5);
  });

  it('does not depend on which rater comes first, nor on the order of the items', () => {
    const pairs = pairsOf([[10, 2, 3], [1, 8, 4], [0, 3, 9]]);
    const swapped = pairs.map(([a, b]): LabelPair => [b, a]);
    expect(cohensKappa(swapped).kappa).toBeCloseTo(cohensKappa(pairs).kappa, 12);
    expect(cohensKappa([...pairs].reverse()).kappa).toBeCloseTo(cohensKappa(pairs).kappa, 12);
  });

  it('perfect agreement over several labels is κ = 1', () => {
    expect(cohensKappa([['a', 'a'], ['b', 'b'], ['c', 'c'], ['a', 'a']])).toEqual({ kappa: 1, observed: 1, expected: 0.375, n: 4 });
  });

  it('both raters using one single label throughout: p_e = 1, κ = 1 by convention (not 0/0)', () => {
    expect(cohensKappa([['ok', 'ok'], ['ok', 'ok'], ['ok', 'ok']])).toEqual({ kappa: 1, observed: 1, expected: 1, n: 3 });
  });

  it('systematic disagreement is below chance', () => {
    const result = cohensKappa([['a', 'b'], ['b', 'a'], ['a', 'b'], ['b', 'a']]);
    expect(result.observed).toBe(0);
    expect(result.expected).toBe(0.5);
    expect(result.kappa).toBe(-1);
  });

  it('one rater constant, the other not: p_e < 1, κ = 0 when agreement is what chance predicts', () => {
    // A always "a"; B says "a" half the time. p_o = 0.5, p_e = 1 · 0.5 = 0.5.
    expect(cohensKappa([['a', 'a'], ['a', 'b'], ['a', 'a'], ['a', 'b']]).kappa).toBe(0);
  });

  it('no pairs → NaN, n = 0', () => {
    const result = cohensKappa([]);
    expect(result.n).toBe(0);
    expect(result.kappa).toBeNaN();
    expect(result.observed).toBeNaN();
    expect(result.expected).toBeNaN();
  });
});

describe('fleissKappa', () => {
  // Fleiss (1971) as reproduced on Wikipedia: 10 subjects, 14 raters, 5 categories.
  const wikipedia = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];

  it("the textbook example: P̄ 0.378022, P̄e 0.212755, κ 0.209931", () => {
    const result = fleissKappa(itemsOf(wikipedia));
    expect(result.n).toBe(10);
    expect(result.observed).toBeCloseTo(0.378022, 5);
    expect(result.expected).toBeCloseTo(0.212755, 5);
    expect(result.kappa).toBeCloseTo(0.209931, 5);
  });

  it('does not depend on the order of the labels within an item, nor of the items', () => {
    const items = itemsOf(wikipedia);
    const shuffled = items.map((labels) => [...labels].reverse()).reverse();
    expect(fleissKappa(shuffled).kappa).toBeCloseTo(fleissKappa(items).kappa, 12);
  });

  it('a small example: 4 items × 3 raters → κ 1/3', () => {
    expect(fleissKappa(itemsOf([[3, 0], [2, 1], [0, 3], [1, 2]])).kappa).toBeCloseTo(1 / 3, 10);
  });

  it('varying rater counts (the generalisation): hand-computed κ = 1/7; single ratings are left out', () => {
    // P_i = 1, 0, 1, 1/3 → P̄ = 7/12; totals a 5, b 7 of 12 → P̄e = 74/144; κ = (84 − 74) / (144 − 74) = 1/7.
    const result = fleissKappa([['a', 'a', 'a'], ['a', 'b'], ['b', 'b', 'b', 'b'], ['a', 'b', 'b'], ['c']]);
    expect(result.n).toBe(4);
    expect(result.observed).toBeCloseTo(7 / 12, 10);
    expect(result.expected).toBeCloseTo(74 / 144, 10);
    expect(result.kappa).toBeCloseTo(1 / 7, 10);
  });

  it('perfect agreement is κ = 1; a single category throughout is κ = 1 by convention', () => {
    expect(fleissKappa([['a', 'a', 'a'], ['b', 'b', 'b'], ['c', 'c']]).kappa).toBe(1);
    expect(fleissKappa([['a', 'a', 'a'], ['a', 'a']])).toEqual({ kappa: 1, n: 2, observed: 1, expected: 1 });
  });

  it('no item with two ratings → NaN, n = 0', () => {
    for (const items of [[], [['a']], [[], ['b']]]) {
      const result = fleissKappa(items);
      expect(result.n).toBe(0);
      expect(result.kappa).toBeNaN();
    }
  });
});
