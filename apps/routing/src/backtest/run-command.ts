import { BacktestInputError } from './cli-input';

/** Exit code for a wrong flag, file or line (the message names it). */
export const EXIT_USAGE = 2;

/**
 * Runs a command's main: a BacktestInputError ends it with its message and exit code 2, anything
 * else (the broker unreachable, a bug) with its message and 1. Configuration errors (a bad
 * environment variable or policy file) are the platform's readOrExit's: exit code 78.
 */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof BacktestInputError ? EXIT_USAGE : 1);
  });
}
