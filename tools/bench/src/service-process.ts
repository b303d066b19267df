import { withDatabase } from '@hitl/platform';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

export const benchBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const benchMongoBase = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const mongoBase = benchMongoBase;

export interface BenchService {
  child: ChildProcess;
  /** The URL it printed when ready. */
  url: string;
}

/** Starts a compiled service on a free port with the bench's topics and its own database. */
export function startService(name: string, prefix: string, run: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess & { url?: string }> {
  const child: ChildProcess & { url?: string } = spawn(process.execPath, [resolve(ROOT, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', TOPIC_PREFIX: prefix, KAFKA_BROKERS: benchBrokers.join(','), MONGODB_URI: withDatabase(mongoBase, `bench_${run}_${name}`), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // BENCH_LOG_DIR=<dir> keeps each service's log, to look into a surprising figure.
  const log = process.env.BENCH_LOG_DIR ? createWriteStream(resolve(process.env.BENCH_LOG_DIR, `${name}-${run}.log`)) : undefined;
  const keep = (d: Buffer) => {
    if (output.length < 100_000) output += d.toString();
    log?.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((ok, fail) => {
    const timer = setInterval(() => {
      // The service's JSON "ready" line, its fields in any order.
      const ready = /^\{.*"message":"ready".*\}$/m.exec(output);
      if (ready) {
        clearInterval(timer);
        child.url = (JSON.parse(ready[0]) as { url: string }).url;
        ok(child);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(`${name} exited:\n${output.slice(-2_000)}`));
      }
    }, 50);
  });
}

/** utime + stime of a process from /proc, in seconds (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by the local broker and FerretDB, when scripts/stack.sh runs them on
 * this machine (their pid files); undefined for infrastructure elsewhere.
 */
export async function infrastructureCpu(): Promise<{ broker?: number; ferretdb?: number }> {
  const of = async (name: string) => {
    try {
      const pid = Number((await readFile(resolve(ROOT, `.local/run/${name}.pid`), 'utf8')).trim());
      return await cpuSeconds(pid);
    } catch {
      return undefined;
    }
  };
  const local = (address: string, port: number) => new RegExp(`^(mongodb://)?(127\\.0\\.0\\.1|localhost):${port}(/|$)`).test(address);
  return {
    broker: benchBrokers.every((b) => local(b, 9092)) ? await of('kafka') : undefined,
    ferretdb: local(mongoBase, 27017) ? await of('ferretdb') : undefined,
  };
}
