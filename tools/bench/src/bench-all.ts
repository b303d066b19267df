// npm run bench [-- --quick] [--out bench-results/<stamp>]
// Every benchmark in one run, on one machine, with the broker's own tools beside them: Kafka's
// ProducerPerformance, ConsumerPerformance and EndToEndLatency (scripts/kafka-baseline.sh), the
// two Kafka clients, the auto path at saturation and at fixed loads, CPU against chunk size and
// partition count, the human path, the review API and the escalation timers. Prints one table
// (and the detail tables) and writes results.json, results.md and latency.svg to --out.
// --quick: small sizes (a minute or two), to check the bench itself, not for figures.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_KAFKA_CLIENT, type KafkaClientName } from '@hitl/messaging';
import { runAutoPath, type AutoPathResult } from './auto-path';
import { renderLatencySvg, renderTables, type BenchResults } from './bench-report';
import { benchClients } from './clients';
import { runHumanPath } from './human-path';
import { runWhenMain, writeResults } from './results';

const ROOT = resolve(__dirname, '../../../..');
/** The services' Kafka client in every run but the comparison (the default), and the other one. */
const MAIN: KafkaClientName = DEFAULT_KAFKA_CLIENT;
const OTHER: KafkaClientName = MAIN === 'platformatic' ? 'kafkajs' : 'platformatic';

interface Sizes {
  baseline: { small: number; large: number; e2e: number };
  clients: { records: number; roundTrips: number };
  saturation: number;
  loads: number[];
  loadSeconds: number;
  sweep: number;
  chunks: number[];
  partitions: number[];
  human: { cases: number; rate: number }[];
  review: string[];
  timers: string[];
}

const FULL: Sizes = {
  baseline: { small: 1_000_000, large: 300_000, e2e: 2_000 },
  clients: { records: 200_000, roundTrips: 2_000 },
  saturation: 60_000,
  loads: [1_000, 2_000, 5_000],
  loadSeconds: 20,
  sweep: 20_000,
  chunks: [50, 500, 2_000],
  partitions: [1, 6, 12],
  human: [
    { cases: 600, rate: 20 },
    { cases: 2_000, rate: 100 },
  ],
  review: ['--reviewers', '100', '--cases', '2000', '--seconds', '10'],
  timers: ['--pending', '200000', '--due', '5000', '--requests', '1000'],
};

const QUICK: Sizes = {
  baseline: { small: 50_000, large: 20_000, e2e: 100 },
  clients: { records: 5_000, roundTrips: 50 },
  saturation: 2_000,
  loads: [500],
  loadSeconds: 3,
  sweep: 1_000,
  chunks: [100, 500],
  partitions: [2, 6],
  human: [{ cases: 50, rate: 50 }],
  review: ['--reviewers', '5', '--cases', '50', '--seconds', '2'],
  timers: ['--pending', '2000', '--due', '50', '--requests', '50'],
};

const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} bench: ${text}\n`);

/** Runs a command to completion, its output passed through to stderr; throws on a failure. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function machine(): BenchResults['machine'] {
  const version = (file: string, key: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', file, 'package.json'), 'utf8')) as Record<string, string>)[key];
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kafka: process.env.HITL_KAFKA_VERSION ?? 'unknown',
    ferretdb: process.env.HITL_FERRETDB_VERSION ?? 'unknown',
    kafkajs: version('kafkajs', 'version'),
    platformaticKafka: version('@platformatic/kafka', 'version'),
    commit,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const sizes = values.quick ? QUICK : FULL;
  const out = resolve(values.out ?? join(ROOT, 'bench-results', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)));
  const started = Date.now();
  mkdirSync(out, { recursive: true });
  log(`${values.quick ? 'quick' : 'full'} run; results in ${out}`);

  log('1/8 the broker alone: ProducerPerformance, ConsumerPerformance, EndToEndLatency');
  const baselineFile = join(out, 'kafka-baseline.json');
  await run('bash', ['scripts/kafka-baseline.sh'], {
    BASELINE_SMALL_RECORDS: String(sizes.baseline.small),
    BASELINE_LARGE_RECORDS: String(sizes.baseline.large),
    BASELINE_E2E_RECORDS: String(sizes.baseline.e2e),
    BASELINE_JSON: baselineFile,
  });
  const baseline = readJson<BenchResults['baseline']>(baselineFile);

  log('2/8 the two Kafka clients');
  const clients = await benchClients(sizes.clients.records, 1024, sizes.clients.roundTrips);

  log('3/8 auto path: saturation and fixed loads');
  const saturation = await runAutoPath({ count: sizes.saturation, rate: 0, raw: true, client: MAIN });
  const loads: AutoPathResult[] = [];
  for (const rate of sizes.loads) loads.push(await runAutoPath({ count: rate * sizes.loadSeconds, rate, client: MAIN }));

  log('4/8 auto path: CPU against chunk size and partition count');
  const sweep: AutoPathResult[] = [];
  for (const chunk of sizes.chunks) sweep.push(await runAutoPath({ count: sizes.sweep, rate: 0, chunk, partitions: 6, client: MAIN }));
  for (const partitions of sizes.partitions.filter((p) => p !== 6)) sweep.push(await runAutoPath({ count: sizes.sweep, rate: 0, chunk: 500, partitions, client: MAIN }));

  log(`5/8 auto path with scoring and routing on ${OTHER}: saturation and the fixed loads`);
  const otherClient: AutoPathResult[] = [await runAutoPath({ count: sizes.saturation, rate: 0, client: OTHER })];
  for (const rate of sizes.loads) otherClient.push(await runAutoPath({ count: rate * sizes.loadSeconds, rate, client: OTHER }));

  log('6/8 human path');
  const human = [];
  for (const { cases, rate } of sizes.human) human.push(await runHumanPath(cases, rate));

  log('7/8 review API');
  const reviewFile = join(out, 'review-api.json');
  await run(process.execPath, [join(ROOT, 'dist/tools/bench/src/review.js'), ...sizes.review, '--json', reviewFile]);

  log('8/8 escalation timers');
  const timersFile = join(out, 'timers.json');
  await run(process.execPath, [join(ROOT, 'dist/apps/escalation/src/bench-timers.js'), ...sizes.timers, '--json', timersFile]);

  const results: BenchResults = {
    machine: machine(),
    quick: values.quick ?? false,
    seconds: Math.round((Date.now() - started) / 1_000),
    baseline,
    clients,
    autoPath: { saturation, loads, sweep },
    otherClient,
    humanPath: human,
    reviewApi: readJson<{ result: BenchResults['reviewApi'] }>(reviewFile).result,
    timers: readJson<{ result: BenchResults['timers'] }>(timersFile).result,
  };
  writeResults(join(out, 'results.json'), results);
  const tables = renderTables(results);
  writeFileSync(join(out, 'results.md'), tables);
  writeFileSync(join(out, 'latency.svg'), renderLatencySvg(results));
  process.stdout.write(`\n${tables}\nresults.json, results.md and latency.svg in ${out} (${results.seconds} s)\n`);
}

runWhenMain(module, main);
