import { resolve } from 'node:path';
import { ChildService } from './process';
import { waitFor } from './wait-for';

export const SERVICES = ['scoring', 'routing', 'escalation', 'feedback', 'review'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = resolve(__dirname, '../../..');

/** The compiled entry point of a service or CLI (npm run build writes dist/). */
export function distEntry(relative: string): string {
  return resolve(ROOT, 'dist', relative);
}

/** A compiled service started as its own process, on a free port, with the given environment. */
export class RunningService {
  private constructor(
    readonly name: ServiceName,
    readonly process: ChildService,
    public url = '',
  ) {}

  static start(name: ServiceName, env: NodeJS.ProcessEnv): RunningService {
    return new RunningService(name, ChildService.start(distEntry(`apps/${name}/src/main.js`), { HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', ...env }));
  }

  /** Waits for the "ready" log line and reads the URL the service printed. */
  async waitUntilListening(timeoutMs = 60_000): Promise<string> {
    // One JSON line per log event; its fields in any order.
    const ready = /^\{.*"message":"ready".*\}$/m;
    await this.process.waitForOutput(ready, timeoutMs);
    this.url = (JSON.parse(ready.exec(this.process.output)![0]) as { url: string }).url;
    return this.url;
  }

  async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`);
    return { status: response.status, body: await response.json() };
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<unknown> {
    let last: unknown;
    await waitFor(
      async () => {
        const { status, body } = await this.get('/health/ready');
        last = body;
        return status === 200;
      },
      { timeoutMs, description: `${this.name} /health/ready to answer 200 (last: ${JSON.stringify(last)})` },
    );
    return last;
  }
}
