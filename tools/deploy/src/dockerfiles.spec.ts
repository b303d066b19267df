import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// No Docker engine here: each service's Dockerfile is checked against the repository instead,
// for what a build would need and what the image must be (pinned base, non-root, production
// dependencies only, the service's own entry point).
const root = resolve(__dirname, '../../..');
const SERVICES = { review: 3000, scoring: 3001, routing: 3002, escalation: 3003, feedback: 3004 } as const;

interface Instruction {
  op: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The stages, each with its instructions (the last one is the image). */
function stages(list: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of list) {
    if (i.op === 'FROM') out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}

const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe.each(Object.entries(SERVICES))('the %s image', (name, port) => {
  const file = join(root, 'apps', name, 'Dockerfile');
  const list = instructions(readFileSync(file, 'utf8'));
  const all = stages(list);
  const image = all.at(-1)!;

  it('builds from a pinned base: an exact Node 22 version, never latest', () => {
    const arg = list.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))!;
    expect(arg.args).toMatch(/^NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim$/);
    for (const from of list.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/^\$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    for (const copy of list.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))) {
      const parts = copy.args.split(/\s+/);
      for (const source of parts.slice(0, -1)) {
        expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
        expect({ source, ignored: ignored.includes(source) }).toEqual({ source, ignored: false });
      }
    }
  });

  it('compiles everything the build configuration includes', () => {
    // Every source of every COPY (the last word is the destination).
    const build = all[0].filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    for (const dir of new Set(tsconfig.include.map((p) => p.split('/')[0]))) expect(build).toContain(dir);
    expect(build).toEqual(expect.arrayContaining(['package.json', 'tsconfig.base.json', 'tsconfig.build.json', 'scripts/rewrite-aliases.js']));
    expect(all[0].some((i) => i.op === 'RUN' && i.args.includes('tsc -p tsconfig.build.json') && i.args.includes('rewrite-aliases'))).toBe(true);
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = list.filter((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    expect(installs.some((i) => i.args.includes('--omit=dev'))).toBe(true);
    // The runtime's node_modules come from that stage, not from the build's (which has the dev tools).
    const modules = image.find((i) => i.op === 'COPY' && i.args.includes('node_modules'))!;
    const from = /--from=(\w+)/.exec(modules.args)![1];
    const stage = all.find((s) => new RegExp(`AS ${from}$`).test(s[0].args))!;
    expect(stage.some((i) => i.op === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(true);
  });

  it('runs its own entry point as an unprivileged user, on its port', () => {
    const user = image.filter((i) => i.op === 'USER').at(-1)!;
    expect(user.args).not.toMatch(/^(0|root)(:|$)/);
    const cmd = JSON.parse(image.find((i) => i.op === 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    expect(existsSync(join(root, 'apps', name, 'src', 'main.ts'))).toBe(true);
    expect(image.find((i) => i.op === 'EXPOSE')!.args).toBe(String(port));
    expect(image.find((i) => i.op === 'ENV')!.args).toContain(`HTTP_PORT=${port}`);
    // The same port npm start gives it.
    expect(readFileSync(join(root, 'scripts', 'start.sh'), 'utf8')).toContain(`${name}:${port}`);
  });
});

describe('the build context', () => {
  it('leaves out dependencies, build output and local state', () => {
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.local']));
  });

  it('the runtime dependencies hold no build tools', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const tool of ['typescript', 'jest', 'nx', 'eslint', 'node', 'playwright-core']) expect(Object.keys(pkg.dependencies)).not.toContain(tool);
  });
});
