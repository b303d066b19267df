import type { HealthMetric, HealthReport, HealthSeries, LoopEvents, ReviewerDetail, ReviewersReport, RolloutReport, TrustUpdatedV1 } from '@hitl/contracts';
import { ADMIN_ROLE } from '@hitl/policy';
import type { Principal } from '../auth/authenticator';
import type { detailOf, summaryOf } from '../cases/views';
import { html, type Html } from './html';

type Summary = ReturnType<typeof summaryOf>;
type Detail = ReturnType<typeof detailOf>;

const FACTOR_LABELS: Record<string, string> = {
  modelConfidence: 'Model confidence',
  trainingDataCoverage: 'Training-data coverage',
  inputQuality: 'Input quality',
  edgeCaseIndicators: 'Edge-case indicators',
};

const pct = (x: number) => `${Math.round(x * 100)}%`;
/** An amount as its currency writes it ($127.50, €1,200.00, ¥1,200); an unknown code as "XYZ 12.5". */
export const money = (value?: number, currency = 'USD') => {
  if (value === undefined) return '';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value);
  } catch {
    return `${currency} ${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
  }
};
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const label = (s: string) => s.replace(/_/g, ' ');

export function layout(title: string, user: Principal | null, body: Html, page = ''): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · HITL review</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body data-page="${page}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">HITL review</span>
  ${user
    ? html`<nav aria-label="Main"><a href="/">Queue</a><a href="/dashboard">Health</a><a href="/me">My feedback</a><a href="/docs">API</a></nav>
  <span class="who">${user.name} <small>(${user.roles.map(label).join(', ')})</small></span>
  <form method="post" action="/logout" class="inline"><button type="submit">Log out</button></form>`
    : ''}
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`;
}

export function loginPage(error?: string, username = ''): Html {
  return layout(
    'Log in',
    null,
    html`<section class="login">
  <h1>Log in</h1>
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  <form method="post" action="/login">
    <label for="username">Username</label>
    <input id="username" name="username" autocomplete="username" required value="${username}" autofocus>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" class="primary">Log in</button>
  </form>
</section>`,
  );
}

export interface QueueFilters {
  tier?: string;
  category?: string;
  escalated?: boolean;
  minPriority?: number;
}

export function queueTable(rows: Summary[], total: number, offset: number, limit: number, filters: QueueFilters): Html {
  const query = (extra: Record<string, string | number>) =>
    new URLSearchParams(
      Object.entries({ ...filters, ...extra })
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
  return html`<div id="queue" aria-live="polite">
  <p class="count">${total === 0 ? 'Nothing waits for you.' : `${total} case${total === 1 ? '' : 's'} waiting for you`}${total > limit ? ` · showing ${offset + 1}–${Math.min(total, offset + limit)}` : ''}</p>
  ${rows.length > 0
    ? html`<table class="queue">
    <thead><tr><th scope="col">Priority</th><th scope="col">Case</th><th scope="col">AI recommends</th><th scope="col">Confidence</th><th scope="col">Tier</th><th scope="col">Due</th><th scope="col">Approvals</th><th scope="col">Claimed by</th></tr></thead>
    <tbody>
    ${rows.map(
      (r) => html`<tr data-case="${r.caseId}" class="${r.overdue ? 'overdue' : ''}">
      <td><span class="prio" title="priority ${r.priority}">${r.priority}</span>${r.escalated ? html` <span class="badge esc">escalated</span>` : ''}</td>
      <td><a href="/cases/${encodeURIComponent(r.caseId)}">${label(r.category)}${r.value !== undefined ? html` <span class="value">${money(r.value, r.currency)}</span>` : ''}</a>
        <div class="sub">${r.caseId}${r.round > 1 ? ` · round ${r.round}` : ''}${r.triggers.map((t) => html` <span class="badge trig">${label(t)}</span>`)}</div></td>
      ${r.blind ? html`<td colspan="2"><span class="badge" title="shadow stage: decide without the AI's view">blind</span></td>` : html`<td>${r.recommendation}</td>
      <td><span class="band ${r.band}">${pct(r.confidence!)}</span> <small>${label(r.band!)}</small></td>`}
      <td>${label(r.tier)}<div class="sub">${label(r.reason)}</div></td>
      <td>${r.overdue ? html`<strong>overdue</strong> ` : ''}<time datetime="${r.dueAt}">${when(r.dueAt)}</time>${r.nextEscalation ? html`<div class="sub next-escalation">escalates to ${label(r.nextEscalation.to)} at <time datetime="${r.nextEscalation.at}">${when(r.nextEscalation.at)}</time></div>` : ''}</td>
      <td>${r.approvals}</td>
      <td>${r.claimedBy ? r.claimedBy.name : html`<span class="free">free</span>`}</td>
    </tr>`,
    )}
    </tbody>
  </table>
  <nav class="pages" aria-label="Pages">
    ${offset > 0 ? html`<a href="/?${query({ offset: Math.max(0, offset - limit) })}" rel="prev">Previous</a>` : ''}
    ${offset + limit < total ? html`<a href="/?${query({ offset: offset + limit })}" rel="next">Next</a>` : ''}
  </nav>`
    : ''}
</div>`;
}

export function queuePage(user: Principal, table: Html, filters: QueueFilters, tiers: readonly string[]): Html {
  return layout(
    'Queue',
    user,
    html`<h1>Your queue</h1>
<p class="next"><button type="button" id="next-case" class="primary" aria-keyshortcuts="n">Next case <kbd>n</kbd></button> <span id="next-status" role="status"></span></p>
<form class="filters" method="get" action="/" aria-label="Filter the queue">
  <label>Tier <select name="tier"><option value="">any</option>${tiers.map((t) => html`<option value="${t}" ${filters.tier === t ? html`selected` : ''}>${label(t)}</option>`)}</select></label>
  <label>Category <input name="category" value="${filters.category ?? ''}" placeholder="e.g. refund" size="14"></label>
  <label>Min. priority <input name="minPriority" type="number" min="0" max="100" value="${filters.minPriority ?? ''}" size="4"></label>
  <label>Escalated <select name="escalated"><option value="">any</option><option value="true" ${filters.escalated === true ? html`selected` : ''}>yes</option><option value="false" ${filters.escalated === false ? html`selected` : ''}>no</option></select></label>
  <button type="submit">Filter</button>
</form>
${table}
<p class="keys">Keys: <kbd>n</kbd> next case (claimed for you), <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open, <kbd>r</kbd> refresh. The list updates by itself.</p>`,
    'queue',
  );
}

function keyData(input: Record<string, unknown>): Html {
  const rows = Object.entries(input).slice(0, 30);
  return html`<dl class="kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>`)}</dl>`;
}

/** The AI's side of the case: recommendation, confidence with its factors, reasoning, why it is here. */
function aiPanel(d: Detail, score: NonNullable<Detail['score']>): Html {
  const factors = Object.entries(score.factors) as [keyof typeof score.factors, { value: number; source: string }][];
  return html`<section class="panel ai" aria-labelledby="ai-h">
  <h2 id="ai-h">AI recommendation</h2>
  <p class="rec"><strong>${d.recommendation}</strong> <span class="band ${d.band}">${pct(d.confidence!)} confidence</span> <small>${label(d.band!)}</small></p>
  <ul class="factors" aria-label="Confidence factors">
  ${factors.map(
    ([name, f]) => html`<li><span class="fname">${FACTOR_LABELS[name] ?? name}</span>
      <span class="bar" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(f.value * 100)}" aria-label="${FACTOR_LABELS[name] ?? name}"><span style="width:${Math.round(f.value * 100)}%"></span></span>
      <span class="fval">${pct(f.value)}</span> <small>weight ${score.weights[name]} · ${f.source}</small></li>`,
  )}
  </ul>
  <h3>AI reasoning</h3>
  <p class="reasoning">${d.context.reasoning ?? ''}</p>
  <h3>Why it is here</h3>
  <p>${d.explanation}</p>
</section>`;
}

/** Shadow stage: the AI's view is hidden, so the decision measures it rather than follows it. */
function blindPanel(): Html {
  return html`<section class="panel ai blind" aria-labelledby="ai-h">
  <h2 id="ai-h">Decide on the facts</h2>
  <p>This category is in its <strong>shadow stage</strong>: the AI's recommendation, confidence and reasoning are hidden. Your decision is compared with what automation would have done, to tell when it can be trusted.</p>
</section>`;
}

type Choices = Detail['choices'];
const reasonLabel = (choices: Choices, code: string) => choices.overrideReasons.find((r) => r.code === code)?.label ?? code;

/**
 * The outcome field: a list when the policy gives one (a typo cannot become the final decision),
 * a list with typing allowed when it also allows free text, a text field when it gives none.
 */
function outcomeField(id: string, outcomes: string[], freeText: boolean, key: string): Html {
  if (outcomes.length === 0) return html`<input id="${id}" name="outcome" required maxlength="500" aria-keyshortcuts="${key}">`;
  if (freeText) {
    return html`<input id="${id}" name="outcome" required maxlength="500" list="${id}-list" aria-keyshortcuts="${key}" aria-describedby="${id}-hint"><datalist id="${id}-list">${outcomes.map((o) => html`<option value="${o}"></option>`)}</datalist>
    <small id="${id}-hint" class="sub">Choose one, or type another outcome.</small>`;
  }
  return html`<select id="${id}" name="outcome" required aria-keyshortcuts="${key}"><option value="">Choose an outcome…</option>${outcomes.map((o) => html`<option value="${o}">${o}</option>`)}</select>`;
}

/** The policy's override reason codes: required for an override, optional for a blind decision. */
function reasonCodeField(id: string, reasons: Choices['overrideReasons'], required: boolean): Html {
  if (reasons.length === 0) return html``;
  return html`<label for="${id}">Reason code${required ? ' (required)' : ' (if you decide otherwise than the AI)'}</label>
    <select id="${id}" name="reasonCode"${required ? html` required` : ''}><option value="">Choose a reason…</option>${reasons.map((r) => html`<option value="${r.code}">${r.label}</option>`)}</select>`;
}

/** An audit's verdict is on the AI: approve says it was right, override says it was wrong and what was right. */
function approveOrOverride(recommendation: string, choices: Choices, audit = false): Html {
  // Overriding with the AI's own recommendation is not an override.
  const instead = choices.outcomes.filter((o) => o !== recommendation);
  return html`  <div class="buttons">
    <form data-action="approve"><button type="submit" class="primary" id="approve" aria-keyshortcuts="a">${recommendation.toLowerCase() === 'approve' ? 'Approve' : `Approve “${recommendation}”`}${audit ? ': the AI was right' : ''} <kbd>a</kbd></button></form>
  </div>
  <form data-action="override" class="act">
    <h3>${audit ? 'Override: the AI was wrong' : 'Override'} <kbd>o</kbd></h3>
    <label for="override-outcome">${audit ? 'The right outcome' : 'Decide instead'}</label>
    ${outcomeField('override-outcome', instead, choices.freeText, 'o')}
    ${reasonCodeField('override-code', choices.overrideReasons, true)}
    <label for="override-reason">Reason (required)</label>
    <textarea id="override-reason" name="reason" required rows="2"></textarea>
    <button type="submit" id="override" disabled>Override</button>
  </form>`;
}

function decideBlind(choices: Choices): Html {
  return html`<form data-action="decide" class="act">
    <h3>Your decision <kbd>d</kbd></h3>
    <label for="decide-outcome">Outcome</label>
    ${outcomeField('decide-outcome', choices.outcomes, choices.freeText, 'd')}
    ${reasonCodeField('decide-code', choices.overrideReasons, false)}
    <label for="decide-reason">Reason (optional)</label>
    <textarea id="decide-reason" name="reason" rows="2"></textarea>
    <button type="submit" id="decide" class="primary" disabled>Decide</button>
  </form>`;
}

/** An audit says what it checks: a decision the AI made alone, final, which the verdict does not change. */
/** What an overturned audit waits for before its verdict: more confirmations, or a senior arbiter. */
function auditWaitText(audit: NonNullable<Detail['audit']>): Html {
  const { differingOverturn: differing, upheldAfterConfirmation: upheld, confirmations } = audit;
  const confirmed = confirmations && confirmations.by.length > 0 ? html`; ${confirmations.by.join(' and ')} confirmed it` : '';
  if (differing) return html`${confirmed}; ${differing.reviewerId} found it wrong too, but said “${differing.outcome ?? ''}”${differing.reason ? html`: <q>${differing.reason}</q>` : ''}. Three answers: a senior arbiter who took no part gives the verdict.`;
  if (upheld) return html`${confirmed}; ${upheld.reviewerId} upheld the AI. Split: a senior arbiter who took no part gives the verdict.`;
  const left = (confirmations?.needed ?? 1) - (confirmations?.by.length ?? 0);
  if (!confirmed && left === 1) return html`; a second person's word makes it the verdict (the policy's AI–human disagreement).`;
  return html`${confirmed}; ${left === 1 ? 'one more person' : `${left} more people`} must confirm it before it is the verdict (the policy's arbitration.overturnConfirmations).`;
}

function auditNote(audit: NonNullable<Detail['audit']>): Html {
  const { autoApproved, verdict } = audit;
  return html`<p id="audit-note" class="audit-note" role="note"><strong>Audit of an auto-approval.</strong> The AI decided “${autoApproved.outcome}” on its own on <time datetime="${autoApproved.finalizedAt}">${when(autoApproved.finalizedAt)}</time>, and that decision is final. Your verdict does not change it: it tells how often the AI is right when it decides alone. Approve if the AI was right; override with the right outcome and a reason if it was wrong.${verdict ? html` <span id="audit-verdict">Verdict by ${verdict.reviewerId}: ${verdict.upheld ? 'upheld, the AI was right' : `overturned, the right outcome was “${verdict.outcome ?? ''}”`}.</span>` : ''}${audit.overturnToConfirm ? html` <span id="audit-pending">${audit.overturnToConfirm.reviewerId} found the AI wrong (“${audit.overturnToConfirm.outcome ?? ''}”${audit.overturnToConfirm.reason ? html`: <q>${audit.overturnToConfirm.reason}</q>` : ''})${auditWaitText(audit)}</span>` : ''}</p>`;
}

/** The status line of a case nobody can act on any more. */
function closedStatus(d: Detail): Html {
  if (d.audit) return html`<strong>Audit ${d.audit.verdict ? 'given' : label(d.status)}</strong> — the auto-approval “${d.audit.autoApproved.outcome}” stands${d.audit.verdict ? (d.audit.verdict.upheld ? '; verdict: upheld' : `; verdict: overturned → ${d.audit.verdict.outcome ?? ''}`) : ''}`;
  const f = d.finalized;
  if (!f) return html`<strong>${label(d.status)}</strong>`;
  if (f.decidedBy === 'auto') return html`<strong>${label(d.status)}</strong> — ${f.outcome}, decided by the AI`;
  const names = (refs: { reviewerId: string; role: string }[]) => refs.map((r) => `${r.reviewerId} (${label(r.role)})`).join(', ');
  return html`<strong>${label(d.status)}</strong> — ${f.outcome}, backed by <span id="backers">${names(f.approvers)}</span>${f.dissenters && f.dissenters.length > 0 ? html`; dissent: <span id="dissenters">${names(f.dissenters)}</span>` : ''}`;
}

export function casePage(user: Principal, d: Detail, neighbours: { prev?: string; next?: string }): Html {
  const canAct = 'role' in d.canAct;
  const mineClaim = d.claimedBy?.id === user.id;
  return layout(
    `${label(d.category)} ${d.caseId}`,
    user,
    html`<article class="case" data-case="${d.caseId}" data-can-act="${canAct ? 'yes' : 'no'}" data-claimed-by="${d.claimedBy?.id ?? ''}" data-prev="${neighbours.prev ?? ''}" data-next="${neighbours.next ?? ''}">
<header class="case-head">
  <h1>${label(d.category)}${d.value !== undefined ? html` <span class="value">${money(d.value, d.currency)}</span>` : ''}</h1>
  <p class="sub" id="case-sub">${d.caseId} · round ${d.round} · ${label(d.tier)} (${d.approvals} approvals) · priority ${d.priority} · due <time datetime="${d.dueAt}">${when(d.dueAt)}</time> (the tier's limit)${d.overdue ? html` <strong>overdue</strong>` : ''}${d.nextEscalation ? html` · <span id="next-escalation">escalates to ${label(d.nextEscalation.to)} at <time datetime="${d.nextEscalation.at}">${when(d.nextEscalation.at)}</time> if nobody acts</span>` : ''}${d.escalated ? html` <span class="badge esc">escalated</span>` : ''}</p>
  <p id="claim-status" class="claim" role="status">${d.status !== 'open' ? closedStatus(d) : d.claimedBy ? (mineClaim ? html`You are working on this case until <time datetime="${d.claimedBy.until}">${when(d.claimedBy.until)}</time>.` : html`<strong>Claimed by ${d.claimedBy.name}</strong> until ${when(d.claimedBy.until)}.`) : 'Not claimed.'}</p>
  ${d.missingVotes.length > 0 ? html`<p id="missing-votes" class="claim">Still missing: a vote from ${d.missingVotes.map(label).join(' and ')}.</p>` : ''}
  ${canAct ? html`<button type="button" id="release">Release the case</button>` : ''}
  <p id="live" class="live" role="status" aria-live="polite"></p>
  ${d.audit ? auditNote(d.audit) : ''}
</header>

<div class="grid">
<section class="panel" aria-labelledby="ctx-h">
  <h2 id="ctx-h">Context at a glance</h2>
  <p>${d.context.producer} · model ${d.context.modelVersion}${d.context.riskLevel ? ` · risk ${d.context.riskLevel}` : ''}</p>
  ${(d.context.tags ?? []).length > 0 ? html`<p>Tags: ${(d.context.tags ?? []).map((t) => html`<span class="badge">${t}</span> `)}</p>` : ''}
  ${d.triggerDetails.length > 0 ? html`<ul class="triggers">${d.triggerDetails.map((t) => html`<li><span class="badge trig">${label(t.name)}</span> ${t.detail ?? ''}</li>`)}</ul>` : ''}
  <h3>Key data points</h3>
  ${keyData(d.context.input)}
</section>

${d.blind || !d.score ? blindPanel() : aiPanel(d, d.score)}
</div>

<section class="panel actions" aria-labelledby="act-h">
  <h2 id="act-h">Decide</h2>
  ${canAct
    ? html`<p class="sub">Acting as ${label((d.canAct as { role: string }).role)}.</p>
  ${d.blind ? decideBlind(d.choices) : approveOrOverride(d.recommendation!, d.choices, d.audit !== null)}
  ${d.audit
    ? ''
    : html`<form data-action="request-info" class="act">
    <h3>Request more information <kbd>i</kbd></h3>
    <label for="info-question">Question to the producer</label>
    <textarea id="info-question" name="question" required rows="2" aria-keyshortcuts="i"></textarea>
    <button type="submit" id="request-info" disabled>Send question</button>
  </form>`}
  <form data-action="escalate" class="act">
    <h3>Escalate <kbd>e</kbd></h3>
    <label for="escalate-reason">Reason</label>
    <textarea id="escalate-reason" name="reason" required rows="2" aria-keyshortcuts="e"></textarea>
    <button type="submit" id="escalate" disabled>Escalate</button>
  </form>
  <p id="result" role="alert"></p>`
    : html`<p id="cannot-act">${(d.canAct as { reason: string }).reason}</p>`}
  <p class="keys">Keys: ${d.blind ? html`<kbd>d</kbd> decide` : html`<kbd>a</kbd> approve, <kbd>o</kbd> override`}, ${d.audit ? '' : html`<kbd>i</kbd> request info, `}<kbd>e</kbd> escalate, <kbd>j</kbd>/<kbd>k</kbd> next/previous case, <kbd>q</kbd> queue.</p>
</section>

<div class="grid">
<section class="panel" aria-labelledby="hist-h">
  <h2 id="hist-h">History</h2>
  <ol class="history" id="history">
  ${d.requests.map((r) => html`<li><time datetime="${r.requestedAt}">${when(r.requestedAt)}</time> round ${r.round}: review requested from ${r.eligibleRoles.map(label).join(', ')} (${label(r.tier)}, ${label(r.reason)})</li>`)}
  ${d.decisions.map((v) => html`<li><time datetime="${v.decidedAt}">${when(v.decidedAt)}</time> round ${v.round}: ${v.reviewerId} (${label(v.role)}) ${label(v.action)}${v.outcome ? ` → ${v.outcome}` : ''}${v.reasonCode ? html` <span class="code" data-reason-code="${v.reasonCode}">[${reasonLabel(d.choices, v.reasonCode)}]</span>` : ''}${v.reason ? html`: <q>${v.reason}</q>` : ''}</li>`)}
  ${d.escalations.map((e) => html`<li><time datetime="${e.firedAt}">${when(e.firedAt)}</time> escalated to ${label(e.escalateTo)} (level ${e.level}, ${e.reason})</li>`)}
  ${d.finalized && d.finalized.decidedBy === 'human' && !d.audit ? html`<li><time datetime="${d.finalized.finalizedAt}">${when(d.finalized.finalizedAt)}</time> finalized: ${d.finalized.outcome}</li>` : ''}
  </ol>
</section>
<section class="panel" aria-labelledby="sim-h">
  <h2 id="sim-h">Similar past cases</h2>
  ${d.similar.length === 0
    ? html`<p>${d.blind ? 'Not shown in the shadow stage: they would tell the AI\'s recommendations.' : `None decided yet in ${label(d.category)}.`}</p>`
    : html`<table><thead><tr><th scope="col">Case</th><th scope="col">AI</th><th scope="col">Decided</th><th scope="col">Confidence</th></tr></thead><tbody>
    ${d.similar.map((s) => html`<tr><td>${s.caseId}${s.value !== undefined ? ` ${money(s.value)}` : ''}</td><td>${s.recommendation}</td><td>${s.outcome} <small>(${s.decidedBy}${s.agreedWithAi ? ', agreed' : ', overridden'}${s.audit ? (s.audit.upheld ? '; audit: upheld' : `; audit: overturned → ${s.audit.outcome ?? ''}`) : ''})</small></td><td>${pct(s.confidence)}</td></tr>`)}
    </tbody></table>`}
</section>
</div>
</article>`,
    'case',
  );
}

const STATUS_TEXT: Record<HealthMetric['status'], string> = { ok: 'on target', warn: 'off target', red: 'red flag', few: 'too few cases', no_data: 'no data' };

function metricValue(m: Pick<HealthMetric, 'unit' | 'value'>): string {
  if (m.value === null) return '—';
  return m.unit === 'ratio' ? `${(m.value * 100).toFixed(1)}%` : `${m.value.toFixed(1)} min`;
}

function bound(unit: HealthMetric['unit'], x: number): string {
  return unit === 'ratio' ? `${Math.round(x * 100)}%` : x >= 60 ? `${x / 60} h` : `${x} min`;
}

function targetText(m: HealthMetric): string {
  const { min, max } = m.target;
  if (min !== undefined && max !== undefined) return `${bound(m.unit, min)}–${bound(m.unit, max)}`;
  if (min !== undefined) return min === 1 ? '100%' : `> ${bound(m.unit, min)}`;
  return max !== undefined ? `< ${bound(m.unit, max)}` : '';
}

function redText(m: HealthMetric): string {
  return [m.red.below !== undefined ? `< ${bound(m.unit, m.red.below)}` : '', m.red.above !== undefined ? `> ${bound(m.unit, m.red.above)}` : ''].filter(Boolean).join(' or ');
}

const badge = (status: HealthMetric['status']) => html`<span class="status status-${status}">${STATUS_TEXT[status]}</span>`;

const share = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function reviewersSection(report: ReviewersReport | undefined): Html {
  if (!report) return html``;
  return html`<h2>Reviewers</h2>
<p class="muted">Cohen's kappa over ${report.kappa.pairs.toLocaleString('en-US')} dual-review pairs: ${report.kappa.kappa === null ? '—' : report.kappa.kappa.toFixed(2)}.${report.fleiss && report.fleiss.requests > 0 ? ` Fleiss' kappa over ${report.fleiss.requests.toLocaleString('en-US')} requests three or more people decided: ${report.fleiss.kappa === null ? '—' : report.fleiss.kappa.toFixed(2)}.` : ''}
A reviewer is flagged as rubber-stamping when fast and nearly always agreeing with the AI over enough cases.</p>
${report.reviewers.length === 0
  ? html`<p>No reviewer decisions yet.</p>`
  : html`<div class="scroll"><table class="health" aria-label="Reviewers">
  <thead><tr><th scope="col">Reviewer</th><th scope="col">Decisions</th><th scope="col">Agrees with AI</th><th scope="col">Overrides</th><th scope="col">Median review</th><th scope="col">Agrees with peers</th><th scope="col">Unneeded escalations</th><th scope="col">Exercises caught</th><th scope="col">Rubber stamp</th></tr></thead>
  <tbody>
  ${report.reviewers.map(
    (r) => html`<tr data-reviewer="${r.reviewerId}"><th scope="row">${r.reviewerId}</th><td>${r.decisions}</td><td>${share(r.agreementWithAi)}</td><td>${share(r.overrideRate)}</td><td>${r.medianReviewMs === null ? '—' : `${(r.medianReviewMs / 1000).toFixed(0)} s`}</td><td>${share(r.peerAgreement)} <small class="sub">(${r.peerPairs} pairs)</small></td><td>${share(r.unnecessaryEscalationRate)} <small class="sub">(${r.escalations})</small></td><td>${share(r.exerciseCatchRate)} <small class="sub">(${r.exercises})</small></td><td>${r.rubberStamp.flagged ? html`<span class="status status-red" title="${r.rubberStamp.reasons.join('; ')}">flagged</span>` : html`<span class="sub">${r.rubberStamp.reasons.join('; ') || 'no'}</span>`}</td></tr>`,
  )}
  </tbody>
</table></div>`}`;
}

/** The guide's health dashboard: each metric against its target and red flag, overall and per category; reviewers. */
/** The guide's gradual rollout: each category's stage, what automation would have done against people, the advice. */
function rolloutSection(report: RolloutReport | undefined): Html {
  if (!report || report.categories.length === 0) return html``;
  const rate = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  return html`<h2 id="rollout-h">Gradual rollout</h2>
<p class="sub">Shadow: people decide blind; assist: they see the AI; automate: the AI decides confident cases. Last ${report.window.days} days.</p>
<table class="health rollout" aria-labelledby="rollout-h">
  <thead><tr><th scope="col">Category</th><th scope="col">Stage</th><th scope="col">Decided (shadow / assist)</th><th scope="col">Automation would have approved</th><th scope="col">People decided otherwise</th><th scope="col">Upper bound</th><th scope="col">Advice</th></tr></thead>
  <tbody>
  ${report.categories.map(
    (c) => html`<tr data-category="${c.category}"><th scope="row">${label(c.category)}</th><td>${c.stage}</td><td>${c.shadow.decided} / ${c.assist.decided}</td><td>${c.evidence.wouldAutomate} <small class="sub">(${rate(c.evidence.wouldAutomateShare)})</small></td><td>${c.evidence.wouldAutomateErrors} <small class="sub">(${rate(c.evidence.errorRate)})</small></td><td>${rate(c.evidence.errorUpperBound)} <small class="sub">target ${rate(c.targetErrorRate)}</small></td><td class="advice">${c.recommendation === 'automate' ? html`<span class="status status-ok">move to automate</span>` : html`<span class="sub">${c.recommendation}</span>`} <small class="sub">${c.because}</small></td></tr>`,
  )}
  </tbody>
</table>`;
}

/**
 * A metric's trend as a small inline SVG line (no script, no chart library): one point per day
 * with a value, the last point marked; days without data leave a gap.
 */
export function sparkline(series: HealthSeries | undefined, name: string): Html {
  if (!series) return html``;
  const points = series.days.map((d, i) => ({ i, value: d.metrics.find((m) => m.name === name)?.value ?? null }));
  const values = points.filter((p) => p.value !== null).map((p) => p.value!);
  if (values.length === 0) return html`<span class="sub">no data</span>`;
  const [w, h] = [120, 24];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (i: number) => (series.days.length === 1 ? w / 2 : (i / (series.days.length - 1)) * (w - 4) + 2);
  const y = (v: number) => (hi === lo ? h / 2 : h - 2 - ((v - lo) / (hi - lo)) * (h - 4));
  const segments: string[] = [];
  let current: string[] = [];
  for (const p of points) {
    if (p.value === null) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(p.i).toFixed(1)},${y(p.value).toFixed(1)}`);
  }
  if (current.length > 0) segments.push(current.join(' '));
  const last = points.filter((p) => p.value !== null).at(-1)!;
  return html`<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${name.replace(/_/g, ' ')} over ${series.days.length} days: ${values.length} days with data"><title>${series.days[0].day} – ${series.days.at(-1)!.day}</title>${segments.map((s) => (s.includes(' ') ? html`<polyline points="${s}" fill="none" stroke="currentColor" stroke-width="1.5"/>` : html``))}<circle cx="${x(last.i).toFixed(1)}" cy="${y(last.value!).toFixed(1)}" r="2.5" fill="currentColor"/></svg>`;
}

const TRUST_STATE: Record<TrustUpdatedV1['state'], { text: string; status: string }> = {
  certified: { text: 'automated above the certified threshold', status: 'ok' },
  learning: { text: 'people decide (no threshold certified yet)', status: 'warn' },
  stopped: { text: 'STOPPED: people decide everything', status: 'red' },
};

/**
 * Earned trust of every category and model (feedback's GET /api/trust): whether automation acts,
 * from which probability, on what evidence, the audit rate, and why it was stopped. An admin
 * stops or restarts it here, with a reason (audited).
 */
export function trustSection(user: Principal, trust: TrustUpdatedV1[] | undefined): Html {
  if (!trust) return html``;
  const rate = (x: number) => `${(x * 100).toFixed(2)}%`;
  const admin = user.roles.includes(ADMIN_ROLE);
  return html`<h2 id="trust-h">Automation (earned trust)</h2>
${trust.length === 0
  ? html`<p>No category and model has enough outcomes yet: until it has, the policy's untilCertified decides.</p>`
  : html`<div class="scroll"><table class="health trust" aria-labelledby="trust-h"><thead><tr><th scope="col">Category</th><th scope="col">Model</th><th scope="col">State</th><th scope="col">Automates from</th><th scope="col">Evidence</th><th scope="col">Audits</th>${admin ? html`<th scope="col">Stop button</th>` : ''}</tr></thead><tbody>
  ${trust.map((t) => {
    const state = TRUST_STATE[t.state];
    const e = t.evidence;
    return html`<tr data-category="${t.category}" data-model="${t.modelVersion}" data-state="${t.state}"><th scope="row">${label(t.category)}</th><td>${t.modelVersion}</td><td><span class="status status-${state.status}">${state.text}</span>${t.stop ? html`<br><small class="sub">${t.stop.reason === 'manual' ? 'by an admin' : t.stop.reason === 'drift' ? 'drift detected' : 'error bound past the red line'} since ${when(t.stop.since)}: ${t.stop.detail}</small>` : ''}</td><td>${t.threshold === null ? '—' : html`model probability ≥ ${t.threshold}`}</td><td>${e.outcomes.toLocaleString('en-US')} outcomes; error ${rate(e.errorEstimate)}, ≤ ${rate(e.errorUpperBound)} at ${Math.round(e.confidenceLevel * 100)}% <small class="sub">target ${rate(e.targetErrorRate)}</small></td><td>${rate(t.auditRate)} of auto-approvals</td>${admin
      ? html`<td><form class="trust-control" data-category="${t.category}" data-model="${t.modelVersion}" data-control="${t.state === 'stopped' ? 'lift' : 'stop'}"><label>Reason <input name="reason" required minlength="3" maxlength="1000"></label> <button type="submit">${t.state === 'stopped' ? 'Lift the stop' : 'Stop automation'}</button> <span class="result" role="status"></span></form></td>`
      : ''}</tr>`;
  })}
  </tbody></table></div>`}`;
}

/** What the loop decided: retraining triggers and calibration proposals (or applied bands). */
function loopSection(loop: LoopEvents | undefined): Html {
  if (!loop) return html``;
  const rate = (x: number) => `${(x * 100).toFixed(1)}%`;
  return html`<h2 id="retrain-h">Retraining triggers</h2>
${loop.retraining.length === 0
  ? html`<p>None yet.</p>`
  : html`<table class="health loop" aria-labelledby="retrain-h"><thead><tr><th scope="col">Category</th><th scope="col">Model</th><th scope="col">Override rate</th><th scope="col">Sample</th><th scope="col">When</th><th scope="col">Examples</th></tr></thead><tbody>
  ${loop.retraining.map((r) => html`<tr data-category="${r.category}"><th scope="row">${label(r.category)}</th><td>${r.modelVersion}</td><td>${rate(r.overrideRate)} <small class="sub">threshold ${rate(r.threshold)}</small></td><td>${r.sampleSize}</td><td>${when(r.triggeredAt)}</td><td><small class="sub">${r.exampleCaseIds.slice(0, 5).join(', ')}</small></td></tr>`)}
  </tbody></table>`}
<h2 id="cal-h">Calibration proposals</h2>
${loop.calibrations.length === 0
  ? html`<p>None yet.</p>`
  : html`<table class="health loop" aria-labelledby="cal-h"><thead><tr><th scope="col">Category</th><th scope="col">Mode</th><th scope="col">Auto-approve from</th><th scope="col">Evidence</th><th scope="col">Policy version</th><th scope="col">When</th></tr></thead><tbody>
  ${loop.calibrations.map((c) => html`<tr data-category="${c.category}"><th scope="row">${label(c.category)}</th><td>${c.mode === 'apply' ? 'applied' : c.mode === 'recommend' ? 'proposed' : c.mode}</td><td>${c.bands.autoApprove.toFixed(2)} <small class="sub">audit ${c.bands.autoApproveAudit.toFixed(2)}, review ${c.bands.humanReview.toFixed(2)}</small></td><td>${c.evidence.sampleSize} outcomes, error ≤ ${rate(c.evidence.errorUpperBound)} <small class="sub">target ${rate(c.evidence.targetErrorRate)}</small></td><td>${c.policyVersion}</td><td>${when(c.calibratedAt)}</td></tr>`)}
  </tbody></table>`}`;
}

export interface DashboardExtras {
  reviewers?: ReviewersReport;
  rollout?: RolloutReport;
  series?: HealthSeries;
  loop?: LoopEvents;
  trust?: TrustUpdatedV1[];
}

export function dashboardPage(user: Principal, report: HealthReport | undefined, problem: string | undefined, days: number, extras: DashboardExtras = {}): Html {
  const { reviewers, rollout, series, loop, trust } = extras;
  const body = report
    ? html`<p class="muted">Last ${days} days (${when(report.window.from)} – ${when(report.window.to)}), from the feedback service.</p>
<table class="health" aria-label="Health metrics">
  <thead><tr><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">Target</th><th scope="col">Red flag</th><th scope="col">Status</th><th scope="col">Based on</th><th scope="col">Trend${series ? ` (${series.days.length} days)` : ''}</th></tr></thead>
  <tbody>
  ${report.overall.map(
    (m) => html`<tr data-metric="${m.name}"><th scope="row"><abbr title="${m.definition}">${m.label}</abbr></th><td class="value">${metricValue(m)}</td><td>${targetText(m)}</td><td>${redText(m)}</td><td>${badge(m.status)}</td><td>${m.note ?? `${m.sample.toLocaleString('en-US')}`}${m.interval ? html` <small class="sub">(${Math.round(m.interval.level * 100)}% CI ${metricValue({ unit: 'ratio', value: m.interval.low })}–${metricValue({ unit: 'ratio', value: m.interval.high })})</small>` : ''}</td><td class="trend">${sparkline(series, m.name)}</td></tr>`,
  )}
  </tbody>
</table>
${report.categories.length === 0
  ? html`<p>No category has data yet.</p>`
  : html`<h2>By category</h2>
<div class="scroll"><table class="health by-category" aria-label="Health by category">
  <thead><tr><th scope="col">Category</th>${report.overall.map((m) => html`<th scope="col">${m.label}</th>`)}</tr></thead>
  <tbody>
  ${report.categories.map(
    (c) => html`<tr data-category="${c.category}"><th scope="row">${label(c.category)}</th>${c.metrics.map((m) => html`<td class="status-cell status-${m.status}" title="${STATUS_TEXT[m.status]}">${metricValue(m)}</td>`)}</tr>`,
  )}
  </tbody>
</table></div>`}`
    : html`<p class="error" role="alert">The health metrics are not available: ${problem ?? 'unknown error'}.</p>`;
  return layout('Health', user, html`<h1>System health</h1>${body}${trustSection(user, trust)}${reviewersSection(reviewers)}${loopSection(loop)}${rolloutSection(rollout)}`, 'dashboard');
}

/**
 * A reviewer's own page: their figures, their catches (overrides the final decision kept), their
 * calibration exercises, and what their decisions fed (retraining, thresholds). The guide's
 * answer to automation bias and to the feedback desert: people see where they were right
 * against the AI, and what it changed.
 */
export function myFeedbackPage(user: Principal, detail: ReviewerDetail | undefined, problem: string | undefined): Html {
  if (!detail) return layout('My feedback', user, html`<h1>My feedback</h1><p class="error" role="alert">Not available: ${problem ?? 'unknown error'}.</p>`, 'me');
  const r = detail.reviewer;
  const share = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  const e = detail.exercises;
  return layout(
    'My feedback',
    user,
    html`<h1>My feedback</h1>
<p class="muted">Last ${detail.window.days} days.</p>
<dl class="kv mine">
  <dt>Decisions</dt><dd data-figure="decisions">${r.decisions}</dd>
  <dt>Agreement with the AI</dt><dd>${share(r.agreementWithAi)}</dd>
  <dt>Catches</dt><dd data-figure="catches">${r.catches} <small class="sub">overrides the final decision kept</small></dd>
  <dt>Calibration exercises</dt><dd data-figure="exercises">${e.answered === 0 ? 'none yet' : html`caught ${e.caught} of ${e.answered} (${share(r.exerciseCatchRate)})`} <small class="sub">past cases where the AI was wrong, put in your queue unannounced</small></dd>
  <dt>Median review time</dt><dd>${r.medianReviewMs === null ? '—' : `${(r.medianReviewMs / 1000).toFixed(0)} s`}</dd>
  ${r.rubberStamp.flagged ? html`<dt>Attention</dt><dd><span class="status status-red">${r.rubberStamp.reasons.join('; ')}</span></dd>` : ''}
</dl>
<h2 id="catches-h">Your catches</h2>
${detail.catches.length === 0
  ? html`<p>None in this window.</p>`
  : html`<table aria-labelledby="catches-h"><thead><tr><th scope="col">Case</th><th scope="col">Category</th><th scope="col">AI recommended</th><th scope="col">You decided</th></tr></thead><tbody>
  ${detail.catches.map((c) => html`<tr data-case="${c.caseId}"><td>${c.caseId}</td><td>${label(c.category)}</td><td>${c.ai}</td><td>${c.decided}</td></tr>`)}
  </tbody></table>`}
<h2 id="impact-h">What your feedback changed</h2>
${detail.impact.length === 0
  ? html`<p>No retraining trigger or threshold change in your categories in this window.</p>`
  : html`<ul class="impact" aria-labelledby="impact-h">${detail.impact.map((i) => html`<li data-kind="${i.kind}"><strong>${label(i.category)}</strong>: ${i.summary} <small class="sub">(${when(i.at)}; your ${i.yourDecisions} decisions, ${i.yourOverrides} overrides${i.yourCases.length > 0 ? `; your cases among its examples: ${i.yourCases.join(', ')}` : ''})</small></li>`)}</ul>`}`,
    'me',
  );
}
