import type { Trigger } from '@hitl/contracts';
import { defaultPolicy } from './testing/default-policy';
import { detectTriggers, type TriggerSource } from './triggers';

const quiet: TriggerSource = {
  reasoning: 'Customer is within the return window, has positive history, and the reason matches a valid return category.',
  input: { orderId: 'ORD-1', reason: 'Sound quality not as expected' },
  tags: [],
};
const detect = (changes: Partial<TriggerSource>) => detectTriggers({ ...quiet, ...changes }, defaultPolicy());

describe('detectTriggers', () => {
  it('finds nothing in an ordinary case', () => {
    expect(detect({})).toEqual([]);
  });

  it.each([
    ['fraud_suspected'],
    ['legal_risk'],
    ['safety_concern'],
  ])('critical flag %s from its tag', (flag) => {
    expect(detect({ tags: ['returning_customer', flag] })).toEqual([{ kind: 'critical_flag', name: flag, detail: `tag ${flag}` }]);
  });

  it('a vip tag is the vip_customer context trigger', () => {
    expect(detect({ tags: ['vip'] })).toEqual([{ kind: 'context', name: 'vip_customer', detail: 'tag vip' }]);
  });

  // [keyword as written by a customer, trigger]
  it.each([
    ['We will take legal action if this is not fixed.', 'legal_action', '"legal action"'],
    ['I have filed a LAWSUIT against you', 'legal_action', '"lawsuit"'],
    ['my lawyer will call', 'legal_action', '"lawyer"'],
    ['Our lawyers are reviewing it', 'legal_action', '"lawyer"'],
    ['the attorney general was informed', 'legal_action', '"attorney"'],
    ['I will take legal steps', 'legal_action', '"take legal"'],
    ['A journalist asked us about this post', 'media_exposure', '"journalist"'],
    ['a Reporter from the Times called', 'media_exposure', '"reporter"'],
    ['we will go to the press', 'media_exposure', '"press"'],
    ['this will be a news story tomorrow', 'media_exposure', '"news story"'],
    ['posted all over social media', 'media_exposure', '"media"'],
  ])('%j fires %s', (text, name, phrase) => {
    const [trigger] = detect({ input: { orderId: 'ORD-1', note: text } });
    expect(trigger).toEqual({ kind: 'context', name, detail: expect.stringContaining(`${phrase} in input.note`) });
  });

  it('searches the reasoning too, and phrases across line breaks', () => {
    expect(detect({ reasoning: 'Claimant says they will take\nlegal   action.' })).toEqual([
      { kind: 'context', name: 'legal_action', detail: '"legal action" in reasoning; "take legal" in reasoning' },
    ]);
  });

  it('searches nested objects and arrays of input and says where it matched', () => {
    const input = { customer: { notes: ['fine', { text: 'Talked to a journalist' }] } };
    expect(detect({ input })).toEqual([{ kind: 'context', name: 'media_exposure', detail: '"journalist" in input.customer.notes[1].text' }]);
  });

  it.each([
    ['expressed disappointment', 'press inside a word'],
    ['an intermediate step', 'media inside a word'],
    ['a suedeshoe lawsuitable', 'lawsuit inside a word'],
  ])('no false positive: %j (%s)', (text) => {
    expect(detect({ input: { note: text } })).toEqual([]);
  });

  it.each([
    'Sound quality not as expected; customer pressure is low',
    'Photos match the reported damage; policy active; amount within typical range.',
    'Legally the return window is 30 days', // "legal" alone is not "legal action"
    'Debt-to-income 28%, stable employment 4 years',
  ])('no false positive on unrelated text: %j', (reasoning) => {
    expect(detect({ reasoning })).toEqual([]);
  });

  it('one trigger per name with every match listed, critical flags first', () => {
    const triggers: Trigger[] = detect({
      tags: ['vip', 'fraud_suspected'],
      reasoning: 'Lawyer involved.',
      input: { a: 'lawsuit pending', b: 'a reporter called' },
    });
    expect(triggers).toEqual([
      { kind: 'critical_flag', name: 'fraud_suspected', detail: 'tag fraud_suspected' },
      { kind: 'context', name: 'legal_action', detail: '"lawyer" in reasoning; "lawsuit" in input.a' },
      { kind: 'context', name: 'media_exposure', detail: '"reporter" in input.b' },
      { kind: 'context', name: 'vip_customer', detail: 'tag vip' },
    ]);
  });

  it('ignores numbers, booleans and keys; reads only string values', () => {
    expect(detect({ input: { lawsuit: true, press: 3 } })).toEqual([]);
  });

  it('stays within bounds on a pathological input', () => {
    let deep: Record<string, unknown> = { note: 'lawsuit' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(detect({ input: deep })).toEqual([]); // too deep to read
    const many = { items: Array.from({ length: 5_000 }, (_, i) => (i === 4_999 ? 'lawsuit' : 'fine')) };
    expect(detect({ input: many })).toEqual([]); // past the string budget
    const long = { note: 'lawsuit '.repeat(1_000) };
    const [trigger] = detect({ input: long });
    expect(trigger.detail).toBe('"lawsuit" in input.note');
  });
});
