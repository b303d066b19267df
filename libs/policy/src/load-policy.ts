import { formatPath } from '@hitl/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PolicyError } from './policy-error';
import { PolicySchema, type Policy } from './policy.schema';

export type PolicyFormat = 'yaml' | 'json';

export const DEFAULT_POLICY_FILE = join('config', 'policy.default.yaml');

/**
 * Parses and validates a policy document. `label` names it in errors (usually the file path).
 * Every problem is reported at once, each with the path of the bad field.
 */
export function parsePolicy(text: string, format: PolicyFormat, label: string): Policy {
  const raw = format === 'json' ? parseJson(text, label) : parseYaml(text, label);
  const result = PolicySchema.safeParse(raw);
  if (!result.success) {
    throw new PolicyError(
      label,
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  return result.data;
}

/**
 * Reads the policy once at start-up: `path`, else env POLICY_FILE, else the repository's
 * config/policy.default.yaml. The format follows the extension (.yaml/.yml or .json).
 */
export function loadPolicy(path?: string, env: NodeJS.ProcessEnv = process.env): Policy {
  const chosen = path ?? (env.POLICY_FILE?.trim() || defaultPolicyPath());
  const label = displayPath(chosen);
  const format = formatOf(chosen, label);
  let text: string;
  try {
    text = readFileSync(chosen, 'utf8');
  } catch (error) {
    throw new PolicyError(label, [{ path: '', message: `cannot read the file (${messageOf(error)})` }]);
  }
  return parsePolicy(text, format, label);
}

/**
 * The default policy file, found by walking up from this module: the same code runs from
 * libs/policy/src under jest and from dist/libs/policy/src when compiled, and a container
 * may put the tree anywhere. Falls back to the working directory.
 */
export function defaultPolicyPath(start = __dirname): string {
  for (let dir = start, depth = 0; depth < 8; depth++) {
    const candidate = join(dir, DEFAULT_POLICY_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return resolve(DEFAULT_POLICY_FILE);
}

function formatOf(path: string, label: string): PolicyFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  throw new PolicyError(label, [{ path: '', message: `unknown format "${ext || '(no extension)'}": use .yaml, .yml or .json` }]);
}

/** Relative to the working directory when inside it: shorter in logs, still unambiguous. */
function displayPath(path: string): string {
  const absolute = resolve(path);
  const rel = relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyError(label, [{ path: '', message: `invalid JSON: ${messageOf(error)}` }]);
  }
}

function parseYaml(text: string, label: string): unknown {
  // YAML 1.2 core schema: `no` stays a string, duplicate keys are errors (not "last one wins").
  // prettyErrors puts "at line L, column C" in the first line of each message.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      label,
      doc.errors.map((error) => ({ path: '', message: `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}` })),
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Not `instanceof Error`: errors from node:fs may come from another realm (jest's sandbox). */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
