// npm run bench:clients -- [--records 200000] [--size 1024] [--round-trips 2000] [--json file]
// The two Node Kafka clients on the same broker in the same run, the way the platform uses a
// client: idempotent producer, acks=all, sends of 1,000 keyed records awaited one after another;
// a group consumer reading them back read_committed; and one-record round trips (produce, wait
// until the consumer has it, repeat) for the latency floor. kafkajs is what the messaging lib
// runs on; @platformatic/kafka is the candidate. Not a test: it asserts nothing.
import { createKafka, createTopicsAndWait, resolveOptions, type Kafka } from '@hitl/messaging';
import { summarize } from '@hitl/platform';
import { kafkajsClient, platformaticClient, type RawKafkaClient } from '@hitl/messaging/clients';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runWhenMain, writeResults } from './results';
import { benchBrokers as brokers } from './service-process';

export interface ClientFigures {
  client: string;
  /** cpuUsPerRecord: this process's CPU (user + system) per record, in microseconds. */
  produce: { records: number; perSecond: number; cpuUsPerRecord: number };
  consume: { records: number; perSecond: number; cpuUsPerRecord: number };
  roundTrip: { count: number; p50: number; p99: number; avg: number };
}

const SEND = 1_000;
const PARTITIONS = 6;

async function measure(client: RawKafkaClient, kafka: Kafka, records: number, size: number, roundTrips: number): Promise<ClientFigures> {
  const tag = `${client.name.split(' ')[0].replace(/\W/g, '')}-${randomBytes(3).toString('hex')}`;
  const bulk = `bench-clients.${tag}.bulk`;
  const ping = `bench-clients.${tag}.ping`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [bulk, ping].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })));
  const value = randomBytes(size);

  const producer = await client.connectProducer();
  const cpuPerRecord = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return Math.round(((used.user + used.system) / records) * 10) / 10;
  };
  let cpu = process.cpuUsage();
  let started = performance.now();
  for (let i = 0; i < records; i += SEND) {
    await producer.send(bulk, Array.from({ length: Math.min(SEND, records - i) }, (_, j) => ({ key: Buffer.from(`k${i + j}`), value })));
  }
  const produceRate = records / ((performance.now() - started) / 1_000);
  const produceCpu = cpuPerRecord(cpu);

  // Read back: the clock starts at the first record, so the group join is not counted (as
  // ConsumerPerformance's fetch rate).
  let seen = 0;
  let first = 0;
  let last = 0;
  let allSeen!: () => void;
  const done = new Promise<void>((resolve) => (allSeen = resolve));
  cpu = process.cpuUsage();
  const stopBulk = await client.consume(bulk, () => {
    if (seen === 0) first = performance.now();
    if (++seen === records) {
      last = performance.now();
      allSeen();
    }
  });
  await done;
  const consumeCpu = cpuPerRecord(cpu);
  await stopBulk();
  const consumeRate = records / ((last - first) / 1_000);

  // Round trips: one record at a time, the next once the consumer has the previous.
  let waiting: ((value: Buffer) => void) | undefined;
  const stopPing = await client.consume(ping, (v) => waiting?.(v));
  const latencies: number[] = [];
  const payload = randomBytes(100);
  // The first round trip also waits for the group to form: not counted.
  for (let i = -1; i < roundTrips; i++) {
    const marker = Buffer.from(`${i}`);
    const arrived = new Promise<void>((resolve) => (waiting = (v) => v.subarray(0, marker.length).equals(marker) && v[marker.length] === 0x2e && resolve()));
    started = performance.now();
    await producer.send(ping, [{ key: Buffer.from('ping'), value: Buffer.concat([marker, Buffer.from('.'), payload]) }]);
    await arrived;
    if (i >= 0) latencies.push(performance.now() - started);
  }
  await stopPing();
  await producer.close();
  await admin.deleteTopics({ topics: [bulk, ping] }).catch(() => undefined);
  await admin.disconnect();
  const s = summarize(latencies.map((l) => Math.round(l * 100) / 100));
  return {
    client: client.name,
    produce: { records, perSecond: Math.round(produceRate), cpuUsPerRecord: produceCpu },
    consume: { records, perSecond: Math.round(consumeRate), cpuUsPerRecord: consumeCpu },
    roundTrip: { count: roundTrips, p50: s.p50, p99: s.p99, avg: Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 100) / 100 },
  };
}

export async function benchClients(records: number, size: number, roundTrips: number): Promise<ClientFigures[]> {
  const kafka = createKafka(resolveOptions({ brokers, clientId: 'hitl/bench-clients' }));
  const results: ClientFigures[] = [];
  for (const client of [kafkajsClient(kafka), platformaticClient(brokers)]) {
    process.stderr.write(`clients: ${client.name}: ${records} x ${size} B, ${roundTrips} round trips\n`);
    results.push(await measure(client, kafka, records, size, roundTrips));
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, size: { type: 'string', default: '1024' }, 'round-trips': { type: 'string', default: '2000' }, json: { type: 'string' } } });
  const results = await benchClients(Number(values.records), Number(values.size), Number(values['round-trips']));
  process.stdout.write(`\nKafka clients, same broker, same run (${PARTITIONS} partitions, idempotent, acks=all, sends of ${SEND})\n`);
  process.stdout.write(`| client | produce records/s | CPU µs/record | consume records/s | CPU µs/record | round trip p50 | p99 |\n|---|---:|---:|---:|---:|---:|---:|\n`);
  for (const r of results) {
    process.stdout.write(
      `| ${r.client} | ${r.produce.perSecond.toLocaleString('en')} | ${r.produce.cpuUsPerRecord} | ${r.consume.perSecond.toLocaleString('en')} | ${r.consume.cpuUsPerRecord} | ${r.roundTrip.p50} ms | ${r.roundTrip.p99} ms |\n`,
    );
  }
  if (values.json) writeResults(values.json, { bench: 'clients', results });
}

runWhenMain(module, main);
