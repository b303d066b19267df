import { z } from 'zod';
import { ContractError, formatPath, formatZodError } from './errors';

describe('formatPath', () => {
  it('uses dots for keys and [n] for array indices', () => {
    expect(formatPath(['score', 'factors', 'inputQuality', 'value'])).toBe('score.factors.inputQuality.value');
    expect(formatPath(['approvers', 0, 'role'])).toBe('approvers[0].role');
    expect(formatPath([3])).toBe('[3]');
    expect(formatPath([])).toBe('');
  });

  it('quotes keys that are not identifiers', () => {
    expect(formatPath(['input', 'order id', 'x'])).toBe('input["order id"].x');
  });
});

describe('formatZodError', () => {
  const schema = z.object({ probability: z.number().max(1), items: z.array(z.object({ n: z.number().int() })) });

  it('gives readable issues and one message naming the subject', () => {
    const result = schema.safeParse({ probability: 2, items: [{ n: 1 }, { n: 1.5 }] });
    const { message, issues } = formatZodError(result.error!, 'prediction.submitted v1');
    expect(issues).toEqual([
      { path: 'probability', message: 'Too big: expected number to be <=1' },
      { path: 'items[1].n', message: 'Invalid input: expected int, received number' },
    ]);
    expect(message).toMatch(/^invalid prediction\.submitted v1: probability: Too big: expected number to be <=1; items\[1\]\.n: /);
  });

  it('names the root and caps the message, not the issues', () => {
    expect(formatZodError(schema.safeParse('x').error!).message).toMatch(/^invalid payload: \(root\): /);
    const many = z.array(z.string()).safeParse(Array.from({ length: 15 }, () => 1));
    const { message, issues } = formatZodError(many.error!);
    expect(issues).toHaveLength(15);
    expect(message).toMatch(/\(and 5 more\)$/);
  });
});

describe('ContractError', () => {
  it('carries a stable code and is an Error', () => {
    const error = new ContractError('KEY_MISMATCH', 'wrong key');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ContractError');
    expect(error.code).toBe('KEY_MISMATCH');
    expect(error.issues).toEqual([]);
  });
});
