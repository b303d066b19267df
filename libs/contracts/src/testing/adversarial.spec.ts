import { decodeEvent } from '../cloudevents';
import { ContractError } from '../errors';
import { ALL_TOPICS } from '../topics';
import { adversarialRecords } from './adversarial';

// The fuzzer's own promise, checked offline: every record it makes is refused by the contract,
// with the code it says (the end-to-end fuzz test then expects that code in each DLQ record).
describe.each(ALL_TOPICS)('adversarial records for %s', (topic) => {
  const records = adversarialRecords(topic, 1_000, 20261202);

  it('are each refused with the code they announce', () => {
    const wrong: string[] = [];
    for (const { kind, record, code } of records) {
      try {
        decodeEvent(topic, record);
        wrong.push(`${kind}: accepted`);
      } catch (error) {
        if (!(error instanceof ContractError) || error.code !== code) wrong.push(`${kind}: ${error instanceof ContractError ? error.code : String(error)}, announced ${code}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('cover every kind, duplicates included', () => {
    const kinds = new Set(records.map((r) => r.kind.replace(/ \(duplicate\)$/, '').replace(/^ce_\w+ (empty|missing)$/, 'header').replace(/^a forged (ce_time|content-type)$/, 'forged')));
    for (const kind of ['garbage bytes', 'invalid UTF-8', 'JSON that is not an object', 'a field of the wrong type', 'a required field missing', 'an unknown version', 'a forged specversion', 'a foreign event type', 'header', 'forged', 'no key', "a key that is not the event's"]) expect(kinds).toContain(kind);
    expect(records.filter((r) => r.kind.endsWith('(duplicate)'))).toHaveLength(100);
  });
});
