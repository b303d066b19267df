// npm run report:weekly [-- --json] [--out <file>]
// The guide's weekly feedback analysis from the running feedback service (FEEDBACK_URL,
// default http://127.0.0.1:3004): its five health-check questions answered with figures,
// common override reasons, the categories with most overrides, confidence against accuracy,
// reviewer agreement. Markdown by default, JSON with --json.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fail, runMain } from './cli-support';

runMain('report:weekly', async () => {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const base = process.env.FEEDBACK_URL ?? 'http://127.0.0.1:3004';
  let url: URL;
  try {
    url = new URL(`/api/weekly-report?format=${values.json ? 'json' : 'markdown'}`, base);
  } catch {
    fail('report:weekly', `FEEDBACK_URL: expected a URL such as http://127.0.0.1:3004, got ${JSON.stringify(base)}`);
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => fail('report:weekly', `the feedback service at ${base} did not answer (${error instanceof Error ? error.message : String(error)}); is it running (npm start)?`));
  if (!response.ok) fail('report:weekly', `the feedback service answered ${response.status}: ${await response.text()}`);
  const text = values.json ? `${JSON.stringify(await response.json(), null, 2)}\n` : await response.text();
  if (values.out) {
    await writeFile(values.out, text);
    process.stderr.write(`report:weekly: wrote ${values.out}\n`);
  } else process.stdout.write(text);
});
