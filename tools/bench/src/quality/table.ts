// The quality bench's printed table. Pure: a string from the run's result.
import type { QualityRun } from './main';
import type { Automation, RateWithBound, ThresholdResult } from './metrics';

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const int = (n: number) => n.toLocaleString('en');
const mark = (ok: boolean | null) => (ok === null ? '–' : ok ? '✓' : '✗');
const err = (e: RateWithBound) => (e.n === 0 ? 'none automated' : `${pct(e.rate, 2)} (${int(e.wrong)}/${int(e.n)})`);
const bound = (e: RateWithBound) => (e.n === 0 ? '–' : pct(e.upper, 2));

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')}`.trimEnd());
}

export function renderReport(run: QualityRun): string {
  const { report, options } = run;
  const { stable } = report;
  const target = report.target;
  const out: string[] = [];
  const stableCount = report.phases.driftFrom - report.phases.warmup;
  out.push('');
  out.push(
    `Quality bench: ${run.dataset.description}, ${run.dataset.source}: ${int(run.dataset.examples)} examples, ${int(run.dataset.train)} to train, ${int(run.dataset.heldOut)} held out`,
  );
  out.push(`  ${run.model.kind} model ${run.model.version}: held-out accuracy ${pct(run.model.heldOutAccuracy)}, trained in ${run.model.trainingSeconds.toFixed(1)} s`);
  out.push(
    `  ${int(report.phases.total)} cases at ${options.rate}/s through the five services: warm-up ${int(report.phases.warmup)}, stable ${int(stableCount)} fresh cases, ` +
      (run.driftCategory ? `then drift in ${run.driftCategory} from case ${int(report.phases.driftFrom)}` : 'no drift'),
  );
  out.push(`  ${options.reviewers} simulated reviewers wrong ${pct(options.reviewerError)} of the time; target error ${pct(target)}; seed ${options.seed}`);
  out.push(`  policy: ${run.policy.changed.length > 0 ? `the default with ${run.policy.changed.join('; ')}` : run.policy.file}`);
  out.push('');
  out.push(`Stable phase: ${int(stableCount)} fresh cases after the warm-up (model accuracy on them ${pct(stable.modelAccuracy)})`);
  const rule = (name: string, r: ThresholdResult) => [name, pct(r.coverage), err(r.error), bound(r.error), r.error.n === 0 ? '–' : mark(r.error.rate <= target)];
  const platformRow = (a: Automation) => ['platform (decision.finalized, auto)', pct(a.share), err(a.error), bound(a.error), a.auto === 0 ? '–' : mark(a.error.rate <= target)];
  out.push(
    ...table([
      ['', 'automation', 'error of auto-approvals', '95% upper bound', `≤ ${pct(target)}`],
      platformRow(stable.platform),
      rule(`oracle: best threshold on the model's p${stable.oracle.threshold === null ? '' : ` (p ≥ ${stable.oracle.threshold.toFixed(4)})`}`, stable.oracle),
      rule("the guide's fixed band: model's p > 0.95", stable.fixed095),
    ]),
  );
  out.push(
    `  by category: ${Object.entries(stable.byCategory)
      .map(([c, a]) => `${c} ${pct(a.share)} automated, error ${a.auto === 0 ? '–' : pct(a.error.rate, 2)}`)
      .join('; ')}`,
  );
  out.push(`  human final decisions: ${int(stable.platform.human)}, wrong against the truth ${stable.platform.human === 0 ? '–' : pct(stable.platform.humanError.rate, 2)}`);
  if (stable.warmupAtOracle && stable.oracle.threshold !== null)
    out.push(`  the oracle's threshold on the warm-up's cases (where the evidence came from): error ${err(stable.warmupAtOracle)}, against ${pct(stable.oracle.error.rate, 2)} on these`);
  out.push('');
  const d = report.drift;
  if (d) {
    out.push(`Drift: from case ${int(report.phases.driftFrom)} every recommendation in ${d.category} is wrong (probability unchanged): ${int(d.cases)} cases`);
    if (d.stableShare === 0) out.push(`  ${d.category} had no automation in the stable phase: nothing to stop (${int(d.wrongAutoApprovals)} wrong auto-approvals after the drift)`);
    else if (d.stopped)
      out.push(
        `  wrong auto-approvals before automation stopped: ${int(d.wrongAutoApprovals)} (stopped after ${int(d.casesUntilStop ?? 0)} drifted cases, at case ${d.stoppedAtSeq === null ? '–' : int(d.stoppedAtSeq)}; stopped = ${d.quietNeeded} cases in a row without automation)`,
      );
    else out.push(`  automation never stopped: ${int(d.wrongAutoApprovals)} wrong auto-approvals of ${int(d.decided)} drifted cases (stopped = ${d.quietNeeded} cases in a row without automation)`);
  } else {
    out.push('Drift: none in this run');
  }
  if (report.falseAlarms.length === 0) out.push('  false alarms (automation lost in a category whose model did not change): none');
  for (const a of report.falseAlarms)
    out.push(`  false alarm: ${a.category} lost automation from case ${int(a.fromSeq)}: ${int(a.length)} cases in a row without it${a.ongoing ? ', to the end of the run' : ''} (alarm at ${a.quietNeeded})`);
  const after = report.afterDriftStableCategories;
  if (d) out.push(`  unchanged categories after the drift: ${pct(after.share)} automated, error of auto-approvals ${err(after.error)}`);
  out.push('');
  out.push(...trustTimeline(run));
  const a = report.acceptance;
  out.push('Acceptance');
  out.push(`  ${mark(a.errorWithinTarget)} realized error of auto-approvals on fresh cases ≤ ${pct(target)} (${stable.platform.auto === 0 ? 'nothing automated' : pct(stable.platform.error.rate, 2)})`);
  out.push(`  ${mark(a.automationAtLeastFixed095)} automation at least the fixed 0.95 band's (${pct(stable.platform.share)} vs ${pct(stable.fixed095.coverage)})`);
  const driftNote = !d ? ' (no drift)' : a.driftStoppedWithin50 === null ? ' (not tested: the category was never automated)' : d.stopped ? ` (${int(d.wrongAutoApprovals)})` : d.autoAfterDrift === 0 ? ' (nothing automated after the drift)' : ` (not stopped: ${int(d.wrongAutoApprovals)} wrong)`;
  out.push(`  ${mark(a.driftStoppedWithin50)} drifted category stopped within 50 wrong auto-approvals${driftNote}`);
  out.push(`  ${mark(a.noFalseAlarm)} no alarm on a stable category`);
  out.push('');
  const r = run.reviewers;
  const entries = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${int(v)}`).join(', ') || 'none';
  out.push(`Reviewers: ${int(r.decisions)} decisions (${entries(r.byAction)}; by reason ${entries(r.byReason)}), wrong ${r.decisions === 0 ? '–' : pct(r.wrong / r.decisions)}, conflicts ${int(r.conflicts)}, failures ${entries(r.failures)}, unknown cases ${int(r.unknown)}`);
  out.push(`Review requests by reason: ${entries(run.reviewRequests)}`);
  out.push(`decision.finalized: ${int(report.phases.total - report.undecided)} of ${int(report.phases.total)}, duplicates ${run.duplicates}. Took ${run.seconds.total.toFixed(0)} s (publishing ${run.seconds.publishing.toFixed(0)} s).`);
  return `${out.join('\n')}\n`;
}

/**
 * How the gate moved per category (trust.updated): state and threshold at the number of cases
 * published then, and how many decisions were final by then (the gap is the evidence not yet back).
 */
function trustTimeline(run: QualityRun): string[] {
  if (!run.trust || run.trust.length === 0) return [];
  const out = ['Trust timeline (state or threshold changes; @ cases published / decisions finalized)'];
  for (const category of run.categories) {
    const steps: string[] = [];
    let last = '';
    for (const t of run.trust.filter((s) => s.category === category)) {
      const what = t.state === 'certified' ? `certified ≥ ${t.threshold}` : t.state === 'stopped' ? `stopped (${(t.stop ?? '').split(':')[0]})` : t.state;
      if (what === last) continue;
      last = what;
      steps.push(`${what} @${int(t.published)}/${int(t.finalized)}`);
    }
    out.push(`  ${category}: ${steps.join(' → ') || 'no update'}`);
  }
  out.push('');
  return out;
}
