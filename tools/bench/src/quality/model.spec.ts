import type { Example } from './datasets';
import { loadDataset } from './datasets';
import { split } from './cases';
import { accuracy, logLoss, MODEL_PRESETS, SoftmaxRegression, train } from './model';
import { seededRandom } from './random';

/** Three Gaussian blobs in 2-D, well apart: any working softmax regression separates them. */
function blobs(n: number, seed: number): Example[] {
  const random = seededRandom(seed);
  const centres = [
    [2, 0],
    [-2, 1],
    [0, -2],
  ];
  return Array.from({ length: n }, (_, i) => {
    const label = i % 3;
    const x = centres[label].map((c) => c + (random() - 0.5));
    return { id: `b${i}`, label, summary: {}, features: { index: Int32Array.from([0, 1]), value: Float32Array.from(x) } };
  });
}

describe('quality bench model: softmax regression by Adam', () => {
  const options = { epochs: 10, batchSize: 16, learningRate: 0.05, l2: 0, seed: 3 };

  it('learns separable classes and is sure of them', () => {
    const model = train(blobs(300, 1), 3, 2, options);
    const test = blobs(300, 2);
    expect(accuracy(model, test)).toBeGreaterThan(0.97);
    expect(logLoss(model, test)).toBeLessThan(0.2);
    const p = model.predict(test[0].features);
    expect(p.label).toBe(test[0].label);
    expect(p.probability).toBeGreaterThan(0.8);
    expect(p.second).not.toBe(p.label);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = train(blobs(90, 1), 3, 2, options);
    const b = train(blobs(90, 1), 3, 2, options);
    const c = train(blobs(90, 1), 3, 2, { ...options, seed: 4 });
    expect([...a.weights]).toEqual([...b.weights]);
    expect([...a.weights]).not.toEqual([...c.weights]);
  });

  it('gives probabilities that sum to one', () => {
    const model = new SoftmaxRegression(4, 3);
    model.weights.set([1, 0, 0, 0.5, 0, 2, 0, 0, 0, 0, 1, 0, -1, -1, -1, 0]);
    const p = model.probabilities({ index: Int32Array.from([0, 2]), value: Float32Array.from([1, 2]) });
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('refuses to train on nothing', () => {
    expect(() => train([], 3, 2, options)).toThrow('no examples');
  });

  it('MNIST: the strong model reaches ~91% on held-out digits within seconds, the weak one much less', () => {
    const full = loadDataset('mnist', 'full');
    const { train: training, heldOut } = split(full.examples, 0.5, 1);
    const started = Date.now();
    const strong = train(training, 10, full.dimensions, { ...MODEL_PRESETS.strong.training, seed: 1 });
    expect(Date.now() - started).toBeLessThan(30_000);
    const strongAccuracy = accuracy(strong, heldOut);
    expect(strongAccuracy).toBeGreaterThan(0.89);

    const coarse = loadDataset('mnist', 'coarse');
    const weakSplit = split(coarse.examples, 0.5, 1);
    const weak = train(weakSplit.train, 10, coarse.dimensions, { ...MODEL_PRESETS.weak.training, seed: 1 });
    const weakAccuracy = accuracy(weak, weakSplit.heldOut);
    expect(weakAccuracy).toBeGreaterThan(0.7);
    expect(weakAccuracy).toBeLessThan(strongAccuracy - 0.04);
  }, 60_000);
});
