import { ALL_TOPICS, dlqTopicOf, physicalTopic, Topics } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { reviewRequest } from './review-client.test-helper';

// The authorization matrix: every operation of the review API's OpenAPI document, as every role
// of the default users and unauthenticated, answers the expected status. A case here is for
// support leads only; a refused attempt must leave it untouched (the eligible reviewer's action
// afterwards succeeds).
const users = (parse(readFileSync(join(__dirname, '../../../config/users.default.yaml'), 'utf8')) as { users: { id: string; roles: string[] }[] }).users;
const ELIGIBLE = 'support_lead';

interface Operation {
  method: 'GET' | 'POST' | 'DELETE';
  /** As the OpenAPI document writes it. */
  path: string;
  body?: unknown;
  /** Needs a case of its own (a refused attempt must not change it). */
  onCase?: 'live' | 'blind';
  /** Done first by the eligible reviewer (releasing needs a claim). */
  before?: Operation;
  /** Status for a signed-in caller of the eligible role / of any other role. */
  eligible: number;
  other: number;
  /** Status for the admin, where it differs from `other`. */
  admin?: number;
}

const claim: Operation = { method: 'POST', path: '/api/cases/{caseId}/claim', onCase: 'live', eligible: 200, other: 403 };
const OPERATIONS: Operation[] = [
  { method: 'GET', path: '/api/auth/me', eligible: 200, other: 200 },
  { method: 'GET', path: '/api/queue', eligible: 200, other: 200 },
  { method: 'GET', path: '/api/stream', eligible: 200, other: 200 },
  { method: 'GET', path: '/api/cases/{caseId}', onCase: 'live', eligible: 200, other: 403 },
  claim,
  { method: 'DELETE', path: '/api/cases/{caseId}/claim', onCase: 'live', before: claim, eligible: 204, other: 403 },
  { method: 'POST', path: '/api/cases/{caseId}/approve', body: {}, onCase: 'live', eligible: 200, other: 403 },
  { method: 'POST', path: '/api/cases/{caseId}/override', body: { outcome: 'deny', reasonCode: 'policy_exception', reason: 'policy says no' }, onCase: 'live', eligible: 200, other: 403 },
  { method: 'POST', path: '/api/cases/{caseId}/decide', body: { outcome: 'approve_refund' }, onCase: 'blind', eligible: 200, other: 403 },
  { method: 'POST', path: '/api/cases/{caseId}/request-info', body: { question: 'Which order?' }, onCase: 'live', eligible: 200, other: 403 },
  { method: 'POST', path: '/api/cases/{caseId}/escalate', body: { reason: 'needs a manager' }, onCase: 'live', eligible: 200, other: 403 },
  // Assignment: a case waits for support leads (the one made for this row at least); none for the other roles.
  { method: 'POST', path: '/api/next', onCase: 'live', eligible: 200, other: 204 },
  // The stop button of automation: admins only.
  { method: 'POST', path: '/api/admin/automation/{category}/{modelVersion}/{action}', body: { reason: 'checking the stop button' }, eligible: 403, other: 403, admin: 202 },
  { method: 'POST', path: '/api/auth/logout', eligible: 204, other: 204 },
];

describe('the review API authorization matrix', () => {
  const prefix = testTopicPrefix();
  let review: RunningService;
  let publisher: EventPublisher;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 1);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    review = RunningService.start('review', { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('review_authz') });
    await review.waitUntilListening();
    await review.waitUntilReady();
    for (const user of users) {
      const response = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.id, password: 'review-demo' }) });
      expect({ user: user.id, status: response.status }).toEqual({ user: user.id, status: 200 });
      tokens.set(user.id, ((await response.json()) as { token: string }).token);
    }
  });

  afterAll(async () => {
    await review?.process.stop();
    await publisher?.disconnect();
  });

  async function call(op: Operation, token: string | undefined, caseId?: string): Promise<number> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (op.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const path = op.path.replace('{caseId}', caseId ?? 'none').replace('{category}', 'refund').replace('{modelVersion}', 'fraud-model-2.1').replace('{action}', 'stop');
    const response = await fetch(`${review.url}${path}`, { method: op.method, headers, body: op.body === undefined ? undefined : JSON.stringify(op.body), signal: controller.signal });
    controller.abort(); // the event stream never ends by itself; the status is what is asked
    return response.status;
  }

  async function newCase(kind: 'live' | 'blind'): Promise<string> {
    const caseId = `authz-${kind}-${secureRandom(4)}`;
    await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId, { eligibleRoles: [ELIGIBLE], recommendation: 'approve_refund', ...(kind === 'blind' ? { rollout: 'shadow' } : {}) }));
    const sam = tokens.get('sam')!;
    await waitFor(async () => (await fetch(`${review.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${sam}` } })).status === 200, { description: `case ${caseId} in the read model` });
    return caseId;
  }

  /** Open without a session: logging in, and the probes and metrics for the cluster (the ingress does not route them). */
  const OPEN = ['POST /api/auth/login', 'GET /health/live', 'GET /health/ready', 'GET /metrics'];

  it('covers every operation of the OpenAPI document', async () => {
    const document = (await (await fetch(`${review.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect([...OPERATIONS.map((o) => `${o.method} ${o.path}`), ...OPEN].sort()).toEqual(documented.sort());
  });

  it('only logging in, the probes and the metrics answer without a session; a wrong password gets 401', async () => {
    const response = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sam', password: 'not-it' }) });
    expect(response.status).toBe(401);
    for (const path of ['/health/live', '/health/ready', '/metrics']) expect({ path, status: (await fetch(`${review.url}${path}`)).status }).toEqual({ path, status: 200 });
  });

  it.each(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op] as const))('%s: 401 without a session, then the expected status for every role', async (_name, op) => {
    const caseId = op.onCase ? await newCase(op.onCase) : undefined;
    const seen: Record<string, number> = {};
    const expected: Record<string, number> = {};
    expect(await call(op, undefined, caseId)).toBe(401);
    expect(await call(op, 'not-a-token', caseId)).toBe(401);
    // Every other role first: refused, and the case stays as it was.
    for (const user of users.filter((u) => !u.roles.includes(ELIGIBLE))) {
      seen[user.id] = await call(op, tokens.get(user.id), caseId);
      expected[user.id] = user.roles.includes('admin') && op.admin !== undefined ? op.admin : op.other;
    }
    if (op.before) expect(await call(op.before, tokens.get('sam'), caseId)).toBe(op.before.eligible);
    seen.sam = await call(op, tokens.get('sam'), caseId);
    expected.sam = op.eligible;
    expect(seen).toEqual(expected);
  });

  it('the web pages send a visitor without a session to the login page', async () => {
    for (const path of ['/', '/cases/any', '/dashboard', '/me', '/traces/any']) {
      const response = await fetch(`${review.url}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status, location: response.headers.get('location') }).toEqual({ path, status: 303, location: '/login' });
    }
  });
});
