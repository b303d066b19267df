import { execFileSync } from 'node:child_process';

/**
 * Where a Docker engine exists, the integration and e2e tests can run against containers
 * instead of the local stack: HITL_TESTCONTAINERS=1 selects it, =auto uses it when `docker info`
 * answers. The default (and the only path this project's machines can run) is the local stack.
 */
export function containersWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const mode = env.HITL_TESTCONTAINERS ?? '0';
  if (mode === '1' || mode === 'true') return true;
  if (mode !== 'auto') return false;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export interface StartedInfra {
  brokers: string;
  mongoUri: string;
  stop(): Promise<void>;
}

/** Kafka (KRaft) and MongoDB 7 containers; images overridable by HITL_KAFKA_IMAGE / HITL_MONGO_IMAGE. */
export async function startContainers(env: NodeJS.ProcessEnv = process.env): Promise<StartedInfra> {
  // Loaded lazily: the default path never needs the Docker client libraries.
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer(env.HITL_KAFKA_IMAGE ?? 'confluentinc/cp-kafka:7.9.1').withKraft().start(),
    new MongoDBContainer(env.HITL_MONGO_IMAGE ?? 'mongo:7.0').start(),
  ]);
  return {
    brokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    mongoUri: mongo.getConnectionString(),
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}
