// From a data set and a trained model to the predictions the bench publishes, as a producer
// would: plain JSON, no signals, the model's own probability. Pure.
import type { Dataset, Example } from './datasets';
import type { SentCase } from './metrics';
import type { SoftmaxRegression } from './model';
import { bucketOf, seededRandom, shuffled } from './random';

/** The bench's three categories of the automatic tier: `<dataset>_a`, `_b`, `_c`. */
export function categoriesOf(dataset: string): string[] {
  return ['a', 'b', 'c'].map((s) => `${dataset}_${s}`);
}

/** A case's category: a hash of the data set's own id of the example (not of the seed). */
export function categoryOf(dataset: string, exampleId: string): string {
  return categoriesOf(dataset)[bucketOf(`${dataset}:${exampleId}`, 3)];
}

/** `a`, `mnist_a`: the category a --drift-category flag names. */
export function resolveCategory(dataset: string, name: string): string {
  const all = categoriesOf(dataset);
  const found = all.find((c) => c === name || c === `${dataset}_${name}`);
  if (!found) throw new Error(`--drift-category: "${name}" is none of ${all.join(', ')} (or a, b, c)`);
  return found;
}

/** Training and held-out examples: a seeded shuffle, the first trainShare to train on. */
export function split(examples: readonly Example[], trainShare: number, seed: number): { train: Example[]; heldOut: Example[] } {
  if (!(trainShare > 0 && trainShare < 1)) throw new Error('--train-share must be between 0 and 1');
  const all = shuffled(examples, seededRandom(seed ^ 0x5eed));
  const cut = Math.round(all.length * trainShare);
  return { train: all.slice(0, cut), heldOut: all.slice(cut) };
}

export interface PlainPrediction {
  predictionId: string;
  producer: string;
  modelVersion: string;
  category: string;
  recommendation: string;
  probability: number;
  value: number;
  currency: string;
  riskLevel: 'low';
  reasoning: string;
  input: Record<string, unknown>;
  submittedAt: string;
  round: number;
}

export interface BenchCase extends SentCase {
  /** The prediction to publish (submittedAt is set when it is sent). */
  prediction: PlainPrediction;
}

export interface CaseOptions {
  run: string;
  modelVersion: string;
  /** Drift: from this seq on, the category's recommendations are wrong on every case. */
  driftCategory?: string;
  driftFrom: number;
}

/**
 * One case per held-out example, in order. The model recommends its most probable label with its
 * probability. Drifted cases keep that probability, but the recommendation is wrong: the
 * runner-up label when the model was right, its own (already wrong) label otherwise.
 */
export function buildCases(examples: readonly Example[], dataset: Dataset, model: SoftmaxRegression, options: CaseOptions): BenchCase[] {
  return examples.map((example, seq) => {
    const category = categoryOf(dataset.name, example.id);
    const predicted = model.predict(example.features);
    const drifted = options.driftCategory === category && seq >= options.driftFrom;
    const label = drifted && predicted.label === example.label ? predicted.second : predicted.label;
    const recommendation = dataset.labels[label];
    const caseId = `q${options.run}-${seq}`;
    return {
      seq,
      caseId,
      category,
      truth: dataset.labels[example.label],
      recommendation,
      probability: predicted.probability,
      drifted,
      prediction: {
        predictionId: caseId,
        producer: 'bench-quality',
        modelVersion: options.modelVersion,
        category,
        recommendation,
        probability: predicted.probability,
        value: 20,
        currency: 'USD',
        riskLevel: 'low',
        reasoning: `Logistic regression over ${dataset.dimensions} features: the most probable label is ${recommendation} (p = ${predicted.probability.toFixed(3)}).`,
        input: { case: seq, ...example.summary },
        submittedAt: '',
        round: 1,
      },
    };
  });
}
