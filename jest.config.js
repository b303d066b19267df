
// One jest, three tiers. unit: pure rules, no infrastructure. integration/e2e: the real
// broker and the real database (started by scripts/test.sh or given by KAFKA_BROKERS /
// MONGODB_URI); they run in band because the machine has two cores and one broker.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = {
  '^@hitl/(contracts|messaging|platform|testing|policy|trust)$': '<rootDir>/libs/$1/src/index.ts',
  '^@hitl/platform/tracing$': '<rootDir>/libs/platform/src/tracing.ts',
  '^@hitl/contracts/testing$': '<rootDir>/libs/contracts/src/testing/index.ts',
};
const base = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      testEnvironment: '<rootDir>/libs/testing/src/node-environment.cjs',
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup-infra-tests.ts'],
      slowTestThreshold: 30,
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      testEnvironment: '<rootDir>/libs/testing/src/node-environment.cjs',
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup-infra-tests.ts'],
    },
  ],
};
