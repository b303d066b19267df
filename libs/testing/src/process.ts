import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from './wait-for';

/** A child Node process (a compiled service or fixture) whose output the test can wait on. */
export class ChildService {
  output = '';
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  private readonly exited: Promise<unknown>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = once(child, 'exit').then(([code, signal]) => {
      this.exitCode = code as number | null;
      this.signal = signal as NodeJS.Signals | null;
    });
  }

  static start(script: string, env: NodeJS.ProcessEnv, args: string[] = []): ChildService {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ChildService(child);
  }

  get running(): boolean {
    return this.exitCode === null && this.signal === null;
  }

  async waitForOutput(pattern: RegExp | string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      () => {
        if (!this.running && !matches(this.output, pattern)) throw new Error(`exited (${this.exitCode ?? this.signal}) before printing ${pattern}:\n${this.output.slice(-2_000)}`);
        return matches(this.output, pattern);
      },
      { timeoutMs, description: `output ${pattern}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- output ---\n${this.output.slice(-3_000)}`);
    });
  }

  /** Lines of output matching `pattern` (a per-line regex, without the g flag). */
  lines(pattern: RegExp): string[] {
    return this.output.split('\n').filter((line) => pattern.test(line));
  }

  async waitForLines(pattern: RegExp, count: number, timeoutMs = 30_000): Promise<string[]> {
    await waitFor(() => this.lines(pattern).length >= count, {
      timeoutMs,
      description: `${count} output line(s) matching ${pattern} (have ${this.lines(pattern).length})`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- output ---\n${this.output.slice(-3_000)}`);
    });
    return this.lines(pattern);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async waitForExit(timeoutMs = 30_000): Promise<void> {
    await Promise.race([
      this.exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.kill('SIGKILL');
    await this.waitForExit(10_000);
  }
}

function matches(text: string, pattern: RegExp | string): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}
