import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath, withPage } from './browser';

// The whole chain the review UI's tests stand on: Debian's Chromium, playwright-core, our
// launch flags, and a screenshot on disk. Needs no broker or database.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>browser check</title></head>
<body>
  <form id="form">
    <label for="name">Name</label> <input id="name" name="name">
    <button id="submit" type="submit" disabled>Send</button>
  </form>
  <p id="result"></p>
  <script>
    const name = document.getElementById('name');
    const submit = document.getElementById('submit');
    name.addEventListener('input', () => { submit.disabled = name.value.trim() === ''; });
    document.getElementById('form').addEventListener('submit', (event) => {
      event.preventDefault();
      document.getElementById('result').textContent = 'Hello, ' + name.value + '!';
    });
  </script>
</body></html>`;

describe('headless Chromium through playwright-core', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const started = performance.now();
    browser = await launchChromium();
    process.stderr.write(`chromium ${browser.version()} launched in ${Math.round(performance.now() - started)} ms\n`);
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('enables the button once the field is filled, submits, and saves a screenshot', async () => {
    const path = screenshotPath('browser check: form submit');
    rmSync(path, { force: true });
    await withPage(browser, async (page) => {
      await page.goto(url);
      const button = page.locator('#submit');
      expect(await button.isDisabled()).toBe(true);

      await page.locator('#name').fill('Ada');
      expect(await button.isEnabled()).toBe(true);

      await button.click();
      await page.getByText('Hello, Ada!').waitFor({ timeout: 5_000 });
      expect(await page.locator('#result').textContent()).toBe('Hello, Ada!');

      await page.screenshot({ path });
    });
    expect(statSync(path).size).toBeGreaterThan(0);
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  });

  it('withPage saves a screenshot of the page when the test body fails, and rethrows', async () => {
    const name = 'browser check: failing body';
    rmSync(screenshotPath(name), { force: true });
    await expect(
      withPage(
        browser,
        async (page) => {
          await page.goto(url);
          throw new Error('the body failed');
        },
        { name },
      ),
    ).rejects.toThrow('the body failed');
    expect(existsSync(screenshotPath(name))).toBe(true);
    expect(statSync(screenshotPath(name)).size).toBeGreaterThan(0);
  });
});
