import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../../..');

/** Where failing browser tests leave their screenshots (git-ignored). */
export const SCREENSHOT_DIR = resolve(ROOT, 'test-artifacts', 'screenshots');

/**
 * Flags for a headless Chromium in a container or CI machine: no sandbox (we run as root),
 * no GPU, and none of the background traffic (component updates, sync, safe-browsing lists)
 * that would reach the network during a test.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium the browser tests drive: Debian's package, or CHROMIUM_PATH. Never a download. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Chromium keeps its shared memory in /dev/shm; a small one (a container's 64 MB default)
 * crashes renderers. Debian's launcher script adds this flag itself, but its check breaks
 * when /dev/shm is mounted twice, so decide here.
 */
function shmArgs(): string[] {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize < 1024 ** 3 ? ['--disable-dev-shm-usage'] : [];
  } catch {
    return ['--disable-dev-shm-usage'];
  }
}

/** Headless Chromium through playwright-core, or an error that says how to get one. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `No Chromium executable at ${executablePath}. Run "bash scripts/setup.sh" (it installs Debian's ` +
        `chromium package), or set CHROMIUM_PATH to a Chromium executable.`,
    );
  }
  // Loaded here, not at the top: every test that imports @hitl/testing would pay for it.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...shmArgs()] });
}

/** test-artifacts/screenshots/<sanitised name>.png at the repository root; the folder is created. */
export function screenshotPath(testName: string): string {
  const name =
    testName
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 150) || 'screenshot';
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return resolve(SCREENSHOT_DIR, `${name}.png`);
}

export interface WithPageOptions {
  /** Names the screenshot taken on failure; default: jest's current test name. */
  name?: string;
  context?: BrowserContextOptions;
  /** Console errors the test expects (e.g. the 404 of a page it opens on purpose); any other fails it. */
  expectedConsoleErrors?: RegExp;
}

/**
 * Runs `fn` with a page in a fresh browser context and closes the context afterwards. The test
 * fails if the page logged a console error or threw (a CSP violation, a failed resource), unless
 * `expectedConsoleErrors` matches it. When `fn` fails, a full-page screenshot is saved (its path
 * goes to stderr) before the error is rethrown unchanged.
 */
export async function withPage<T>(browser: Browser, fn: (page: Page) => Promise<T>, options: WithPageOptions = {}): Promise<T> {
  const context = await browser.newContext(options.context);
  try {
    const page = await context.newPage();
    // What the browser's console would show a developer: a script error, a refused resource (a
    // Content-Security-Policy violation, a 404 such as a missing favicon). None is expected.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !options.expectedConsoleErrors?.test(message.text())) problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
    try {
      const result = await fn(page);
      if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
      return result;
    } catch (error) {
      const path = screenshotPath(options.name ?? currentTestName() ?? 'withPage');
      await page.screenshot({ path, fullPage: true }).then(
        () => process.stderr.write(`screenshot of the failing page: ${path}\n`),
        (shotError: unknown) => process.stderr.write(`no screenshot of the failing page: ${String(shotError)}\n`),
      );
      throw error;
    }
  } finally {
    await context.close();
  }
}

function currentTestName(): string | undefined {
  return typeof expect === 'undefined' ? undefined : expect.getState().currentTestName;
}
