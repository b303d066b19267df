import { freshDatabaseUri } from '@hitl/testing';
import { MongoClient } from 'mongodb';
import type { Deadline } from './ladder';
import { CHUNK_SIZE, TimerStore } from './timer-store';

// The bucket/chunk layout under concurrent writers, on the real FerretDB: replicas appending to
// the same bucket at once lose nothing, and a finished bucket is removed whole.
describe('TimerStore on the real database', () => {
  const uri = freshDatabaseUri('timers');
  const clients: MongoClient[] = [];
  const BUCKET_MS = 10_000;

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) clients.push(await MongoClient.connect(uri, { maxPoolSize: 4 }));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  const deadline = (id: string, dueAt: number): Deadline => ({ _id: id, caseId: id.split(':')[0], round: 1, requestKey: `1@${dueAt}`, level: 1, escalateTo: 'team_lead', reason: 'timeout', dueAt: new Date(dueAt).toISOString() });

  it('six writers appending to one bucket at once lose no deadline, and chunks stay small', async () => {
    const bucket = 1_900_000_000_000;
    const stores = clients.map((client) => new TimerStore(client.db(), BUCKET_MS));
    const now = new Date(bucket - 60_000);
    // 6 writers × 50 requests × 3 deadlines, all in the same bucket (a redelivered request too).
    await Promise.all(
      stores.map(async (store, w) => {
        for (let r = 0; r < 50; r++) {
          const ladder = [1, 2, 3].map((level) => deadline(`w${w}r${r}:${level}`, bucket + level * 100));
          await store.add(ladder, now);
          if (r % 10 === 0) await store.add(ladder, now);
        }
      }),
    );
    const stored = await stores[0].bucket(bucket);
    expect(new Set(stored.map((d) => d._id)).size).toBe(900);
    const chunks = await clients[0].db().collection<{ deadlines: Deadline[] }>('deadline_chunks').find({ _id: { $regex: `^c:${bucket}:` } } as never).toArray();
    // A chunk is filled up to CHUNK_SIZE; only two writers numbering at once can push it past that.
    expect(Math.max(...chunks.map((c) => c.deadlines.length))).toBeLessThanOrEqual(CHUNK_SIZE + 6 * 3);

    await stores[1].advance(bucket, new Set(stored.map((d) => d._id)));
    expect(await stores[2].bucket(bucket)).toEqual([]);
    expect(await clients[0].db().collection('deadline_chunks').countDocuments({ _id: { $regex: `^c:${bucket}:` } } as never)).toBe(0);
  });

  it('one request spanning many chunks is stored whole and read back in order of its chunks', async () => {
    const bucket = 1_900_000_100_000;
    const store = new TimerStore(clients[0].db(), BUCKET_MS);
    const many = Array.from({ length: CHUNK_SIZE * 2 + 7 }, (_, i) => deadline(`bulk${i}:1`, bucket + 1));
    await store.add(many, new Date(bucket - 60_000));
    expect((await store.bucket(bucket)).map((d) => d._id)).toEqual(many.map((d) => d._id));
  });

  it('counts the deadlines still to fire from the cursor on: cancelled ones and earlier buckets are not', async () => {
    const db = clients[0].db(`${new URL(uri).pathname.slice(1)}_census`);
    const store = new TimerStore(db, BUCKET_MS);
    const base = 1_900_000_200_000;
    const now = new Date(base - 60_000);
    // 3 buckets: 150 (two chunks), 40 and 10 deadlines; then 25 of the first and 5 of the last cancelled.
    const first = Array.from({ length: 150 }, (_, i) => deadline(`a${i}:1`, base + 1));
    const second = Array.from({ length: 40 }, (_, i) => deadline(`b${i}:1`, base + BUCKET_MS + 1));
    const third = Array.from({ length: 10 }, (_, i) => deadline(`c${i}:1`, base + 2 * BUCKET_MS + 1));
    await store.add([...first, ...second, ...third], now);
    const cancel = (d: Deadline) => ({ _id: `x:${d._id}`, cancels: d._id, dueAt: d.dueAt });
    await store.add([...first.slice(0, 25), ...third.slice(0, 5)].map(cancel), now);
    // A redelivered request stores a deadline twice: it still counts once.
    await store.add(second.slice(0, 3), now);
    expect(await store.census(base)).toEqual({ pending: 125 + 40 + 5, buckets: 3 });
    expect(await store.census(base + BUCKET_MS)).toEqual({ pending: 40 + 5, buckets: 2 });
    await store.advance(base + BUCKET_MS, new Set([...second, ...third].map((d) => d._id)));
    expect(await store.census(base + 2 * BUCKET_MS)).toEqual({ pending: 5, buckets: 1 });
  });

  // A bucket is read, fired and removed by the ticker while writers may still be adding to it: a
  // request handled late (its clock read before a slow batch), or redelivered after its writer
  // died between numbering a chunk and inserting it. Whatever lands in a finished bucket moves on
  // to the first bucket still to be read (chaos found a ladder missing its second rung).
  describe('deadlines stored into a bucket the ticker has finished', () => {
    let n = 0;
    const freshStore = () => new TimerStore(clients[0].db(`${new URL(uri).pathname.slice(1)}_late${n++}`), BUCKET_MS);
    const base = 1_900_000_300_000;
    const idsIn = async (store: TimerStore, start: number) => (await store.bucket(start)).map((d) => d._id).sort();

    it('a deadline added after the cursor passed its bucket lands in the bucket the cursor is at', async () => {
      const store = freshStore();
      await store.cursor(new Date(base));
      await store.advance(base, new Set());
      // Its request's clock was read at base + 100 ms: due at base + 500 is in the future for it.
      await store.add([deadline('late:2', base + 500)], new Date(base + 100));
      const cursor = await store.cursor(new Date());
      expect(cursor).toBe(base + BUCKET_MS);
      expect(await idsIn(store, cursor)).toEqual(['late:2']);
    });

    it('a deadline appended after the pass read its bucket is carried on when that pass finishes the bucket', async () => {
      const store = freshStore();
      await store.cursor(new Date(base));
      await store.add([deadline('early:1', base + 200)], new Date(base - 1_000));
      const read = await store.bucket(base);
      await store.add([deadline('between:1', base + 300)], new Date(base - 1_000));
      await store.advance(base, new Set(read.map((d) => d._id)));
      expect(await idsIn(store, base + BUCKET_MS)).toEqual(['between:1']);
    });

    it('a bucket whose writer died between numbering a chunk and writing it loses nothing when the request is redelivered', async () => {
      const db = clients[0].db(`${new URL(uri).pathname.slice(1)}_late${n++}`);
      const store = new TimerStore(db, BUCKET_MS);
      await store.cursor(new Date(base));
      // The head says one chunk; the writer was killed before the chunk was inserted.
      await db.collection<{ _id: string }>('deadline_buckets').insertOne({ _id: `b:${base}`, version: 1, chunks: 1 } as never);
      const read = await store.bucket(base);
      expect(read).toEqual([]);
      await store.advance(base, new Set());
      // The redelivered request stores its ladder again.
      await store.add([deadline('redelivered:2', base + 400), deadline('redelivered:3', base + BUCKET_MS + 400)], new Date(base - 2_000));
      expect(await idsIn(store, base + BUCKET_MS)).toEqual(['redelivered:2', 'redelivered:3']);
    });
  });
});
