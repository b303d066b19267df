import { randomBytes } from 'node:crypto';

/** Where the real infrastructure is: scripts/test.sh exports these after starting the stack. */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

export function testMongoBaseUri(): string {
  return process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
}

/** A short random suffix: fresh topics, groups and databases per test file (kafkajs' secureRandom). */
export function secureRandom(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** Every topic and database a test run makes carries this run's id, so the run can remove them. */
export function testRunId(): string {
  process.env.HITL_TEST_RUN ??= secureRandom(3);
  return process.env.HITL_TEST_RUN;
}

/** A fresh topic prefix (`test-<run>-<random>.`): each test gets topics nobody else uses. */
export function testTopicPrefix(): string {
  return `test-${testRunId()}-${secureRandom(3)}.`;
}

/**
 * A fresh database URI named test_<random>. Refuses to produce anything else: a test must
 * never write into a database a service or a person uses.
 */
export function freshDatabaseUri(label = 'db'): string {
  const base = new URL(testMongoBaseUri().replace(/^mongodb(\+srv)?:/, 'http:'));
  const name = `test_${testRunId()}_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${secureRandom(3)}`;
  const scheme = testMongoBaseUri().startsWith('mongodb+srv:') ? 'mongodb+srv:' : 'mongodb:';
  return `${scheme}//${base.host}/${name}${base.search}`;
}

export function assertTestDatabase(uri: string): void {
  const name = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.slice(1);
  if (!name.startsWith('test_')) throw new Error(`refusing to use non-test database "${name}" in a test`);
}
