import { Tiers } from '@hitl/contracts';
import type { BacktestReport } from './backtest';
import type { PolicyFigures } from './figures';

type Row = [metric: string, current: string, candidate: string, change: string];

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number, digits = 0) => (x > 0 ? `+${x.toFixed(digits)}` : x < 0 ? `-${(-x).toFixed(digits)}` : (0).toFixed(digits));
const points = (a: number, b: number) => `${signed(100 * (b - a), 1)} pp`;

function errorCell(f: PolicyFigures): string {
  const { rate, upperBound, confidenceLevel } = f.error;
  return rate === null || upperBound === null ? 'n/a (no known outcome)' : `${pct(rate)} (<= ${pct(upperBound)} at ${pct(confidenceLevel).replace('.0%', '%')})`;
}

/** A count in both columns and their difference. */
function countRow(metric: string, of: (f: PolicyFigures) => number, current: PolicyFigures, candidate: PolicyFigures): Row {
  return [metric, String(of(current)), String(of(candidate)), signed(of(candidate) - of(current))];
}

function rows(r: BacktestReport): Row[] {
  const { current: a, candidate: b } = r;
  const errorChange = a.error.rate !== null && b.error.rate !== null ? points(a.error.rate, b.error.rate) : '';
  const timeBased = (f: PolicyFigures) => (f.escalations.timeBased === null ? 'n/a' : f.escalations.timeBased.toFixed(1));
  const timeChange = a.escalations.timeBased !== null && b.escalations.timeBased !== null ? signed(b.escalations.timeBased - a.escalations.timeBased, 1) : '';
  // Tiers nobody reviews under either policy are left out (the automatic tier, usually).
  const tiers = Tiers.filter((t) => a.workload.byTier[t].requests + b.workload.byTier[t].requests > 0);
  return [
    countRow('cases', (f) => f.cases, a, b),
    ['automation rate', `${pct(a.automationRate)} (${a.autoApproved})`, `${pct(b.automationRate)} (${b.autoApproved})`, points(a.automationRate, b.automationRate)],
    countRow('auto-approved with known outcome', (f) => f.error.known, a, b),
    countRow('  of those wrong', (f) => f.error.wrong, a, b),
    ['expected auto-approved error (bound)', errorCell(a), errorCell(b), errorChange],
    ...tiers.map((t): Row => [
      `review requests: ${t}`,
      `${a.workload.byTier[t].requests} (${a.workload.byTier[t].personReviews} reviews)`,
      `${b.workload.byTier[t].requests} (${b.workload.byTier[t].personReviews} reviews)`,
      signed(b.workload.byTier[t].requests - a.workload.byTier[t].requests),
    ]),
    countRow('audits of auto-approvals', (f) => f.workload.audits, a, b),
    countRow('person-reviews in all', (f) => f.workload.personReviews, a, b),
    countRow('escalations: immediate', (f) => f.escalations.immediate, a, b),
    ['escalations: time-based (expected)', timeBased(a), timeBased(b), timeChange],
    ['cases moved auto -> people', '', String(r.changed.autoToHuman.length), ''],
    ['cases moved people -> auto', '', String(r.changed.humanToAuto.length), ''],
  ];
}

/** Greedy word wrap for the notes (the table itself is never wrapped). */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

/** The plain-text report: metric | current | candidate | change, then how each figure was made. */
export function formatReport(r: BacktestReport): string {
  const table: Row[] = [['metric', `current (${r.policies.current.version})`, `candidate (${r.policies.candidate.version})`, 'change'], ...rows(r)];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: Row) => row.map((cell, i) => cell.padEnd(widths[i])).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [
    `backtest of ${r.data}: ${r.live.cases} recorded cases`,
    `current: ${r.policies.current.file} (${r.policies.current.version}); candidate: ${r.policies.candidate.file} (${r.policies.candidate.version})`,
    '',
    line(table[0]),
    rule,
    ...table.slice(1).map(line),
    '',
    ...r.notes.map((note, i) => `${i + 1}. ${wrap(note, 100, '   ')}`),
    '',
  ].join('\n');
}
