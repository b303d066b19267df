// npm run backtest -- --data cases.jsonl --candidate candidate-policy.yaml [--current policy.yaml] [--json] [--out <file>]
// Replays recorded cases (npm run backtest:record) through a candidate policy and prints it beside
// the current one (--current, else the policy the services load: POLICY_FILE, else
// config/policy.default.yaml): automation rate, the expected error of what is auto-approved with
// its upper bound, review workload per tier, escalations, and the cases that change route.
// Plain-text table by default, the full report as JSON with --json.
import { defaultPolicyPath, loadPolicy } from '@hitl/policy';
import { readOrExit } from '@hitl/platform';
import { runBacktest } from './backtest/backtest';
import { backtestArgs, readCases, writeOutput } from './backtest/cli-input';
import { formatReport } from './backtest/report-table';
import { runCommand } from './backtest/run-command';

runCommand('backtest', async () => {
  const args = backtestArgs(process.argv.slice(2));
  const cases = readCases(args.data);
  // The services' choice (loadPolicy's own), made here too so that the report can name the file.
  const currentFile = args.current ?? (process.env.POLICY_FILE?.trim() || defaultPolicyPath());
  const current = { file: currentFile, policy: readOrExit('backtest', () => loadPolicy(currentFile)) };
  const candidate = { file: args.candidate, policy: readOrExit('backtest', () => loadPolicy(args.candidate)) };
  const report = runBacktest(args.data, cases, current, candidate);
  const text = args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report);
  if (!args.out) return void process.stdout.write(text);
  writeOutput(args.out, text);
  process.stderr.write(`backtest: wrote ${args.out}\n`);
});
