import { ChildService, distEntry, freshDatabaseUri } from '@hitl/testing';
import mongoose, { type Connection, type mongo } from 'mongoose';
import { sealEntry, type AuditEntry, type AuditInput } from './audit-entry';
import { AUDIT_COLLECTION, AUDIT_TIP_COLLECTION, AuditLog } from './audit-log';

const action = (i: number, replica = 'a'): AuditInput => ({
  actor: { userId: `reviewer-${i % 7}`, roles: ['reviewer'] },
  action: i % 3 === 0 ? 'login' : 'approve',
  target: i % 3 === 0 ? undefined : `case-${i}`,
  from: { ip: `10.0.${i % 5}.${i % 250}`, userAgent: 'jest' },
  details: { i, replica },
});

describe('the audit log on the real database (FerretDB or MongoDB)', () => {
  const connections: Connection[] = [];

  /** Each call is its own connection pool: what a separate replica of the review service has. */
  async function connect(uri: string): Promise<mongo.Db> {
    const connection = await mongoose.createConnection(uri, { maxPoolSize: 10 }).asPromise();
    connections.push(connection);
    return connection.db!;
  }

  async function filledLog(n: number): Promise<{ uri: string; db: mongo.Db; log: AuditLog }> {
    const uri = freshDatabaseUri('audit');
    const db = await connect(uri);
    const log = new AuditLog(db);
    for (let i = 0; i < n; i++) await log.append(action(i));
    return { uri, db, log };
  }

  async function verifyCli(env: Record<string, string>, args: string[] = []): Promise<ChildService> {
    const cli = ChildService.start(distEntry('apps/review/src/audit/verify-main.js'), env, args);
    await cli.waitForExit(60_000);
    return cli;
  }

  afterAll(async () => {
    for (const connection of connections) {
      await connection.dropDatabase().catch(() => undefined); // several connections share a database
      await connection.close();
    }
  });

  it('keeps one gap-free chain while two replicas append 200 entries at once', async () => {
    const uri = freshDatabaseUri('audit');
    const replicas = [new AuditLog(await connect(uri)), new AuditLog(await connect(uri))];

    const appended = await Promise.all(Array.from({ length: 200 }, (_, i) => replicas[i % 2].append(action(i, i % 2 ? 'b' : 'a'))));

    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await replicas[1].verify()).toEqual({ ok: true, count: 200 });
    const stored = await replicas[0].list({ limit: 500 });
    expect(stored.map((e) => e.details?.i).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(stored).toEqual([...appended].sort((x, y) => y.seq - x.seq));
    // Within a replica, the promise queue keeps the caller's order.
    for (const replica of ['a', 'b']) {
      const order = stored.filter((e) => e.details?.replica === replica).reverse().map((e) => Number(e.details?.i));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('names an entry edited in the collection, and is intact again once the edit is undone', async () => {
    const { db, log } = await filledLog(20);
    const entries = db.collection<AuditEntry>(AUDIT_COLLECTION);
    expect(await log.verify()).toEqual({ ok: true, count: 20 });

    const original = (await entries.findOne({ seq: 7 }))!;
    await entries.updateOne({ seq: 7 }, { $set: { 'from.ip': '203.0.113.66' } });
    expect(await log.verify()).toMatchObject({ ok: false, count: 6, firstBroken: { seq: 7, reason: 'hash_mismatch' } });

    await entries.updateOne({ seq: 7 }, { $set: { from: original.from } });
    expect(await log.verify()).toEqual({ ok: true, count: 20 });
  });

  it('names the entry after a deleted one', async () => {
    const { db, log } = await filledLog(15);
    await db.collection(AUDIT_COLLECTION).deleteOne({ seq: 9 });
    expect(await log.verify()).toMatchObject({ ok: false, count: 8, firstBroken: { seq: 10, reason: 'seq_gap' } });
  });

  it('stores the entry of a replica that stopped between claiming it and storing it, and goes on after losing its bookkeeping', async () => {
    const { db, log } = await filledLog(5);
    // A replica claimed #6 and died before inserting it into the log.
    const [last] = await log.tail(1);
    const orphan = sealEntry(action(5, 'dead'), last);
    await db.collection(AUDIT_TIP_COLLECTION).insertOne({ _id: orphan.seq as never, entry: orphan });

    const next = await new AuditLog(db).append(action(6, 'other'));
    expect(next).toMatchObject({ seq: 7, prevHash: orphan.hash });
    expect((await log.tail(2)).map((e) => e.hash)).toEqual([orphan.hash, next.hash]);

    await db.collection(AUDIT_TIP_COLLECTION).drop();
    expect(await new AuditLog(db).append(action(7))).toMatchObject({ seq: 8, prevHash: next.hash });
    expect(await log.verify()).toEqual({ ok: true, count: 8 });
  });

  it('pages through the log newest first', async () => {
    const { log } = await filledLog(7);
    expect((await log.list({ limit: 3 })).map((e) => e.seq)).toEqual([7, 6, 5]);
    expect((await log.list({ limit: 3, beforeSeq: 5 })).map((e) => e.seq)).toEqual([4, 3, 2]);
    expect((await log.tail(2)).map((e) => e.seq)).toEqual([6, 7]);
  });

  describe('npm run audit:verify (the compiled CLI)', () => {
    it('exits 0 on an intact chain and 1 naming the first broken entry after tampering', async () => {
      const { uri, db } = await filledLog(12);
      const intact = await verifyCli({ MONGODB_URI: uri });
      expect(intact.output).toContain('audit chain ok: 12 entries');
      expect(intact.exitCode).toBe(0);

      await db.collection(AUDIT_COLLECTION).updateOne({ seq: 5 }, { $set: { action: 'override' } });
      const edited = await verifyCli({ MONGODB_URI: uri });
      expect(edited.output).toContain('audit chain broken at entry #5: hash_mismatch');
      expect(edited.output).toMatch(/entry #5: at \S+ actor reviewer-4 action override case-4/);
      expect(edited.exitCode).toBe(1);

      // The database named by --db, on a URI that names none.
      const name = new URL(uri.replace(/^mongodb:/, 'http:')).pathname.slice(1);
      const byName = await verifyCli({ MONGODB_URI: uri.replace(`/${name}`, '/') }, ['--db', name]);
      expect(byName.output).toContain('audit chain broken at entry #5');
      expect(byName.exitCode).toBe(1);
    });

    it.each([['http://127.0.0.1:27017/x'], ['mongodb://127.0.0.1:99999999/x']])('exits 78 naming MONGODB_URI when it is %s', async (uri) => {
      const cli = await verifyCli({ MONGODB_URI: uri });
      expect(cli.output).toContain('Invalid configuration: MONGODB_URI');
      expect(cli.exitCode).toBe(78);
    });

    it('exits 2, not 1, when it cannot reach the database: nothing was found broken', async () => {
      const cli = await verifyCli({ MONGODB_URI: 'mongodb://127.0.0.1:1/hitl_review' });
      expect(cli.output).toContain('could not check the audit chain');
      expect(cli.exitCode).toBe(2);
    });
  });
});
