import { categoricalValues, fieldValue, numericValue } from './field-value';

describe('field values of input', () => {
  const input = { orderId: 'O-1', 'odd.key': 1, request: { reason: 'Wrong size', items: [1, 2] }, empty: null };

  it.each([
    ['orderId', 'O-1'],
    ['request.reason', 'Wrong size'],
    ['request.items', [1, 2]],
    ['odd.key', 1], // a literal key with a dot wins over the path
    ['request.missing', undefined],
    ['orderId.length', undefined], // never into strings
    ['request.items.0', undefined], // nor into arrays
    ['empty', null],
    ['constructor', undefined], // not an inherited property
  ])('%s → %p', (path, expected) => {
    expect(fieldValue(input, path)).toEqual(expected);
  });

  it.each([
    [3, 3],
    [-0.5, -0.5],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ['3', undefined],
    [null, undefined],
  ])('numericValue(%p) → %p', (value, expected) => {
    expect(numericValue(value)).toBe(expected);
  });

  it.each<[unknown, string[]]>([
    ['NY', ['NY']],
    ['  NY ', ['NY']],
    [true, ['true']],
    [42, ['42']],
    [['99213', '80053'], ['99213', '80053']],
    ['', []],
    [{ a: 1 }, []],
    [null, []],
    ['x'.repeat(300), ['x'.repeat(200)]],
  ])('categoricalValues(%p) → %p', (value, expected) => {
    expect(categoricalValues(value)).toEqual(expected);
  });
});
