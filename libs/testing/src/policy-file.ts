import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The repository's default policy with a test's changes, written to a fresh temporary file: what
 * a service started by the test gets as POLICY_FILE. `change` edits the parsed YAML in place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the YAML as parsed, before validation
export function policyFileWith(change: (policy: any) => void): string {
  const policy = parse(readFileSync(resolve(__dirname, '../../../config/policy.default.yaml'), 'utf8'));
  change(policy);
  const file = join(mkdtempSync(join(tmpdir(), 'hitl-policy-')), 'policy.yaml');
  writeFileSync(file, stringify(policy));
  return file;
}
