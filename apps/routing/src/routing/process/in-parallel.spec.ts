import { inParallel } from './in-parallel';

/** A task the test finishes by hand, to see what runs at once. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { done, open, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('inParallel', () => {
  it('runs at most `limit` items at a time, each once', async () => {
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const all = inParallel([0, 1, 2, 3, 4], 2, (i) => (started.push(i), gates[i].done));
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1].open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    gates[2].open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3].open();
    gates[4].open();
    await all;
  });

  it('throws the first failure only after every item has finished', async () => {
    const gates = Array.from({ length: 3 }, gate);
    let finished = 0;
    const all = inParallel([0, 1, 2], 3, (i) => gates[i].done.finally(() => finished++));
    let outcome: unknown;
    all.catch((error: unknown) => (outcome = error));
    gates[1].fail(new Error('first'));
    gates[0].fail(new Error('second'));
    await settle();
    expect(outcome).toBeUndefined(); // item 2 is still running
    gates[2].open();
    await expect(all).rejects.toThrow('first');
    expect(finished).toBe(3);
  });
});
