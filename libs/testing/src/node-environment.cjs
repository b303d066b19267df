// The jest environment of the integration and e2e tests: jest's node environment, plus, unless
// the suite runs on kafkajs (KAFKA_CLIENT=kafkajs), @platformatic/kafka loaded by Node itself.
// It is ESM only, which jest's module registry (CommonJS) refuses; Node 22 loads it with
// require(). The messaging lib picks it up from the test global (libs/messaging/src/platformatic.ts).
const { TestEnvironment } = require('jest-environment-node');

class HitlEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const platformatic = require('@platformatic/kafka');
    // The data path's client, unless the suite runs on kafkajs.
    if (process.env.KAFKA_CLIENT !== 'kafkajs') this.global.__hitlPlatformaticKafka = platformatic;
    // For tests of the client itself (its error classes, say), whichever client the suite runs on.
    this.global.__hitlPlatformaticKafkaLibrary = platformatic;
  }
}

module.exports = HitlEnvironment;
