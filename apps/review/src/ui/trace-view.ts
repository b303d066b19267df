import type { Principal } from '../auth/authenticator';
import { html, type Html } from './html';
import { layout } from './pages';

/** What Jaeger's query API (/api/traces) answers, the parts the page uses. */
export interface JaegerTraces {
  data: {
    traceID: string;
    spans: { spanID: string; operationName: string; references?: { refType: string; spanID: string }[]; startTime: number; duration: number; processID: string; tags?: { key: string; value: unknown }[] }[];
    processes: Record<string, { serviceName: string }>;
  }[];
}

export interface SpanRow {
  service: string;
  name: string;
  depth: number;
  /** Milliseconds from the trace's first span. */
  offsetMs: number;
  durationMs: number;
}

/**
 * One trace as a waterfall: spans in start order, each indented under its parent (CHILD_OF),
 * with its offset from the first span and its duration, in milliseconds.
 */
export function waterfall(trace: JaegerTraces['data'][number]): SpanRow[] {
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const depth = (spanId: string, seen = new Set<string>()): number => {
    const parent = byId.get(spanId)?.references?.find((r) => r.refType === 'CHILD_OF' && byId.has(r.spanID));
    if (!parent || seen.has(parent.spanID)) return 0;
    seen.add(spanId);
    return 1 + depth(parent.spanID, seen);
  };
  return [...trace.spans]
    .sort((a, b) => a.startTime - b.startTime)
    .map((s) => ({ service: trace.processes[s.processID]?.serviceName ?? '?', name: s.operationName, depth: depth(s.spanID), offsetMs: (s.startTime - start) / 1_000, durationMs: s.duration / 1_000 }));
}

/** The case's trace(s) from the local trace store: who did what, when, across the services. */
export function tracePage(user: Principal, caseId: string, traces: JaegerTraces | undefined, problem: string | undefined, storeUrl: string): Html {
  const body = !traces
    ? html`<p class="error" role="alert">The trace store at ${storeUrl} did not answer: ${problem ?? 'unknown error'}. Start the platform with <code>HITL_TRACES=1 npm start</code>.</p>`
    : traces.data.length === 0
      ? html`<p>No trace of case ${caseId} yet (spans reach the store a moment after they end).</p>`
      : traces.data.map((t) => {
          const rows = waterfall(t);
          const total = Math.max(1, ...rows.map((r) => r.offsetMs + r.durationMs));
          const services = [...new Set(rows.map((r) => r.service))];
          return html`<section class="panel" aria-label="Trace ${t.traceID}">
  <h2>Trace <code>${t.traceID}</code></h2>
  <p class="sub">${rows.length} spans from ${services.length} services (${services.join(', ')}), ${total.toFixed(1)} ms from first to last.</p>
  <table class="trace"><thead><tr><th scope="col">Service</th><th scope="col">Span</th><th scope="col">Start</th><th scope="col">Duration</th><th scope="col">Timeline</th></tr></thead><tbody>
  ${rows.map(
    (r) => html`<tr data-service="${r.service}"><td>${r.service}</td><td style="padding-left:${8 + r.depth * 14}px">${r.name}</td><td>${r.offsetMs.toFixed(1)} ms</td><td>${r.durationMs.toFixed(1)} ms</td><td class="bar-cell"><span class="tbar" style="margin-left:${((r.offsetMs / total) * 100).toFixed(2)}%;width:${Math.max(0.5, (r.durationMs / total) * 100).toFixed(2)}%"></span></td></tr>`,
  )}
  </tbody></table>
</section>`;
        });
  return layout(`Trace of ${caseId}`, user, html`<h1>Trace of case ${caseId}</h1>${body}`, 'trace');
}
