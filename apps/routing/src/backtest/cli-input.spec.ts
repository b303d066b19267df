import { exampleOf, Topics } from '@hitl/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BacktestInputError, backtestArgs, casesToJsonl, parseCases, readCases, recordArgs } from './cli-input';
import type { RecordedCase } from './recorded-case';

const aCase = (caseId: string): RecordedCase => ({
  caseId,
  scored: exampleOf(Topics.PredictionScored),
  live: { route: 'human', tier: 'single_approver', requiredApprovals: 1, escalations: [] },
  outcome: { value: 'approve_refund', source: 'human_decision' },
});

const fails = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BacktestInputError);
    return (error as Error).message;
  }
  throw new Error('expected a BacktestInputError');
};

describe('backtest arguments', () => {
  it('reads the flags', () => {
    expect(backtestArgs(['--data', 'cases.jsonl', '--candidate', 'c.yaml', '--current', 'p.yaml', '--json'])).toEqual({ data: 'cases.jsonl', candidate: 'c.yaml', current: 'p.yaml', json: true });
    expect(backtestArgs(['--data', 'cases.jsonl', '--candidate', 'c.yaml', '--out', 'r.txt'])).toEqual({ data: 'cases.jsonl', candidate: 'c.yaml', json: false, out: 'r.txt' });
  });

  it('a missing --data or --candidate names the flag and shows the usage', () => {
    expect(fails(() => backtestArgs(['--candidate', 'c.yaml']))).toMatch(/^--data is required: the recorded cases.*\nusage: npm run backtest -- --data/);
    expect(fails(() => backtestArgs(['--data', 'cases.jsonl']))).toMatch(/^--candidate is required/);
    expect(fails(() => backtestArgs(['--data', ' ', '--candidate', 'c.yaml']))).toMatch(/^--data is required/);
  });

  it('an unknown flag, or a flag without its value, is named', () => {
    expect(fails(() => backtestArgs(['--data', 'd', '--candidate', 'c', '--candiate', 'x']))).toContain("'--candiate'");
    expect(fails(() => backtestArgs(['--candidate', 'c', '--data']))).toContain('--data');
  });

  it('record: --out is required; --topic-prefix is optional', () => {
    expect(recordArgs(['--out', 'cases.jsonl', '--topic-prefix', 'staging.'])).toEqual({ out: 'cases.jsonl', topicPrefix: 'staging.' });
    expect(recordArgs(['--out', 'cases.jsonl'])).toEqual({ out: 'cases.jsonl' });
    expect(fails(() => recordArgs([]))).toMatch(/^--out is required.*\nusage: npm run backtest:record -- --out/);
  });
});

describe('the recorded cases file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-backtest-'));

  it('reads back what was written, skipping blank lines', () => {
    const cases = [aCase('c1'), aCase('c2')];
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, `${casesToJsonl(cases)}\n`);
    expect(readCases(file)).toEqual(cases);
  });

  it('an unreadable file is named with its flag and the reason', () => {
    expect(fails(() => readCases(join(dir, 'missing.jsonl')))).toMatch(/^--data .*missing\.jsonl: cannot read the file \(ENOENT/);
  });

  it('a line that is not JSON is named by its number', () => {
    const text = `${JSON.stringify(aCase('c1'))}\n${JSON.stringify(aCase('c2'))}\n{"caseId": "c3", "scored": \n`;
    expect(fails(() => parseCases(text, 'cases.jsonl'))).toMatch(/^cases\.jsonl line 3: not valid JSON \(/);
  });

  it('a line that is JSON but not a recorded case names the line and the field', () => {
    const bad = { ...aCase('c2'), live: { route: 'sideways', escalations: [] } };
    expect(fails(() => parseCases(`${JSON.stringify(aCase('c1'))}\n\n${JSON.stringify(bad)}\n`, 'cases.jsonl'))).toMatch(/^cases\.jsonl line 3: not a recorded case: live\.route: /);
  });

  it('an empty file is refused: there is nothing to compare', () => {
    expect(fails(() => parseCases('\n\n', 'empty.jsonl'))).toMatch(/^empty\.jsonl: no cases in the file/);
  });
});
