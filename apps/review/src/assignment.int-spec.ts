import { ALL_TOPICS, dlqTopicOf, exampleOf, physicalTopic, Topics } from '@hitl/contracts';
import { EventPublisher, resolveOptions } from '@hitl/messaging';
import { createTopics, freshDatabaseUri, RunningService, secureRandom, testBrokers, testKafka, testTopicPrefix, waitFor } from '@hitl/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ReviewClient, reviewRequest } from './review-client.test-helper';

type Summary = { caseId: string; priority: number; claimedBy: { id: string } | null };

// Assignment (POST /api/next) against the real broker and FerretDB: the test plays routing and
// publishes review.requested; reviewers ask for their next case through the API.
describe('assignment: POST /api/next through the real broker and database', () => {
  const prefix = testTopicPrefix();
  const run = secureRandom(3).toLowerCase().replace(/[^a-z0-9]/g, 'x');
  // Each test works in its own categories (skills), so the shared queue of the file does not mix in.
  const category = (name: string) => `${name}_${run}`;
  /** A request's fields for a case of `cat` (the category travels in the prediction's context). */
  const inCategory = (cat: string, fields: Parameters<typeof reviewRequest>[1] = {}) => ({ ...fields, context: { ...exampleOf(Topics.ReviewRequested).context, category: cat } });
  const RACERS = Array.from({ length: 50 }, (_, i) => `racer${String(i + 1).padStart(2, '0')}`);
  let review: RunningService;
  let publisher: EventPublisher;
  const as: Record<string, ReviewClient> = {};

  async function request(caseId: string, overrides: Parameters<typeof reviewRequest>[1], viewer: string): Promise<void> {
    await publisher.publish(Topics.ReviewRequested, reviewRequest(caseId, overrides));
    await waitFor(async () => (await as[viewer].get(`/api/cases/${caseId}`)).status !== 404, { description: `case ${caseId} in the review read model` });
  }

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS.flatMap((topic) => [physicalTopic(topic, prefix), dlqTopicOf(physicalTopic(topic, prefix))]), 3);
    publisher = new EventPublisher(kafka, resolveOptions({ brokers: testBrokers(), clientId: 'hitl/test', topicPrefix: prefix }));
    await publisher.connect();
    // The demo users' password hash (review-demo) for reviewers with skills and capacities.
    const demo = parse(readFileSync(resolve(__dirname, '../../../config/users.default.yaml'), 'utf8')) as { users: { id: string; passwordHash: string }[] };
    const passwordHash = demo.users[0].passwordHash;
    const users = [
      { id: 'ordered', name: 'Ordered Reviewer', roles: ['support_lead'], passwordHash, skills: [category('order')] },
      { id: 'small', name: 'Small Capacity', roles: ['support_lead'], passwordHash, skills: [category('cap')], capacity: 2 },
      { id: 'broad', name: 'Broad Reviewer', roles: ['support_lead', 'manager'], passwordHash },
      ...RACERS.map((id) => ({ id, name: `Racer ${id.slice(-2)}`, roles: ['support_lead'], passwordHash, skills: [category('race')], capacity: 1 })),
    ];
    const usersFile = join(mkdtempSync(join(tmpdir(), 'hitl-users-')), 'users.yaml');
    writeFileSync(usersFile, stringify({ users }));
    review = RunningService.start('review', { KAFKA_BROKERS: testBrokers().join(','), TOPIC_PREFIX: prefix, MONGODB_URI: freshDatabaseUri('assign'), REVIEW_USERS_FILE: usersFile, REVIEW_VIEW_REFRESH_MS: '1000' });
    await review.waitUntilListening();
    await review.waitUntilReady();
    for (const user of users) as[user.id] = await ReviewClient.login(review.url, user.id);
  });

  afterAll(async () => {
    await review?.process.stop();
    await publisher?.disconnect();
  });

  it('hands out the first case in queue order (priority, then due time) that your roles and skills allow, claimed for you; nothing left: 204', async () => {
    const cat = category('order');
    const soon = new Date(Date.now() + 600_000).toISOString();
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const cases = { low: `low-${run}`, high: `high-${run}`, midLater: `mid-later-${run}`, midSoon: `mid-soon-${run}`, managers: `managers-${run}` };
    await request(cases.low, inCategory(cat, { priority: 10, dueAt: soon }), 'broad');
    await request(cases.midLater, inCategory(cat, { priority: 50, dueAt: later }), 'broad');
    await request(cases.high, inCategory(cat, { priority: 90, dueAt: later }), 'broad');
    await request(cases.midSoon, inCategory(cat, { priority: 50, dueAt: soon }), 'broad');
    // Only managers may act on it: never handed to a support lead, whatever its priority.
    await request(cases.managers, inCategory(cat, { priority: 100, eligibleRoles: ['manager'], tier: 'dual_approval' }), 'broad');

    const handed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await as.ordered.post<Summary>('/api/next');
      expect(answer.status).toBe(200);
      expect(answer.body.claimedBy).toMatchObject({ id: 'ordered' });
      handed.push(answer.body.caseId);
    }
    expect(handed).toEqual([cases.high, cases.midSoon, cases.midLater, cases.low]);
    // Claimed: the case says so to everyone else, and another reviewer cannot act on it.
    const seen = await as.broad.get<{ claimedBy: { id: string } | null }>(`/api/cases/${cases.high}`);
    expect(seen.body.claimedBy).toMatchObject({ id: 'ordered' });
    expect((await as.broad.act(cases.high, 'approve')).status).toBe(409);
    // Nothing else in their skills that their roles allow.
    const none = await as.ordered.post('/api/next');
    expect(none.status).toBe(204);
    // The managers' case goes to someone who may act on it; a reviewer without skills takes any category.
    const broad = await as.broad.post<Summary>('/api/next');
    expect(broad.status).toBe(200);
    expect(broad.body.caseId).toBe(cases.managers);
  });

  it('stops at the capacity: a reviewer holding it is refused (409) until they release or decide one', async () => {
    const cat = category('cap');
    const ids = [1, 2, 3].map((i) => `cap-${i}-${run}`);
    for (const [i, caseId] of ids.entries()) await request(caseId, inCategory(cat, { priority: 60 - i }), 'broad');
    const first = await as.small.post<Summary>('/api/next');
    const second = await as.small.post<Summary>('/api/next');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body.caseId, second.body.caseId]).toEqual(ids.slice(0, 2));
    const refused = await as.small.post<{ message: string }>('/api/next');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/you hold 2 cases, your capacity/);
    // Deciding one frees a place: the next ask hands out the third case.
    expect((await as.small.act(first.body.caseId, 'approve')).status).toBe(200);
    await waitFor(async () => (await as.small.post<Summary>('/api/next')).body.caseId === ids[2] || undefined, { description: 'the third case once a place is free' });
    // Releasing one frees a place too (nothing left to hand out now: 204, not 409).
    const release = await as.small.call('DELETE', `/api/cases/${encodeURIComponent(second.body.caseId)}/claim`);
    expect(release.status).toBe(204);
    const again = await as.small.post<Summary>('/api/next');
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(second.body.caseId);
  });

  it('50 reviewers asking at once for 30 cases: each case handed out once, to one of them, and the other 20 told none waits', async () => {
    const cat = category('race');
    const ids = Array.from({ length: 30 }, (_, i) => `race-${String(i).padStart(2, '0')}-${run}`);
    for (const caseId of ids) await request(caseId, inCategory(cat, { priority: 40 }), 'broad');
    const answers = await Promise.all(RACERS.map(async (id) => ({ id, answer: await as[id].post<Summary>('/api/next') })));
    const handed = answers.filter((a) => a.answer.status === 200);
    const statuses = answers.map((a) => a.answer.status).sort();
    expect(statuses.filter((s) => s !== 200 && s !== 204)).toEqual([]);
    expect(handed).toHaveLength(30);
    expect(new Set(handed.map((a) => a.answer.body.caseId)).size).toBe(30);
    expect(handed.map((a) => a.answer.body.caseId).sort()).toEqual([...ids].sort());
    // Each claim is the one the database holds, by the reviewer it was handed to.
    for (const { id, answer } of handed) {
      expect(answer.body.claimedBy).toMatchObject({ id });
      const stored = await as.broad.get<{ claimedBy: { id: string } | null }>(`/api/cases/${answer.body.caseId}`);
      expect(stored.body.claimedBy).toMatchObject({ id });
    }
  });

  it('GET /api/next is refused (405, Allow: POST): asking claims a case, and a GET must not; without a session, 401', async () => {
    const response = await fetch(`${review.url}/api/next`, { headers: { authorization: `Bearer ${as.broad.token}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { message: string }).message).toMatch(/use POST \/api\/next/);
    expect((await ReviewClient.anonymous(review.url).post('/api/next')).status).toBe(401);
  });
});
