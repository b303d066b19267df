// The bench's model: multinomial logistic regression (softmax over a linear function of the
// features, with a bias per class), trained by mini-batch Adam on the cross-entropy with a small
// L2 penalty. Written here rather than taken from a package: ~100 lines, deterministic for a
// seed, and fast enough (MNIST's 5,000 training images × 784 pixels: a few seconds).
import type { Example, FeatureDetail, SparseVector } from './datasets';
import { seededRandom, shuffled } from './random';

export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Use at most this many training examples (the weak model learns from few). */
  maxExamples?: number;
}

export const MODEL_KINDS = ['strong', 'weak'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/**
 * strong: every feature, 15 epochs (MNIST ~91% accurate on held-out digits, spam ~98%). weak:
 * the coarse features (MNIST 7×7 instead of 28×28, spam 256 hash buckets instead of 16,384) and
 * two epochs (MNIST ~83%, spam ~92%, and less sure of itself): the kind of model people try
 * first.
 */
export const MODEL_PRESETS: Record<ModelKind, { detail: FeatureDetail; training: Omit<TrainingOptions, 'seed'> }> = {
  strong: { detail: 'full', training: { epochs: 15, batchSize: 32, learningRate: 0.003, l2: 1e-4 } },
  weak: { detail: 'coarse', training: { epochs: 2, batchSize: 32, learningRate: 0.01, l2: 1e-4 } },
};

export interface Prediction {
  /** Most probable class. */
  label: number;
  probability: number;
  /** The runner-up class (what the bench's drift turns a right recommendation into). */
  second: number;
}

export class SoftmaxRegression {
  /** classes × (dimensions + 1): each class's weights, then its bias. */
  readonly weights: Float64Array;

  constructor(
    readonly classes: number,
    readonly dimensions: number,
  ) {
    this.weights = new Float64Array(classes * (dimensions + 1));
  }

  /** Class probabilities of one example. */
  probabilities(x: SparseVector): Float64Array {
    const stride = this.dimensions + 1;
    const z = new Float64Array(this.classes);
    for (let k = 0; k < this.classes; k++) {
      const row = k * stride;
      let s = this.weights[row + this.dimensions];
      for (let i = 0; i < x.index.length; i++) s += this.weights[row + x.index[i]] * x.value[i];
      z[k] = s;
    }
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (let k = 0; k < this.classes; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    for (let k = 0; k < this.classes; k++) z[k] /= sum;
    return z;
  }

  predict(x: SparseVector): Prediction {
    const p = this.probabilities(x);
    let label = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[label]) label = k;
    let second = label === 0 ? 1 : 0;
    for (let k = 0; k < p.length; k++) if (k !== label && p[k] > p[second]) second = k;
    return { label, probability: p[label], second };
  }
}

/** Trains a model on the examples; the same examples, options and seed give the same weights. */
export function train(examples: readonly Example[], classes: number, dimensions: number, options: TrainingOptions): SoftmaxRegression {
  if (classes < 2) throw new Error('train: at least two classes');
  if (examples.length === 0) throw new Error('train: no examples');
  const random = seededRandom(options.seed);
  const data = options.maxExamples !== undefined ? shuffled(examples, random).slice(0, options.maxExamples) : [...examples];
  const model = new SoftmaxRegression(classes, dimensions);
  const stride = dimensions + 1;
  const size = model.weights.length;
  // Small random start (symmetry does not need breaking in softmax regression, but it keeps the
  // seed meaningful for the weak model's single epoch).
  for (let i = 0; i < size; i++) model.weights[i] = (random() - 0.5) * 0.01;
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const grad = new Float64Array(size);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffled(data, random);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = order.slice(start, start + options.batchSize);
      grad.fill(0);
      for (const example of batch) {
        const p = model.probabilities(example.features);
        const x = example.features;
        for (let k = 0; k < classes; k++) {
          const error = (p[k] - (k === example.label ? 1 : 0)) / batch.length;
          const row = k * stride;
          for (let i = 0; i < x.index.length; i++) grad[row + x.index[i]] += error * x.value[i];
          grad[row + dimensions] += error;
        }
      }
      step++;
      const lr = (options.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let j = 0; j < size; j++) {
        const isBias = j % stride === dimensions;
        const g = grad[j] + (isBias ? 0 : options.l2 * model.weights[j]);
        m[j] = beta1 * m[j] + (1 - beta1) * g;
        v[j] = beta2 * v[j] + (1 - beta2) * g * g;
        model.weights[j] -= (lr * m[j]) / (Math.sqrt(v[j]) + eps);
      }
    }
  }
  return model;
}

/** Share of examples whose most probable class is their label. */
export function accuracy(model: SoftmaxRegression, examples: readonly Example[]): number {
  if (examples.length === 0) return 0;
  let right = 0;
  for (const e of examples) if (model.predict(e.features).label === e.label) right++;
  return right / examples.length;
}

/** Mean negative log-likelihood of the labels (lower is better; calibration shows here too). */
export function logLoss(model: SoftmaxRegression, examples: readonly Example[]): number {
  if (examples.length === 0) return 0;
  let sum = 0;
  for (const e of examples) sum -= Math.log(Math.max(1e-15, model.probabilities(e.features)[e.label]));
  return sum / examples.length;
}
