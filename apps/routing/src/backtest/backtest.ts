import { Tiers } from '@hitl/contracts';
import type { Policy } from '@hitl/policy';
import { changedCases, figuresOf, timeoutShares, type ChangedCases, type PolicyFigures, type TimeoutShares } from './figures';
import type { RecordedCase } from './recorded-case';
import { replay } from './replay';

export interface NamedPolicy {
  /** Where it came from, as the user named it (shown, not read again). */
  file: string;
  policy: Policy;
}

/** What the recording says happened live, beside which the replay of the current policy is read. */
export interface LiveFigures {
  cases: number;
  autoApproved: number;
  human: number;
  undecided: number;
  automationRate: number;
  knownOutcomes: number;
  escalations: { immediate: number; timeout: number };
}

export interface BacktestReport {
  data: string;
  live: LiveFigures;
  policies: { current: { file: string; version: string }; candidate: { file: string; version: string } };
  current: PolicyFigures;
  candidate: PolicyFigures;
  changed: ChangedCases;
  /** Of the cases routed live, how many the current policy's replay sends the same way. */
  reproduced: { routed: number; matching: number };
  notes: string[];
}

function liveFigures(cases: RecordedCase[]): LiveFigures {
  const count = (route: RecordedCase['live']['route']) => cases.filter((c) => c.live.route === route).length;
  const fired = cases.flatMap((c) => c.live.escalations);
  const autoApproved = count('auto');
  return {
    cases: cases.length,
    autoApproved,
    human: count('human'),
    undecided: count('undecided'),
    automationRate: cases.length > 0 ? autoApproved / cases.length : 0,
    knownOutcomes: cases.filter((c) => c.outcome).length,
    escalations: { immediate: fired.filter((e) => e.reason === 'critical' || e.reason === 'context').length, timeout: fired.filter((e) => e.reason === 'timeout').length },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function sharesNote(shares: TimeoutShares): string {
  const tiers = Tiers.filter((t) => shares.byTier[t].humanCases > 0).map((t) => `${t} ${shares.byTier[t].escalated}/${shares.byTier[t].humanCases}`);
  if (tiers.length === 0) return 'the recording has no case people decided, so there is nothing to estimate from (n/a)';
  return `recorded shares ${tiers.join(', ')}; a tier without recorded human cases takes the overall ${shares.overall.escalated}/${shares.overall.humanCases}`;
}

/** The method, with the numbers it used: printed under the table, and kept in the JSON. */
function notesOf(live: LiveFigures, shares: TimeoutShares, reproduced: BacktestReport['reproduced']): string[] {
  return [
    'Replay: for each policy, triggers are detected again on the recorded prediction, overall is recomputed from the recorded factor values with the category weights, the band comes from the category bands, and routing routes it with its own rule (routeScored). Factor values stay as measured live; thresholds that calibration applied live are not replayed. A case with revisions is replayed with its latest round.',
    `Live: ${live.autoApproved} auto-approved, ${live.human} to people, ${live.undecided} undecided of ${live.cases} (automation ${pct(live.automationRate)}); the current policy's replay routes ${reproduced.matching} of the ${reproduced.routed} routed cases as they went live.`,
    `Error: known outcome = the final human decision, or the audit verdict of an auto-approval (${live.knownOutcomes} cases have one); wrong = known outcome differs from the AI recommendation; each outcome weighted by the cases it stands for (a case people decided: 1; an audit sampled with probability π: 1/π); rate = weighted share wrong; bound = one-sided weighted Clopper–Pearson (Korn–Graubard) at feedback.calibration.confidenceLevel (what trust certification judges thresholds by). Only auto-approvals with a known outcome count: the ones people decided live (all of them have one) and the audited ones, which stand for the unaudited.`,
    'Workload: one request per case sent to people, in the tier routing chooses, times its required approvals; revisions, disagreements and re-requests after escalation are not replayed. Audits: sampled auto-approvals, one review each.',
    `Escalations: immediate = one per critical flag or context trigger of a case sent to people (as the escalation service fires them; ${live.escalations.immediate} recorded live). Time-based = each tier's requests × the recording's share of that tier's human cases that hit a timeout escalation (${sharesNote(shares)}; ${live.escalations.timeout} timeout escalations recorded live, one per rung reached).`,
  ];
}

/** Replays every recorded case under both policies and compares them. Pure: no I/O. */
export function runBacktest(data: string, cases: RecordedCase[], current: NamedPolicy, candidate: NamedPolicy): BacktestReport {
  const shares = timeoutShares(cases);
  const replayedCurrent = cases.map((c) => replay(c, current.policy));
  const replayedCandidate = cases.map((c) => replay(c, candidate.policy));
  const routed = cases.map((c, i) => ({ live: c.live.route, replayed: replayedCurrent[i].decision.kind === 'auto' ? 'auto' : 'human' })).filter((r) => r.live !== 'undecided');
  const reproduced = { routed: routed.length, matching: routed.filter((r) => r.live === r.replayed).length };
  const live = liveFigures(cases);
  return {
    data,
    live,
    policies: { current: { file: current.file, version: current.policy.version }, candidate: { file: candidate.file, version: candidate.policy.version } },
    current: figuresOf(replayedCurrent, current.policy.feedback.calibration.confidenceLevel, shares),
    candidate: figuresOf(replayedCandidate, candidate.policy.feedback.calibration.confidenceLevel, shares),
    changed: changedCases(replayedCurrent, replayedCandidate),
    reproduced,
    notes: notesOf(live, shares, reproduced),
  };
}
