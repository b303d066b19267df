import { formatPath } from '@hitl/contracts';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RecordedCaseSchema, type RecordedCase } from './recorded-case';

/** A wrong flag, file or line: the message names it, and the command ends with exit code 2. */
export class BacktestInputError extends Error {
  override name = 'BacktestInputError';
}

export const BACKTEST_USAGE = 'npm run backtest -- --data <cases.jsonl> --candidate <policy.yaml> [--current <policy.yaml>] [--json] [--out <file>]';
export const RECORD_USAGE = 'npm run backtest:record -- --out <cases.jsonl> [--topic-prefix <prefix>]';

/** Not `instanceof Error`: errors from node:fs may come from another realm (jest's sandbox). */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** node:util's parseArgs, its errors (unknown flag, missing value) turned into ours with the usage. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new BacktestInputError(`${messageOf(error)}\nusage: ${usage}`);
  }
}

function required(value: string | undefined, flag: string, what: string, usage: string): string {
  if (value === undefined || value.trim() === '') throw new BacktestInputError(`${flag} is required: ${what}\nusage: ${usage}`);
  return value;
}

export interface BacktestArgs {
  data: string;
  candidate: string;
  /** Absent: the policy the services load (POLICY_FILE, else config/policy.default.yaml). */
  current?: string;
  json: boolean;
  out?: string;
}

export function backtestArgs(argv: string[]): BacktestArgs {
  const values = parse(
    argv,
    { data: { type: 'string' }, candidate: { type: 'string' }, current: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' } },
    BACKTEST_USAGE,
  );
  return {
    data: required(values.data, '--data', 'the recorded cases, one JSON line each (npm run backtest:record writes them)', BACKTEST_USAGE),
    candidate: required(values.candidate, '--candidate', 'the policy file to try (.yaml, .yml or .json)', BACKTEST_USAGE),
    ...(values.current !== undefined ? { current: required(values.current, '--current', 'a policy file, or leave the flag out for the one the services load', BACKTEST_USAGE) } : {}),
    json: values.json === true,
    ...(values.out !== undefined ? { out: required(values.out, '--out', 'the file to write the report to', BACKTEST_USAGE) } : {}),
  };
}

export interface RecordArgs {
  out: string;
  /** Absent: TOPIC_PREFIX, else none. */
  topicPrefix?: string;
}

export function recordArgs(argv: string[]): RecordArgs {
  const values = parse(argv, { out: { type: 'string' }, 'topic-prefix': { type: 'string' } }, RECORD_USAGE);
  return {
    out: required(values.out, '--out', 'the file to write the cases to, one JSON line each', RECORD_USAGE),
    ...(values['topic-prefix'] !== undefined ? { topicPrefix: values['topic-prefix'] } : {}),
  };
}

/**
 * The cases of a recording, one JSON object a line (blank lines are skipped). The first bad
 * line stops the backtest, named by its number: figures from a partly read file would look
 * right and be wrong.
 */
export function parseCases(text: string, label: string): RecordedCase[] {
  const cases: RecordedCase[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new BacktestInputError(`${label} line ${i + 1}: not valid JSON (${messageOf(error)})`);
    }
    const result = RecordedCaseSchema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path) || '(the line)'}: ${issue.message}`);
      throw new BacktestInputError(`${label} line ${i + 1}: not a recorded case: ${issues.join('; ')}`);
    }
    cases.push(result.data);
  });
  if (cases.length === 0) throw new BacktestInputError(`${label}: no cases in the file (record some with ${RECORD_USAGE})`);
  return cases;
}

export function readCases(path: string): RecordedCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BacktestInputError(`--data ${path}: cannot read the file (${messageOf(error)})`);
  }
  return parseCases(text, path);
}

/** The inverse of parseCases. */
export function casesToJsonl(cases: RecordedCase[]): string {
  return cases.map((c) => `${JSON.stringify(c)}\n`).join('');
}

/** Writes a command's output file; a path that cannot be written is named with its flag. */
export function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new BacktestInputError(`--out ${path}: cannot write the file (${messageOf(error)})`);
  }
}
