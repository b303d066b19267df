// The tables and the latency plot of `npm run bench`, from its results (pure: no I/O).
import type { AutoPathResult } from './auto-path';
import type { ClientFigures } from './clients';
import type { HumanPathResult } from './human-path';

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface BaselineRow {
  test: string;
  records: number;
  perSecond: number | null;
  mbPerSecond: number | null;
  avgMs: number | null;
  p99Ms: number | null;
}

export interface BenchResults {
  machine: { date: string; cores: number; cpu: string; memoryGiB: number; node: string; kafka: string; ferretdb: string; kafkajs: string; platformaticKafka: string; commit: string };
  quick: boolean;
  seconds: number;
  baseline: { kafka: string; partitions: number; rows: BaselineRow[] };
  clients: ClientFigures[];
  autoPath: { saturation: AutoPathResult; loads: AutoPathResult[]; sweep: AutoPathResult[] };
  /** The auto path again with scoring and routing on the other Kafka client (not the default). */
  otherClient?: AutoPathResult[];
  humanPath: HumanPathResult[];
  reviewApi: {
    options: { reviewers: number; cases: number; seconds: number; thinkMs: number };
    readQueue: { perSecond: number; p50: number; p99: number; errors: number };
    work: Record<'read' | 'claim' | 'approve', { perSecond: number } & Percentiles>;
    approvals: number;
    serverErrors: number;
  };
  timers: { pending: number; due: number; fired: number; fireLagMs: Percentiles; bulkLoadPerSecond: number; eventPathDeadlinesPerSecond: number };
}

const n = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en'));
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toLocaleString('en')} ms`);
const pct = (ours: number, theirs: number | null | undefined) => (theirs ? `${((ours / theirs) * 100).toFixed(1)} %` : '–');
const times = (ours: number, theirs: number | null | undefined) => (theirs ? `${(ours / theirs).toFixed(1)} ×` : '–');

function table(header: string[], rows: (string | number)[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function baselineRow(results: BenchResults, prefix: string): BaselineRow | undefined {
  return results.baseline.rows.find((r) => r.test.startsWith(prefix));
}

/** The headline table: ours beside the broker's own tools from the same run, then the details. */
export function renderTables(r: BenchResults): string {
  const m = r.machine;
  const produce1k = baselineRow(r, 'produce 1 KiB');
  const consume1k = baselineRow(r, 'consume 1 KiB');
  const e2e = baselineRow(r, 'end-to-end');
  const sat = r.autoPath.saturation;
  const goal = (met: boolean | undefined) => (met === undefined ? '' : met ? ' (met)' : ' (**not met**)');

  const headline: (string | number)[][] = [
    ['auto path, saturation: predictions decided/s', n(sat.throughput), `ProducerPerformance 1 KiB: ${n(produce1k?.perSecond)} records/s`, pct(sat.throughput, produce1k?.perSecond), `≥ 20,000/s${goal(sat.throughput >= 20_000)}`],
    ...r.autoPath.loads.map((l) => [
      `auto path at ${n(l.options.rate)}/s offered: p99 submitted → finalized (sustained ${n(l.throughput)}/s)`,
      ms(l.latencyMs.p99),
      `EndToEndLatency p99: ${ms(e2e?.p99Ms)}`,
      times(l.latencyMs.p99, e2e?.p99Ms),
      l.options.rate === 2_000 ? `< 50 ms${goal(l.latencyMs.p99 < 50)}` : '',
    ]),
    ...r.humanPath.map((h) => [
      `human path at ${n(h.options.rate)} decisions/s: p99 review.decided → decision.finalized`,
      ms(h.latencyMs.p99),
      `EndToEndLatency p99: ${ms(e2e?.p99Ms)}`,
      times(h.latencyMs.p99, e2e?.p99Ms),
      `< 200 ms${goal(h.latencyMs.p99 < 200)}`,
    ]),
    ...r.clients.flatMap((c) => [
      [`${c.client}: produce 1 KiB, idempotent, acks=all (records/s)`, n(c.produce.perSecond), `ProducerPerformance 1 KiB: ${n(produce1k?.perSecond)}`, pct(c.produce.perSecond, produce1k?.perSecond), ''],
      [`${c.client}: consume 1 KiB, read_committed (records/s)`, n(c.consume.perSecond), `ConsumerPerformance 1 KiB: ${n(consume1k?.perSecond)}`, pct(c.consume.perSecond, consume1k?.perSecond), ''],
      [`${c.client}: one-record round trip p99`, ms(c.roundTrip.p99), `EndToEndLatency p99: ${ms(e2e?.p99Ms)}`, times(c.roundTrip.p99, e2e?.p99Ms), ''],
    ]),
    [`review API: queue reads/s, ${r.reviewApi.options.reviewers} reviewers (p99)`, `${n(r.reviewApi.readQueue.perSecond)} (${ms(r.reviewApi.readQueue.p99)})`, '–', '–', ''],
    [`review API: approvals, ${r.reviewApi.options.reviewers} reviewers at once, p99`, ms(r.reviewApi.work.approve.p99), '–', '–', ''],
    [`escalation timers: ${n(r.timers.due)} due at once among ${n(r.timers.pending)} pending, fire lag p99`, ms(r.timers.fireLagMs.p99), '–', '–', ''],
  ];

  const cpu = (l: AutoPathResult) => `${l.cpuPer1000.scoring} / ${l.cpuPer1000.routing} / ${l.cpuPer1000.broker ?? '–'} / ${l.cpuPer1000.ferretdb ?? '–'} = ${l.cpuPer1000.total}`;
  const loads = [...r.autoPath.loads, sat].map((l) => [
    l.options.rate > 0 ? `${n(l.options.rate)}/s` : `saturation (${n(l.options.count)} at once)`,
    `${n(l.throughput)}/s`,
    ms(l.latencyMs.p50),
    ms(l.latencyMs.p95),
    ms(l.latencyMs.p99),
    ms(l.latencyMs.max),
    l.scoredLatencyMs ? `${ms(l.scoredLatencyMs.p50)} / ${ms(l.scoredLatencyMs.p99)}` : '–',
    cpu(l),
  ]);
  const sweep = r.autoPath.sweep.map((l) => [l.options.chunk, l.options.partitions, `${n(l.throughput)}/s`, ms(l.latencyMs.p99), cpu(l)]);
  const human = r.humanPath.map((h) => [`${n(h.options.rate)}/s`, n(h.finalized), ms(h.latencyMs.p50), ms(h.latencyMs.p95), ms(h.latencyMs.p99), ms(h.latencyMs.max), h.routingCpuPer1000]);
  const onClients = [sat, ...r.autoPath.loads, ...(r.otherClient ?? [])].map((l) => [
    l.options.client,
    l.options.rate > 0 ? `${n(l.options.rate)}/s` : `saturation (${n(l.options.count)} at once)`,
    `${n(l.throughput)}/s`,
    ms(l.latencyMs.p50),
    ms(l.latencyMs.p99),
    `${l.cpuPer1000.scoring} / ${l.cpuPer1000.routing}`,
    l.cpuPer1000.total,
  ]);
  const clients = r.clients.map((c) => [c.client, n(c.produce.perSecond), c.produce.cpuUsPerRecord, n(c.consume.perSecond), c.consume.cpuUsPerRecord, ms(c.roundTrip.p50), ms(c.roundTrip.p99)]);
  const baseline = r.baseline.rows.map((b) => [b.test, n(b.records), n(b.perSecond), b.mbPerSecond ?? '–', b.avgMs ?? '–', b.p99Ms ?? '–']);
  const w = r.reviewApi.work;
  const review = [
    ['read the queue (autocannon)', `${n(r.reviewApi.readQueue.perSecond)}/s`, ms(r.reviewApi.readQueue.p50), ms(r.reviewApi.readQueue.p99)],
    ...(['read', 'claim', 'approve'] as const).map((k) => [`work the queue: ${k}`, `${n(w[k].perSecond)}/s`, ms(w[k].p50), ms(w[k].p99)]),
  ];
  const t = r.timers;

  return [
    `## npm run bench${r.quick ? ' --quick (sizes too small for figures)' : ''}`,
    '',
    `${m.date.slice(0, 10)}, ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB; broker (Kafka ${m.kafka}, KRaft, one node), FerretDB ${m.ferretdb} (SQLite), the services and the load generator all on this machine. Node ${m.node}, kafkajs ${m.kafkajs}, @platformatic/kafka ${m.platformaticKafka}; commit ${m.commit}; ${r.seconds} s in all.`,
    '',
    table(['measure', 'ours', "the broker's own tool, same run", 'ours / broker', 'goal'], headline),
    '',
    '### Auto path by offered load (confident refunds through scoring and routing)',
    '',
    table(['offered', 'sustained', 'p50', 'p95', 'p99', 'max', 'of which scoring: p50 / p99', 'CPU s per 1,000: scoring / routing / broker / FerretDB = total'], loads),
    '',
    '### CPU per 1,000 decisions against chunk size (records per transaction) and partitions, at saturation',
    '',
    table(['chunk', 'partitions', 'throughput', 'p99', 'CPU s per 1,000: scoring / routing / broker / FerretDB = total'], sweep),
    '',
    '### Human path: review.decided → decision.finalized',
    '',
    table(['decisions offered', 'finalized', 'p50', 'p95', 'p99', 'max', 'routing CPU s per 1,000'], human),
    '',
    '### The messaging lib on each Kafka client: the auto path with scoring and routing on the default client, then on the other',
    '',
    table(['services on', 'offered', 'sustained', 'p50', 'p99', 'CPU s per 1,000: scoring / routing', 'total with broker and FerretDB'], onClients),
    '',
    '### Kafka clients, same broker (6 partitions, idempotent, acks=all, sends of 1,000)',
    '',
    table(['client', 'produce records/s', 'CPU µs/record', 'consume records/s', 'CPU µs/record', 'round trip p50', 'p99'], clients),
    '',
    `### The broker alone (Kafka ${r.baseline.kafka}, ${r.baseline.partitions} partitions)`,
    '',
    table(['test', 'records', 'records/s', 'MB/s', 'avg ms', 'p99 ms'], baseline),
    '',
    `### Review API (${r.reviewApi.options.reviewers} reviewers, ${n(r.reviewApi.options.cases)} open cases, ${r.reviewApi.options.seconds} s; ${r.reviewApi.approvals} approvals, ${r.reviewApi.serverErrors} errors)`,
    '',
    table(['phase', 'requests', 'p50', 'p99'], review),
    '',
    `### Escalation timers: ${n(t.pending)} pending, ${n(t.due)} due at once (${n(t.fired)} fired)`,
    '',
    table(
      ['measure', 'value'],
      [
        ['bulk load', `${n(t.bulkLoadPerSecond)} deadlines/s`],
        ['deadlines stored through Kafka', `${n(t.eventPathDeadlinesPerSecond)}/s`],
        ['fire lag p50 / p95 / p99 / max', `${t.fireLagMs.p50} / ${t.fireLagMs.p95} / ${t.fireLagMs.p99} / ${t.fireLagMs.max} ms`],
      ],
    ),
    '',
  ].join('\n');
}

/**
 * Latency percentiles (log scale) per run: the auto path at each offered load and at saturation,
 * the human path at each decision rate; the broker's end-to-end p99 and the goals as lines.
 */
export function renderLatencySvg(r: BenchResults): string {
  const points: { label: string; group: string; l: { p50: number; p95: number; p99: number } }[] = [
    ...r.autoPath.loads.map((l) => ({ label: `auto ${n(l.options.rate)}/s`, group: 'auto', l: l.latencyMs })),
    { label: 'auto saturation', group: 'auto', l: r.autoPath.saturation.latencyMs },
    ...r.humanPath.map((h) => ({ label: `human ${n(h.options.rate)}/s`, group: 'human', l: h.latencyMs })),
  ];
  const width = 760;
  const height = 420;
  const left = 70;
  const right = 170;
  const top = 40;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = points.flatMap((p) => [p.l.p50, p.l.p95, p.l.p99]).filter((v) => v > 0);
  const e2e = baselineRow(r, 'end-to-end')?.p99Ms ?? undefined;
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.5, Math.min(...values, e2e ?? Infinity))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, 200)));
  const y = (v: number) => top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const x = (i: number) => left + ((i + 0.5) / points.length) * plotW;
  const series = [
    { key: 'p50' as const, color: '#2b8a3e' },
    { key: 'p95' as const, color: '#e67700' },
    { key: 'p99' as const, color: '#c92a2a' },
  ];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">Latency by run (ms, log scale): auto path submitted → finalized, human path decided → finalized</text>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en')}</text>`);
  }
  const hline = (v: number, text: string, color: string) =>
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="${color}" stroke-dasharray="6 4"/>`, `<text x="${left + plotW + 6}" y="${y(v) + 4}" fill="${color}">${text}</text>`);
  if (e2e) hline(e2e, `broker e2e p99 ${e2e} ms`, '#1864ab');
  hline(50, 'goal: auto p99 at 2k/s', '#868e96');
  hline(200, 'goal: human p99', '#868e96');
  for (const { key, color } of series) {
    for (const group of ['auto', 'human']) {
      const idx = points.map((p, i) => ({ p, i })).filter(({ p }) => p.group === group);
      if (idx.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${idx.map(({ p, i }) => `${x(i)},${y(p.l[key])}`).join(' ')}"/>`);
      for (const { p, i } of idx) out.push(`<circle cx="${x(i)}" cy="${y(p.l[key])}" r="3.5" fill="${color}"><title>${p.label} ${key}: ${p.l[key]} ms</title></circle>`);
    }
  }
  points.forEach((p, i) => out.push(`<text x="${x(i)}" y="${top + plotH + 18}" text-anchor="middle">${p.label}</text>`));
  series.forEach(({ key, color }, i) => out.push(`<rect x="${left + i * 70}" y="${height - 24}" width="12" height="12" fill="${color}"/>`, `<text x="${left + i * 70 + 16}" y="${height - 14}">${key}</text>`));
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`, '</svg>');
  return `${out.join('\n')}\n`;
}
