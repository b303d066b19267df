import { ContractError } from '@hitl/contracts';
import { classifyError, NonRetriableError, RetriableError } from './errors';

describe('classifyError', () => {
  function named(name: string, extra: Record<string, unknown> = {}): Error {
    return Object.assign(new Error(name), { name, ...extra });
  }

  it.each<[string, unknown, 'retriable' | 'non-retriable']>([
    ['an invalid event', new ContractError('INVALID_PAYLOAD', 'bad'), 'non-retriable'],
    ['an explicit non-retriable error', new NonRetriableError('no'), 'non-retriable'],
    ['an explicit retriable error', new RetriableError('later'), 'retriable'],
    ['a lost database connection', named('MongoNetworkError'), 'retriable'],
    ['no database server selected', named('MongoServerSelectionError'), 'retriable'],
    ['a Kafka request timeout', named('KafkaJSRequestTimeoutError'), 'retriable'],
    ['a kafkajs error flagged non-retriable', named('KafkaJSNonRetriableError', { retriable: false }), 'non-retriable'],
    ['a programming error (TypeError)', new TypeError('x is undefined'), 'non-retriable'],
    ['an unknown failure', new Error('???'), 'retriable'],
    ['a thrown string', 'oops', 'retriable'],
  ])('%s is %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});
