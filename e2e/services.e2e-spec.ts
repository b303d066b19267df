import { ALL_TOPICS, dlqTopicOf, physicalTopic } from '@hitl/contracts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTopics, freshDatabaseUri, RunningService, SERVICES, testBrokers, testKafka, testTopicPrefix } from '@hitl/testing';

describe('the five services', () => {
  const running: RunningService[] = [];

  afterAll(async () => {
    await Promise.all(running.map((s) => s.process.stop()));
  });

  it('boot against the real broker and database, report ready, and stop cleanly on SIGTERM', async () => {
    const prefix = testTopicPrefix();
    await createTopics(testKafka(), ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 2);
    for (const name of SERVICES) {
      running.push(RunningService.start(name, { KAFKA_BROKERS: testBrokers().join(','), MONGODB_URI: freshDatabaseUri(name), TOPIC_PREFIX: prefix }));
    }
    await Promise.all(running.map((s) => s.waitUntilListening()));
    for (const service of running) {
      expect(await service.get('/health/live')).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
      const ready = (await service.waitUntilReady()) as { details: Record<string, { status: string }> };
      expect(ready.details.kafka.status).toBe('up');
      expect(ready.details.database.status).toBe('up');
    }

    for (const service of running) service.process.kill('SIGTERM');
    await Promise.all(running.map((s) => s.process.waitForExit(40_000)));
    for (const service of running) {
      expect({ name: service.name, code: service.process.exitCode, signal: service.process.signal }).toEqual({ name: service.name, code: 0, signal: null });
      expect(service.process.output).toContain('shutdown requested: draining consumers');
      expect(service.process.output).toContain('stopped cleanly');
    }
  });

  it.each([
    ['scoring', 'KAFKA_BROKERS', 'localhost'],
    ['routing', 'MONGODB_URI', 'postgres://db/hitl'],
    ['escalation', 'HTTP_PORT', '99999'],
    ['feedback', 'CONSUMER_RETRY_MAX_ATTEMPTS', '-1'],
    ['review', 'TOPIC_PREFIX', 'no spaces allowed'],
  ] as const)('%s refuses to start with %s=%j and names the variable', async (name, variable, value) => {
    const service = RunningService.start(name, { [variable]: value });
    running.push(service);
    await service.process.waitForExit(30_000);
    expect(service.process.exitCode).toBe(78);
    expect(service.process.output).toContain(`Invalid configuration: ${variable}:`);
    expect(service.process.output).toContain(JSON.stringify(value));
  });

  it.each(['scoring', 'routing'] as const)('%s refuses a broken policy file and names the field', async (name) => {
    const file = join(mkdtempSync(join(tmpdir(), 'hitl-policy-')), 'broken.yaml');
    writeFileSync(file, readFileSync(resolve(__dirname, '../config/policy.default.yaml'), 'utf8').replace('humanReview: 0.70', 'humanReview: 7'));
    const service = RunningService.start(name, { POLICY_FILE: file });
    running.push(service);
    await service.process.waitForExit(30_000);
    expect(service.process.exitCode).toBe(78);
    expect(service.process.output).toContain(`${name}: policy ${file}: defaults.bands.humanReview: Too big`);
  });
});
