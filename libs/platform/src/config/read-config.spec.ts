import { ConfigError } from './config-error';
import { readConfig } from './read-config';
import { serviceEnvSchema } from './service-config';
import { topicsEnvSchema } from './topics-config';

const schema = serviceEnvSchema({ name: 'scoring', httpPort: 3001 });

function problemsOf(env: NodeJS.ProcessEnv, s: Parameters<typeof readConfig>[0] = schema): { variable: string; message: string }[] {
  try {
    readConfig(s, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('service configuration', () => {
  it('has working defaults for a local run', () => {
    const config = readConfig(schema, {});
    expect(config).toMatchObject({
      SERVICE_NAME: 'scoring',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      MONGODB_URI: 'mongodb://127.0.0.1:27017/hitl_scoring',
      HTTP_PORT: 3001,
      TOPIC_PREFIX: '',
      SHUTDOWN_TIMEOUT_MS: 25_000,
    });
  });

  it('parses a broker list and numbers', () => {
    const config = readConfig(schema, { KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092', HTTP_PORT: '8080', CONSUMER_RETRY_MAX_ATTEMPTS: '7' });
    expect(config.KAFKA_BROKERS).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.CONSUMER_RETRY_MAX_ATTEMPTS).toBe(7);
  });

  it("takes the service's own default concurrency, which the environment overrides", () => {
    expect(readConfig(schema, {}).CONSUMER_CONCURRENCY).toBe(2);
    const hop = serviceEnvSchema({ name: 'routing', httpPort: 3002, consumerConcurrency: 12 });
    expect(readConfig(hop, {}).CONSUMER_CONCURRENCY).toBe(12);
    expect(readConfig(hop, { CONSUMER_CONCURRENCY: '3' }).CONSUMER_CONCURRENCY).toBe(3);
  });

  it('treats an empty variable as unset', () => {
    expect(readConfig(schema, { TOPIC_PREFIX: '  ' }).TOPIC_PREFIX).toBe('');
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost', /host:port.*"localhost"/],
    ['KAFKA_BROKERS', 'a:9092,b:99999', /"b:99999"/],
    ['MONGODB_URI', 'postgres://x', /mongodb:\/\//],
    ['HTTP_PORT', 'eighty', /port/],
    ['HTTP_PORT', '70000', /0\.\.65535/],
    ['CONSUMER_RETRY_MAX_ATTEMPTS', '0', />= 1/],
    ['SHUTDOWN_TIMEOUT_MS', '-5', />= 1/],
    ['TOPIC_PREFIX', 'bad prefix!', /letters, digits/],
    ['LOG_LEVEL', 'loud', /./],
  ])('rejects %s=%s naming the variable', (variable, value, message) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe(variable);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].message).toContain(JSON.stringify(value.trim()));
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ KAFKA_BROKERS: 'x', HTTP_PORT: 'y' }).map((p) => p.variable).sort()).toEqual(['HTTP_PORT', 'KAFKA_BROKERS']);
  });

  it('names the variable in the error message', () => {
    expect(() => readConfig(schema, { KAFKA_BROKERS: 'nope' })).toThrow(/^Invalid configuration: KAFKA_BROKERS: /);
  });
});

describe('topics configuration', () => {
  it('defaults to 6 partitions and replication factor 1', () => {
    expect(readConfig(topicsEnvSchema, {})).toMatchObject({ KAFKA_TOPIC_PARTITIONS: 6, KAFKA_REPLICATION_FACTOR: 1 });
  });

  it('rejects a negative partition count naming the variable', () => {
    expect(problemsOf({ KAFKA_TOPIC_PARTITIONS: '-3' }, topicsEnvSchema)[0].variable).toBe('KAFKA_TOPIC_PARTITIONS');
  });
});
