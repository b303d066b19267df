import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A bench's figures as JSON (for `npm run bench`, which collects them into one table). */
export function writeResults(path: string, results: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Runs a bench's main when its file is the entry point: exit 0 when done, 1 with the error. */
export function runWhenMain(entry: NodeJS.Module, main: () => Promise<void>): void {
  if (require.main !== entry) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
