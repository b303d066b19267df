import { ALL_TOPICS, dlqTopicOf, physicalTopic } from '@hitl/contracts';
import { createTopics, freshDatabaseUri, RunningService, testBrokers, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';
import { MongoClient } from 'mongodb';
import { AuditLog } from '../audit';

// Login throttling and body limits on the running review API (real broker and FerretDB), with
// small limits: 3 failures per name, 6 per address, over a 4-second window.
describe('logging in under attack', () => {
  const prefix = testTopicPrefix();
  const databaseUri = freshDatabaseUri('review_login');
  let review: RunningService;

  beforeAll(async () => {
    await createTopics(testKafka(), ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 1);
    review = RunningService.start('review', {
      KAFKA_BROKERS: testBrokers().join(','),
      TOPIC_PREFIX: prefix,
      MONGODB_URI: databaseUri,
      REVIEW_LOGIN_MAX_FAILURES: '3',
      REVIEW_LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
      REVIEW_LOGIN_WINDOW_SECONDS: '4',
    });
    await review.waitUntilListening();
    await review.waitUntilReady();
  });

  afterAll(async () => {
    await review?.process.stop();
  });

  // Each test as its own client behind the ingress (the API trusts X-Forwarded-For from a local proxy).
  const login = (username: string, password: string, client = '203.0.113.1') =>
    fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ username, password }) });
  const form = (username: string, password: string, client = '203.0.113.1') =>
    fetch(`${review.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client }, body: new URLSearchParams({ username, password }).toString() });

  it('locks an account after its failed logins, even against the right password, with Retry-After; then lets it in again', async () => {
    for (let i = 0; i < 3; i++) expect((await login('sam', 'guess')).status).toBe(401);
    const locked = await login('sam', 'review-demo');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(4);
    expect(((await locked.json()) as { message: string }).message).toMatch(/too many failed logins for this account/);
    // The login form refuses it the same way.
    expect((await form('sam', 'review-demo')).status).toBe(429);
    // Another account is not affected.
    expect((await login('dana', 'review-demo')).status).toBe(200);
    // Once the window has passed, the right password works (Retry-After said when).
    await waitFor(async () => (await login('sam', 'review-demo')).status === 200, { timeoutMs: 10_000, description: 'the lock to end' });
  });

  it('stops one address spraying a password over many names, known or not; other addresses go on', async () => {
    const sprayer = '198.51.100.9';
    const statuses: number[] = [];
    for (const name of ['alex', 'morgan', 'quinn', 'nobody', 'casey', 'ghost', 'riley', 'robin']) statuses.push((await login(name, 'password1', sprayer)).status);
    // Six failures from this address, then refused, whatever the name.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const refused = await login('dana', 'review-demo', sprayer);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/from this address/);
    expect((await login('dana', 'review-demo', '198.51.100.10')).status).toBe(200);
    await waitFor(async () => (await login('dana', 'review-demo', sprayer)).status === 200, { timeoutMs: 10_000, description: 'the address to be let in again' });
  });

  it('audits the failures and the locks, and the chain still verifies', async () => {
    const client = await MongoClient.connect(databaseUri);
    try {
      const log = new AuditLog(client.db());
      expect(await log.verify()).toMatchObject({ ok: true });
      const entries = await log.list({ limit: 1_000 });
      expect(entries.filter((e) => e.action === 'login_locked').map((e) => e.details?.by)).toEqual(expect.arrayContaining(['account', 'address']));
      expect(entries.filter((e) => e.action === 'login_failed').length).toBeGreaterThanOrEqual(9);
    } finally {
      await client.close();
    }
  });

  it('refuses bodies over the limit with 413 and malformed JSON with 400, before any work', async () => {
    const big = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sam', password: 'x'.repeat(200_000) }) });
    expect(big.status).toBe(413);
    const bad = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": "sam",' });
    expect(bad.status).toBe(400);
    const bigForm = await fetch(`${review.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=sam&password=${'x'.repeat(50_000)}` });
    expect(bigForm.status).toBe(413);
  });
});
