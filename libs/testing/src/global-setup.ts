import { Socket } from 'node:net';
import { containersWanted, startContainers, type StartedInfra } from './containers';
import { testBrokers, testMongoBaseUri, testRunId } from './infra';

function reachable(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

declare global {
  var __hitlContainers: StartedInfra | undefined;
}

/** Integration and e2e tests need the real broker and database; say so plainly if absent. */
export default async function globalSetup(): Promise<void> {
  testRunId(); // fixed here, inherited by every worker and spawned service, read by the teardown
  if (containersWanted() && !globalThis.__hitlContainers) {
    globalThis.__hitlContainers = await startContainers();
    // Workers and the services the tests spawn inherit these.
    process.env.KAFKA_BROKERS = globalThis.__hitlContainers.brokers;
    process.env.MONGODB_URI = globalThis.__hitlContainers.mongoUri;
  }
  const [host, port] = testBrokers()[0].split(':');
  const mongo = new URL(testMongoBaseUri().replace(/^mongodb(\+srv)?:/, 'http:'));
  const problems: string[] = [];
  if (!(await reachable(host, Number(port)))) problems.push(`Kafka at ${host}:${port}`);
  if (!(await reachable(mongo.hostname, Number(mongo.port || 27017)))) problems.push(`the database at ${mongo.host}`);
  if (problems.length > 0) {
    throw new Error(
      `Integration tests need ${problems.join(' and ')}. Run them through "npm test" (it starts the ` +
        `real stack), start it with "bash scripts/stack.sh start", or set KAFKA_BROKERS / MONGODB_URI.`,
    );
  }
}
