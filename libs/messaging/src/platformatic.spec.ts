/**
 * @jest-environment ./libs/testing/src/node-environment.cjs
 */
import { producerRetryDelay } from './platformatic';

// The errors are the client's own classes, built as its AddPartitionsToTxn response handling
// builds them (ResponseError of ProtocolErrors). The package is ESM only, which jest's module
// registry cannot load: the test environment loads it with Node's require (no broker needed).
const lib = (globalThis as { __hitlPlatformaticKafkaLibrary?: unknown }).__hitlPlatformaticKafkaLibrary as {
  ResponseError: new (apiKey: number, apiVersion: number, errors: Record<string, [number, string | null]>, response: unknown) => Error;
  NetworkError: new (message: string) => Error;
};
const ADD_PARTITIONS_TO_TXN = 24;
const answered = (code: number) => new lib.ResponseError(ADD_PARTITIONS_TO_TXN, 3, { '/results_by_topic_v3_and_below/0/results_by_partition/0': [code, null] }, {});

describe("the transactional producer's retry delay on @platformatic/kafka", () => {
  it('retries CONCURRENT_TRANSACTIONS (the previous commit still writing its markers) after 10 ms, doubling to at most 200 ms', () => {
    const concurrent = answered(51);
    expect([1, 2, 3, 4, 5, 6, 8].map((attempt) => producerRetryDelay(undefined, 'addPartitionsToTransaction', attempt, 8, concurrent))).toEqual([10, 20, 40, 80, 160, 200, 200]);
  });

  it('keeps 200 ms for every other error', () => {
    expect(producerRetryDelay(undefined, 'send', 1, 8, answered(6 /* NOT_LEADER_OR_FOLLOWER */))).toBe(200);
    expect(producerRetryDelay(undefined, 'send', 1, 8, new lib.NetworkError('Connection closed'))).toBe(200);
    expect(producerRetryDelay(undefined, 'send', 1, 8, new Error('not one of the client\'s'))).toBe(200);
    expect(producerRetryDelay(undefined, 'send', 1, 8, undefined)).toBe(200);
  });
});
