import { freshDatabaseUri } from '@hitl/testing';
import { MongoClient, type Collection } from 'mongodb';
import { documentCodec } from './encoded';
import { VersionedWrites } from './versioned-writes';

interface Counter {
  _id: string;
  version: number;
  n: number;
  by?: number;
}

// The compare-and-set the read models rely on, against the real FerretDB, where a conditional
// replaceOne is not atomic (several concurrent writers each see modifiedCount 1).
describe('VersionedWrites on the real database', () => {
  const uri = freshDatabaseUri('cas');
  const clients: MongoClient[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) clients.push(await MongoClient.connect(uri, { maxPoolSize: 2 }));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  const writesOf = (client: MongoClient, options = {}) => new VersionedWrites<Counter>(client.db().collection('counters'), client.db().collection('counter_claims'), options);

  /** Read, add one, write if unchanged; again on a lost race. */
  async function increment(writes: VersionedWrites<Counter>, docs: Collection<Counter>, id: string, by: number): Promise<void> {
    for (let attempt = 0; attempt < 2_000; attempt++) {
      const current = await docs.findOne({ _id: id });
      if (await writes.write({ _id: id, version: (current?.version ?? 0) + 1, n: (current?.n ?? 0) + 1, by })) return;
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4)); // backoff with jitter: let the winner write
    }
    throw new Error(`writer ${by} never got a version`);
  }

  it('six writers on separate connections incrementing one document lose no increment', async () => {
    const id = 'contended';
    await Promise.all(clients.map((client, by) => (async () => {
      const writes = writesOf(client);
      const docs = client.db().collection<Counter>('counters');
      for (let i = 0; i < 10; i++) await increment(writes, docs, id, by);
    })()));
    const doc = await clients[0].db().collection<Counter>('counters').findOne({ _id: id });
    expect(doc).toMatchObject({ n: 60, version: 60 });
    // Only the latest claim is left behind.
    expect(await clients[0].db().collection('counter_claims').countDocuments({ _id: { $regex: `^${id}#` } } as never)).toBe(1);
  });

  it('a writer that died between its claim and its write is finished by the next one, once the claim is stale', async () => {
    const docs = clients[0].db().collection<Counter>('counters');
    const claims = clients[0].db().collection<{ _id: string; doc: Counter; at: Date }>('counter_claims');
    await docs.insertOne({ _id: 'crashed', version: 1, n: 1 });
    // The dead writer's claim of version 2: recorded, its document never written.
    await claims.insertOne({ _id: 'crashed#2', doc: { _id: 'crashed', version: 2, n: 41 }, at: new Date(Date.now() - 60_000) });
    const writes = writesOf(clients[1], { staleClaimMs: 10_000 });
    expect(await writes.write({ _id: 'crashed', version: 2, n: 2 })).toBe(false);
    expect(await docs.findOne({ _id: 'crashed' })).toMatchObject({ version: 2, n: 41 });
    expect(await writes.write({ _id: 'crashed', version: 3, n: 42 })).toBe(true);
    expect(await docs.findOne({ _id: 'crashed' })).toMatchObject({ version: 3, n: 42 });
  });

  it('a fresh claim is not taken over: its writer may still be writing', async () => {
    const docs = clients[0].db().collection<Counter>('counters');
    const claims = clients[0].db().collection<{ _id: string; doc: Counter; at: Date }>('counter_claims');
    await docs.insertOne({ _id: 'busy', version: 1, n: 1 });
    await claims.insertOne({ _id: 'busy#2', doc: { _id: 'busy', version: 2, n: 7 }, at: new Date() });
    expect(await writesOf(clients[2]).write({ _id: 'busy', version: 2, n: 2 })).toBe(false);
    expect(await docs.findOne({ _id: 'busy' })).toMatchObject({ version: 1, n: 1 });
  });

  it('version 1 is the insert itself: exactly one of many creators wins', async () => {
    const results = await Promise.all(clients.map((client, by) => writesOf(client).write({ _id: 'created', version: 1, n: 0, by })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('changeLikelyNew: six writers creating-or-incrementing one new document lose no increment', async () => {
    const id = 'likely-new';
    await Promise.all(
      clients.map((client, by) => (async () => {
        const writes = writesOf(client);
        for (let i = 0; i < 5; i++) await writes.changeLikelyNew(id, (current) => ({ _id: id, version: 0, n: (current?.n ?? 0) + 1, by }), 2_000);
      })()),
    );
    expect(await clients[0].db().collection<Counter>('counters').findOne({ _id: id })).toMatchObject({ n: 30, version: 30 });
  });

  it('with a codec: six writers incrementing one encoded document lose no increment, and it is stored as one string', async () => {
    const id = 'encoded';
    const codec = documentCodec<Counter>();
    await Promise.all(
      clients.map((client, by) => (async () => {
        const writes = writesOf(client, { codec });
        for (let i = 0; i < 5; i++) await writes.changeLikelyNew(id, (current) => ({ _id: id, version: 0, n: (current?.n ?? 0) + 1, by }), 2_000);
      })()),
    );
    const stored = await clients[0].db().collection('counters').findOne({ _id: id } as never);
    expect(stored).toEqual({ _id: id, version: 30, body: expect.any(String) });
    expect(await writesOf(clients[1], { codec }).read(id)).toMatchObject({ _id: id, version: 30, n: 30 });
  });

  it('with a codec: a document stored before the encoding is read and changed, and stored encoded from then on', async () => {
    const docs = clients[0].db().collection<Counter>('counters');
    await docs.insertOne({ _id: 'plain', version: 4, n: 4 });
    const writes = writesOf(clients[2], { codec: documentCodec<Counter>() });
    expect(await writes.change('plain', (current) => current && { ...current, n: current.n + 1 })).toMatchObject({ version: 5, n: 5 });
    expect(await docs.findOne({ _id: 'plain' })).toEqual({ _id: 'plain', version: 5, body: JSON.stringify({ n: 5 }) });
  });

  it('remembering the last version: six writers, each starting from its own possibly stale copy, lose no increment', async () => {
    const id = 'remembered';
    const codec = documentCodec<Counter>();
    await Promise.all(
      clients.map((client, by) => (async () => {
        const writes = writesOf(client, { codec, remember: 10 });
        for (let i = 0; i < 10; i++) await writes.changeLikelyNew(id, (current) => ({ _id: id, version: 0, n: (current?.n ?? 0) + 1, by }), 2_000);
      })()),
    );
    expect(await writesOf(clients[0], { codec }).read(id)).toMatchObject({ n: 60, version: 60 });
  });

  it('remembering the last version: "nothing to change" is decided on the stored document, not on a stale copy', async () => {
    const id = 'stale-noop';
    const mine = writesOf(clients[0], { remember: 10 });
    const other = writesOf(clients[1]);
    await mine.change(id, () => ({ _id: id, version: 0, n: 1 }));
    // Another writer moves it to n = 2; this instance still remembers n = 1.
    await other.change(id, (current) => current && { ...current, n: 2 });
    // "Set n to 1 unless it is 1": the stale copy says nothing to do; the stored document says otherwise.
    const result = await mine.change(id, (current) => (current?.n === 1 ? undefined : { _id: id, version: 0, n: 1, by: 7 }));
    expect(result).toMatchObject({ version: 3, n: 1, by: 7 });
    expect(await clients[2].db().collection<Counter>('counters').findOne({ _id: id })).toMatchObject({ version: 3, n: 1 });
  });
});
