import { ALL_TOPICS, dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, RunningService, testBrokers, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reviewRequest } from './review-client.test-helper';

// The review API fuzzed from its own OpenAPI document by schemathesis (PyPI; installed by
// scripts/setup.sh into .local/schemathesis-venv): generated valid and invalid requests to every
// operation, signed in as a support lead, with the case ids mostly drawn from real open cases
// (a config dictionary) so the case operations reach their logic instead of a 404. No answer may
// be a 5xx, its status must be one the document lists, its body and content type conform, and
// a request the document calls valid must be accepted.
const root = resolve(__dirname, '../../..');
const schemathesis = join(root, '.local', 'schemathesis-venv', 'bin', 'schemathesis');
const CASES = 20;

describe('the review API under schemathesis', () => {
  const prefix = testTopicPrefix();
  let review: RunningService;

  beforeAll(async () => {
    if (!existsSync(schemathesis)) throw new Error(`${schemathesis} is missing: run bash scripts/setup.sh`);
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 1);
    // Many generated logins fail: a high throttle limit, so the answers are the ones documented.
    review = RunningService.start('review', { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('review_schemathesis'), REVIEW_LOGIN_MAX_FAILURES: '1000', REVIEW_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' });
    await review.waitUntilListening();
    await review.waitUntilReady();
    const publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    for (let i = 0; i < CASES; i++) await publisher.publish(Topics.ReviewRequested, reviewRequest(`fuzz-case-${i}`, { eligibleRoles: ['support_lead'] }));
    await publisher.disconnect();
    await waitFor(async () => (await review.get('/health/ready')).status === 200);
  });

  afterAll(async () => {
    await review?.process.stop();
  });

  it('answers no generated request with a 5xx, and every answer conforms to the document', async () => {
    const login = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sam', password: 'review-demo' }) });
    const { token } = (await login.json()) as { token: string };
    const reports = join(root, 'tmp', 'schemathesis');
    mkdirSync(reports, { recursive: true });
    const junit = join(reports, 'review-api.xml');
    const config = join(reports, 'schemathesis.toml');
    const ids = Array.from({ length: CASES }, (_, i) => `"fuzz-case-${i}"`).join(', ');
    // A well-formed outcome or reason code the policy does not offer for the case is a 422 (documented):
    // which outcomes a case takes is the policy's per category, not the document's.
    writeFileSync(
      config,
      `[dictionaries.cases]\nvalues = [${ids}]\n\n[parameters]\n"path.caseId" = { dictionary = "cases", probability = 0.9 }\n\n` +
        `[checks.positive_data_acceptance]\nexpected-statuses = ["2XX", "3XX", "401", "403", "404", "409", "422", "429"]\n`,
    );
    const run = spawnSync(
      schemathesis,
      [
        '--config-file',
        config,
        'run',
        `${review.url}/openapi.json`,
        '--header',
        `Authorization: Bearer ${token}`,
        '--checks',
        'not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance,positive_data_acceptance',
        '--max-examples',
        '40',
        '--generation-deterministic',
        // The event stream never ends by itself; logging out ends the session every other
        // operation runs on (hardening.int-spec.ts tests it).
        '--exclude-path',
        '/api/stream',
        '--exclude-path',
        '/api/auth/logout',
        '--report',
        'junit',
        '--report-junit-path',
        junit,
        '--request-timeout',
        '10',
      ],
      { encoding: 'utf8', timeout: 600_000, env: { ...process.env, NO_COLOR: '1' } },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ exitCode: run.status, tail: run.status === 0 ? '' : output.slice(-4_000) }).toEqual({ exitCode: 0, tail: '' });
    const summary = /(\d+) generated, (\d+) passed/.exec(output);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(300);
    process.stdout.write(`schemathesis: ${summary?.[0]} (review API, every operation but the stream)\n`);
    // It did test every operation but the stream.
    const cases = readFileSync(junit, 'utf8').match(/<testcase /g) ?? [];
    expect(cases.length).toBeGreaterThanOrEqual(14);
  }, 700_000);
});
