// npm run audit:verify [-- --db <name>]: checks the review service's audit chain.
// Reads MONGODB_URI; its database is used when it names one, else hitl_review (the name
// scripts/start.sh gives the review service's database); --db <name> overrides both.
// Exit codes: 0 intact, 1 broken (the first broken entry is named), 2 could not check
// (database unreachable, …), 78 bad MONGODB_URI or arguments.
import { ConfigError, EXIT_CONFIG, mongoUri, readConfig, withDatabase } from '@hitl/platform';
import { mongo } from 'mongoose';
import { z } from 'zod';
import { AUDIT_COLLECTION, AuditLog } from './audit-log';
import type { BrokenEntry } from './audit-entry';

const NAME = 'audit:verify';
const SERVICE_DATABASE = 'hitl_review';

/** The URI of the database to check, or a ConfigError naming what is wrong. */
export function auditDatabaseUri(env: NodeJS.ProcessEnv, args: string[]): string {
  const { MONGODB_URI: uri } = readConfig(z.object({ MONGODB_URI: mongoUri.default(`mongodb://127.0.0.1:27017/${SERVICE_DATABASE}`) }), env);
  const [flag, db, ...rest] = args;
  if ((flag !== undefined && flag !== '--db') || rest.length > 0) {
    throw new ConfigError([{ variable: 'arguments', message: `unexpected ${JSON.stringify(args.join(' '))} (usage: audit:verify [--db <name>])` }]);
  }
  if (flag && !/^[A-Za-z0-9_-]{1,63}$/.test(db ?? '')) throw new ConfigError([{ variable: '--db', message: 'expected a database name (letters, digits, _ or -)' }]);
  const named = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]+)/.exec(uri)?.[1];
  return db || !named ? withDatabase(uri, db ?? SERVICE_DATABASE) : uri;
}

export function describeBroken(broken: BrokenEntry): string {
  const { entry } = broken;
  const who = entry.actor?.userId ?? '(no user)';
  const what = [entry.action, entry.target].filter(Boolean).join(' ');
  return `audit chain broken at entry #${broken.seq}: ${broken.reason}: ${broken.message}\n  entry #${broken.seq}: at ${entry.at} actor ${who} action ${what}`;
}

async function main(): Promise<number> {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  try {
    // The driver parses the URI and checks the database name here, without connecting: anything
    // it rejects is configuration, while an unreachable server shows up later, as an outage.
    client = new mongo.MongoClient(auditDatabaseUri(process.env, process.argv.slice(2)), { serverSelectionTimeoutMS: 5_000 });
    db = client.db();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Invalid configuration: MONGODB_URI: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${NAME}: ${message}\n`);
    return EXIT_CONFIG;
  }
  try {
    const result = await new AuditLog(db).verify();
    const where = `${db.databaseName}.${AUDIT_COLLECTION}`;
    if (!result.ok) {
      process.stdout.write(`${describeBroken(result.firstBroken)}\n  (${result.count} intact entries before it, in ${where})\n`);
      return 1;
    }
    process.stdout.write(`audit chain ok: ${result.count} entries (${where})\n`);
    if (result.count === 0) process.stderr.write(`${NAME}: ${where} is empty; is this the review service's database? (--db <name>)\n`);
    return 0;
  } finally {
    await client.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${NAME}: could not check the audit chain: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
