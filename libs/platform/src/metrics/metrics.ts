import type { MessagingMetrics } from '@hitl/messaging';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from sub-millisecond handlers to the 30 s a stuck call may take before its retry. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus registry (prom-client): the process metrics, the messaging core's
 * counters (consumed, produced, retried, dead-lettered, handler latency, consumer lag per
 * partition) and HTTP latency, every series labelled with the service. Services add their own
 * (`registry`), or text from elsewhere (`addText`: the feedback service's health gauges).
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly texts: (() => Promise<string>)[] = [];
  readonly messaging: MessagingMetrics;
  private readonly http: Histogram<'method' | 'route' | 'status'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const consumed = new Counter({ name: 'hitl_messages_consumed_total', help: 'Messages a handler finished (outcome ok) or dead-lettered after its attempts (outcome dead_letter), per topic.', labelNames: ['topic', 'outcome'], registers });
    const latency = new Histogram({ name: 'hitl_handler_duration_seconds', help: 'Duration of one handler call (one message, or one batch), retries included.', labelNames: ['topic'], buckets: LATENCY_BUCKETS, registers });
    const retries = new Counter({ name: 'hitl_handler_retries_total', help: 'Extra attempts handlers needed, per topic.', labelNames: ['topic'], registers });
    const deadLetters = new Counter({ name: 'hitl_dead_letters_total', help: 'Messages sent to <topic>.dlq, per source topic and code of why (the dlq_error_code header).', labelNames: ['topic', 'code'], registers });
    const produced = new Counter({ name: 'hitl_messages_produced_total', help: 'Events sent and acknowledged, per topic.', labelNames: ['topic'], registers });
    const lag = new Gauge({ name: 'hitl_consumer_lag', help: "Messages of the partition this service's group has not consumed yet, as of its last batch.", labelNames: ['topic', 'partition'], registers });
    this.http = new Histogram({ name: 'hitl_http_request_duration_seconds', help: 'HTTP requests by method, route and status.', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers });
    this.messaging = {
      handled: (topic, count, seconds, ok) => {
        consumed.inc({ topic, outcome: ok ? 'ok' : 'dead_letter' }, count);
        latency.observe({ topic }, seconds);
      },
      retried: (topic, count) => retries.inc({ topic }, count),
      deadLettered: (topic, count, code) => deadLetters.inc({ topic, code }, count),
      produced: (topic, count) => produced.inc({ topic }, count),
      lag: (topic, partition, value) => lag.set({ topic, partition: String(partition) }, Number.isFinite(value) ? value : 0),
    };
  }

  /** One HTTP request: its route pattern (not the raw path, which would make a series per id). */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  addText(source: () => Promise<string>): void {
    this.texts.push(source);
  }

  /** The Prometheus text exposition of everything. */
  async text(): Promise<string> {
    const parts = [await this.registry.metrics(), ...(await Promise.all(this.texts.map((t) => t())))];
    return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
