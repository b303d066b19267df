import type { AutoPathResult } from './auto-path';
import { renderLatencySvg, renderTables, type BenchResults } from './bench-report';

function auto(rate: number, throughput: number, p99: number): AutoPathResult {
  return {
    options: { count: 1_000, rate, batch: 20, partitions: 6, chunk: 500, client: 'kafkajs' },
    decided: 1_000,
    publishRate: 5_000,
    scoredRate: 4_000,
    throughput,
    latencyMs: { p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2 },
    cpuPer1000: { scoring: 0.3, routing: 0.3, broker: 0.2, ferretdb: 0.1, total: 0.9 },
  };
}

const results: BenchResults = {
  machine: { date: '2026-12-02T14:00:00.000Z', cores: 2, cpu: 'test cpu', memoryGiB: 24, node: 'v22.23.3', kafka: '4.3.1', ferretdb: 'v1.24.2', kafkajs: '2.2.4', platformaticKafka: '2.12.1', commit: 'abc1234' },
  quick: false,
  seconds: 600,
  baseline: {
    kafka: '4.3.1',
    partitions: 6,
    rows: [
      { test: 'produce 1 KiB, acks=all', records: 300_000, perSecond: 60_000, mbPerSecond: 58.6, avgMs: 300, p99Ms: 500 },
      { test: 'consume 1 KiB (fetch rate)', records: 300_000, perSecond: 300_000, mbPerSecond: 293, avgMs: null, p99Ms: null },
      { test: 'end-to-end 100 B, acks=all', records: 2_000, perSecond: null, mbPerSecond: null, avgMs: 1.2, p99Ms: 8 },
    ],
  },
  clients: [{ client: 'kafkajs 2.2.4', produce: { records: 1, perSecond: 30_000, cpuUsPerRecord: 50 }, consume: { records: 1, perSecond: 150_000, cpuUsPerRecord: 20 }, roundTrip: { count: 10, p50: 1.5, p99: 6, avg: 2 } }],
  autoPath: { saturation: auto(0, 3_000, 9_000), loads: [auto(1_000, 1_000, 120), auto(2_000, 1_990, 40)], sweep: [auto(0, 2_800, 9_500)] },
  humanPath: [{ options: { cases: 600, rate: 20 }, finalized: 600, latencyMs: { p50: 30, p95: 50, p99: 250, max: 300 }, routingCpuPer1000: 5 }],
  reviewApi: {
    options: { reviewers: 100, cases: 2_000, seconds: 10, thinkMs: 0 },
    readQueue: { perSecond: 1_000, p50: 90, p99: 200, errors: 0 },
    work: { read: { perSecond: 100, p50: 50, p95: 80, p99: 900, max: 1_000 }, claim: { perSecond: 90, p50: 40, p95: 70, p99: 800, max: 900 }, approve: { perSecond: 10, p50: 400, p95: 800, p99: 1_500, max: 2_000 } },
    approvals: 100,
    serverErrors: 0,
  },
  timers: { pending: 200_000, due: 5_000, fired: 5_000, fireLagMs: { p50: 100, p95: 200, p99: 250, max: 300 }, bulkLoadPerSecond: 20_000, eventPathDeadlinesPerSecond: 500 },
};

describe("npm run bench's report", () => {
  const tables = renderTables(results);
  const row = (start: string) => tables.split('\n').find((line) => line.startsWith(`| ${start}`))!;

  it("sets each figure beside the broker's from the same run, with the ratio", () => {
    expect(row('auto path, saturation')).toContain('| 3,000 | ProducerPerformance 1 KiB: 60,000 records/s | 5.0 % |');
    expect(row('kafkajs 2.2.4: consume')).toContain('| 150,000 | ConsumerPerformance 1 KiB: 300,000 | 50.0 % |');
    expect(row('auto path at 1,000/s')).toContain('| 120 ms | EndToEndLatency p99: 8 ms | 15.0 × |');
  });

  it('says which goals are met and which are not', () => {
    expect(row('auto path, saturation')).toContain('≥ 20,000/s (**not met**)');
    expect(row('auto path at 2,000/s')).toContain('< 50 ms (met)');
    expect(row('human path at 20')).toContain('< 200 ms (**not met**)');
    expect(row('auto path at 1,000/s')).not.toContain('met');
  });

  it('names the machine, the versions and the commit', () => {
    expect(tables).toContain('2026-12-02, 2 cores (test cpu), 24 GiB');
    expect(tables).toContain('Kafka 4.3.1');
    expect(tables).toContain('kafkajs 2.2.4, @platformatic/kafka 2.12.1; commit abc1234');
  });

  it('plots p50, p95 and p99 of every run, with the broker p99 and the goals as lines', () => {
    const svg = renderLatencySvg(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 2 loads + saturation + 1 human run, 3 percentiles each
    expect(svg.match(/<circle /g)).toHaveLength(12);
    expect(svg).toContain('<title>auto 2,000/s p99: 40 ms</title>');
    expect(svg).toContain('broker e2e p99 8 ms');
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(3);
  });
});
