import { EXIT_CONFIG } from './exit-codes';

/** Errors that mean "this deployment is configured wrongly": a restart cannot fix them. */
const CONFIGURATION_ERRORS = new Set(['ConfigError', 'PolicyError']);

/**
 * Reads something a service needs before it boots (its settings, the policy file). A wrong value
 * ends the process with one line naming the variable or field and exit code 78 (EX_CONFIG), so
 * an orchestrator sees a configuration error, not a crash loop to wait out.
 */
export function readOrExit<T>(service: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && CONFIGURATION_ERRORS.has(error.name)) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}
