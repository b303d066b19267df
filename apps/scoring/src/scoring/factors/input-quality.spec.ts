import { rulesFor } from '@hitl/policy';
import { loadPolicy } from '@hitl/policy';
import { inputQuality } from './input-quality';

const policy = loadPolicy(undefined, {});
const refund = rulesFor(policy, 'refund'); // required: orderId, reason
const loan = rulesFor(policy, 'loan_decision'); // required: applicationId, debtToIncome (numeric), creditScore (numeric)

describe('inputQuality: share of required fields present and valid', () => {
  it.each<[string, Record<string, unknown>, number, string[]]>([
    ['all present', { orderId: 'O-1', reason: 'Wrong size' }, 1, []],
    ['one missing', { orderId: 'O-1' }, 0.5, ['reason']],
    ['blank text', { orderId: 'O-1', reason: '   ' }, 0.5, ['reason']],
    ['null', { orderId: null, reason: 'x' }, 0.5, ['orderId']],
    ['empty array', { orderId: [], reason: 'x' }, 0.5, ['orderId']],
    ['empty object', { orderId: {}, reason: 'x' }, 0.5, ['orderId']],
    ['none present', {}, 0, ['orderId', 'reason']],
  ])('refund, %s → %p', (_what, input, value, missing) => {
    expect(inputQuality(input, refund)).toEqual({ value, missing });
  });

  it.each<[string, Record<string, unknown>, number, string[]]>([
    ['numbers', { applicationId: 'LN-1', debtToIncome: 0.28, creditScore: 700 }, 1, []],
    ['zero is a value', { applicationId: 'LN-1', debtToIncome: 0, creditScore: 700 }, 1, []],
    ['a numeric field as text', { applicationId: 'LN-1', debtToIncome: '0.28', creditScore: 700 }, 2 / 3, ['debtToIncome']],
    ['NaN', { applicationId: 'LN-1', debtToIncome: 0.2, creditScore: Number.NaN }, 2 / 3, ['creditScore']],
  ])('loan_decision, %s → %p', (_what, input, value, missing) => {
    expect(inputQuality(input, loan)).toEqual({ value, missing });
  });

  it('false is a present value', () => {
    const rules = { ...refund, inputs: { ...refund.inputs, requiredFields: ['goodsReturned'] } };
    expect(inputQuality({ goodsReturned: false }, rules).value).toBe(1);
  });

  it('is 1 when the category requires nothing', () => {
    expect(inputQuality({}, rulesFor(policy, 'status_update'))).toEqual({ value: 1, missing: [] });
  });

  it('reads nested required fields', () => {
    const rules = { ...refund, inputs: { ...refund.inputs, requiredFields: ['request.reason', 'customer.id'] } };
    expect(inputQuality({ request: { reason: 'x' }, customer: {} }, rules)).toEqual({ value: 0.5, missing: ['customer.id'] });
  });
});
