import { ALL_TOPICS, dlqTopicOf, physicalTopic } from '@hitl/contracts';
import { createTopics, freshDatabaseUri, RunningService, testBrokers, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';

// The review app's responses as a browser or an attacker meets them (real broker and FerretDB):
// the standard security headers on every route it serves, sessions that end on the server at
// logout, and a malformed body answered with a 400 that says what is wrong.
describe('hardened responses', () => {
  const prefix = testTopicPrefix();
  let review: RunningService;
  // A second replica on the same database and session secret: sessions ended on one end on both.
  let other: RunningService;

  beforeAll(async () => {
    await createTopics(testKafka(), ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 1);
    const env = { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('review_hardening'), REVIEW_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters!' };
    review = RunningService.start('review', env);
    other = RunningService.start('review', env);
    for (const r of [review, other]) await r.waitUntilListening();
    for (const r of [review, other]) await r.waitUntilReady();
  });

  afterAll(async () => {
    await Promise.all([review?.process.stop(), other?.process.stop()]);
  });

  const login = async (username = 'sam'): Promise<string> => {
    const response = await fetch(`${review.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'review-demo' }) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  };

  /** Status and headers only: the body is dropped (the live stream would never end). */
  const headersOf = async (method: string, path: string, init: { token?: string; cookie?: string; body?: string } = {}) => {
    const abort = new AbortController();
    const response = await fetch(`${review.url}${path}`, {
      method,
      redirect: 'manual',
      signal: abort.signal,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    abort.abort();
    return { status: response.status, headers: response.headers };
  };

  it('sends the security headers, and no X-Powered-By, on every route: each operation of the OpenAPI document, every page, asset, health and metrics route, and a 404', async () => {
    const token = await login();
    const document = (await (await fetch(`${review.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const api = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'no-such-case') })));
    // The document lists the API (login, logout, queue, cases, their actions, admin, stream…).
    expect(api.length).toBeGreaterThanOrEqual(12);
    const others = ['/', '/login', '/me', '/dashboard', '/cases/no-such-case', '/traces/no-such-case', '/assets/app.js', '/assets/app.css', '/favicon.ico', '/favicon.svg', '/docs', '/openapi.json', '/health/live', '/health/ready', '/metrics', '/no/such/route'].map((path) => ({ method: 'GET', path }));
    const seen: string[] = [];
    // Logout last: it ends the session the other requests use.
    const routes = [...api.filter((r) => !r.path.endsWith('/logout')), ...others, { method: 'POST', path: '/logout' }, ...api.filter((r) => r.path.endsWith('/logout'))];
    for (const route of routes) {
      const { status, headers } = await headersOf(route.method, route.path, { token, ...(route.method === 'POST' ? { body: '{}' } : {}) });
      const csp = headers.get('content-security-policy') ?? '';
      const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      const problems = [
        !csp ? 'no Content-Security-Policy' : '',
        scriptSrc.trim() !== "'self'" ? `script-src is "${scriptSrc}"` : '',
        !/frame-ancestors 'none'/.test(csp) ? 'frames allowed' : '',
        headers.get('x-frame-options') !== 'DENY' ? `X-Frame-Options ${headers.get('x-frame-options')}` : '',
        headers.get('x-content-type-options') !== 'nosniff' ? `X-Content-Type-Options ${headers.get('x-content-type-options')}` : '',
        headers.get('referrer-policy') !== 'no-referrer' ? `Referrer-Policy ${headers.get('referrer-policy')}` : '',
        headers.has('x-powered-by') ? `X-Powered-By ${headers.get('x-powered-by')}` : '',
      ].filter(Boolean);
      seen.push(`${route.method} ${route.path} ${status}${problems.length ? `: ${problems.join(', ')}` : ''}`);
    }
    expect(seen.filter((line) => line.includes(':'))).toEqual([]);
    // Pages and API alike: a page, an API answer, a refusal and the 404 are all among them.
    expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/ 200$/), expect.stringMatching(/^GET \/api\/queue 200$/), expect.stringMatching(/^GET \/no\/such\/route 404$/), expect.stringMatching(/^GET \/favicon.ico 200$/)]));
  });

  it('ends the session on the server at logout: the same token and cookie are refused at once, on the API and the pages; a new login works', async () => {
    const token = await login();
    const cookie = `hitl_session=${token}`;
    expect((await headersOf('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await headersOf('GET', '/', { cookie })).status).toBe(200);
    expect((await headersOf('POST', '/api/auth/logout', { token })).status).toBe(204);
    // A copied token or cookie is dead, though its signature and expiry are still good.
    expect((await headersOf('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await headersOf('GET', '/api/queue', { cookie })).status).toBe(401);
    const page = await headersOf('GET', '/', { cookie });
    expect({ status: page.status, location: page.headers.get('location') }).toEqual({ status: 303, location: '/login' });
    // Logging out again with it is refused too; another session of the same reviewer lives on.
    expect((await headersOf('POST', '/api/auth/logout', { token })).status).toBe(401);
    const other = await login();
    expect((await headersOf('GET', '/api/auth/me', { token: other })).status).toBe(200);
  });

  it('ends the session on the other replicas too, within about a second (each reloads the ended ids every second)', async () => {
    const token = await login();
    const meOn = async (r: RunningService) => (await fetch(`${r.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await meOn(other)).toBe(200);
    expect((await headersOf('POST', '/api/auth/logout', { token })).status).toBe(204);
    const started = Date.now();
    await waitFor(async () => (await meOn(other)) === 401, { timeoutMs: 5_000, intervalMs: 100, description: 'the other replica to refuse the ended session' });
    process.stdout.write(`session ended on the other replica after ${Date.now() - started} ms\n`);
  });

  it("ends the session at the page's logout too", async () => {
    const token = await login('dana');
    const cookie = `hitl_session=${token}`;
    const out = await headersOf('POST', '/logout', { cookie });
    expect({ status: out.status, location: out.headers.get('location') }).toEqual({ status: 303, location: '/login' });
    expect((await headersOf('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('answers a body that is not valid JSON with a 400 that says so, on every POST', async () => {
    const token = await login();
    for (const path of ['/api/auth/login', '/api/cases/no-such-case/approve', '/api/cases/no-such-case/override']) {
      const response = await fetch(`${review.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"outcome": "deny",' });
      expect({ path, status: response.status, body: await response.json() }).toEqual({ path, status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^the request body is not valid JSON \(/) } });
    }
  });
});
