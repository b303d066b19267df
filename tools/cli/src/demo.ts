// npm run demo -- [--count N] [--rate PER_SECOND] [--seed S] [--plain]
// Publishes realistic predictions to prediction.submitted (CloudEvents by default; --plain
// publishes plain JSON the way an external producer may).
import { physicalTopic, Topics } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cliSetup, fail, runMain } from './cli-support';
import { demoPrediction, seededRandom } from './demo-data';

runMain('demo', async () => {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100' },
      rate: { type: 'string', default: '20' },
      seed: { type: 'string' },
      plain: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  const rate = Number(values.rate);
  if (!Number.isInteger(count) || count < 1) fail('demo', `--count must be a positive integer, got ${values.count}`);
  if (!Number.isFinite(rate) || rate < 0) fail('demo', `--rate must be >= 0 (0 = as fast as possible), got ${values.rate}`);
  const seed = values.seed !== undefined ? Number(values.seed) : randomBytes(4).readUInt32LE();
  const runId = seed.toString(36);

  const { env, kafka } = cliSetup('demo');
  const options = resolveOptions({ brokers: env.KAFKA_BROKERS, clientId: 'hitl/demo-producer', topicPrefix: env.TOPIC_PREFIX });
  const publisher = new EventPublisher(kafka, options);
  await publisher.connect();
  const random = seededRandom(seed);
  const started = Date.now();
  const batch = rate === 0 ? 500 : Math.max(1, Math.min(500, Math.round(rate / 10)));
  const byCategory = new Map<string, number>();
  try {
    for (let sent = 0; sent < count; ) {
      const events = Array.from({ length: Math.min(batch, count - sent) }, (_, i) => demoPrediction(random, sent + i, runId));
      if (values.plain) {
        await publisher.sendRaw(
          events.map((data) => ({
            topic: physicalTopic(Topics.PredictionSubmitted, env.TOPIC_PREFIX),
            message: { key: data.predictionId, value: JSON.stringify(data) },
          })),
        );
      } else {
        await publisher.publishAll(events.map((data) => ({ topic: Topics.PredictionSubmitted, data })));
      }
      for (const e of events) byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + 1);
      sent += events.length;
      if (rate > 0) {
        const due = started + (sent / rate) * 1_000; // pacing to the offered rate
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await publisher.disconnect();
  }
  const seconds = (Date.now() - started) / 1_000;
  process.stdout.write(`published ${count} predictions (seed ${seed}, ids demo-${runId}-*) in ${seconds.toFixed(1)} s\n`);
  for (const [category, n] of [...byCategory].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${category.padEnd(20)} ${n}\n`);
});
