import fc from 'fast-check';
import { encodeEvent, maxEventBytes, type KafkaRecord } from '../cloudevents';
import { ContractError, type ContractErrorCode } from '../errors';
import { contractFor } from '../registry';
import type { TopicName } from '../topics';
import { parseEvent } from '../validate';
import { arbitraryEvent } from './arbitraries';

/** A record no consumer may accept, and why: the code it must be dead-lettered with. */
export interface AdversarialRecord {
  kind: string;
  record: KafkaRecord;
  /** The ContractError code a consumer must give it (its dlq_error_code). */
  code: ContractErrorCode;
}

const invalidPayload = (topic: TopicName, data: unknown): boolean => {
  try {
    parseEvent(topic, data);
    return false;
  } catch (error) {
    return error instanceof ContractError;
  }
};

/** Values of every JSON type, to put where the schema wants another. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(-1),
  fc.string({ maxLength: 40 }),
  fc.constant(''),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/**
 * Malformed and adversarial records for a topic: garbage and invalid UTF-8, JSON that is not the
 * event (a field of the wrong type, a required field missing, arrays and numbers at the root),
 * values over the size limit, unknown event versions and foreign types, missing or forged
 * CloudEvents headers, missing and wrong keys, and exact duplicates of all of these. Every one is
 * checked here against the contract, so each is certainly refused and its code is known.
 */
export function adversarialRecord(topic: TopicName): fc.Arbitrary<AdversarialRecord> {
  const contract = contractFor(topic);
  const valid = arbitraryEvent(topic).map((data) => ({ data: data as Record<string, unknown>, record: encodeEvent(topic, data as never, { source: 'fuzz/producer' }) }));
  const withHeaders = (record: KafkaRecord, changes: Record<string, string | undefined>): KafkaRecord => {
    const headers = { ...record.headers };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    return { ...record, headers };
  };
  const json = (record: KafkaRecord, data: unknown): KafkaRecord => ({ ...record, value: Buffer.from(JSON.stringify(data), 'utf8') });

  const garbage = fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 2_000 })).map(([v, bytes]) => {
    const value = Buffer.from(bytes);
    // Random bytes that happen to be JSON (a bare number) are still not the event.
    let code: ContractErrorCode = 'MALFORMED_JSON';
    try {
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
      code = 'INVALID_PAYLOAD';
    } catch {
      // not UTF-8, or not JSON
    }
    return { kind: 'garbage bytes', record: { ...v.record, value }, code };
  });
  const badUtf8 = valid.map((v) => {
    const text = v.record.value!;
    // An overlong encoding inside the JSON: a lenient decoder would read it as a character.
    const value = Buffer.concat([text.subarray(0, text.length - 1), Buffer.from([0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])]);
    return { kind: 'invalid UTF-8', record: { ...v.record, value }, code: 'MALFORMED_JSON' as const };
  });
  const rootNotObject = fc.tuple(valid, fc.constantFrom('[]', '42', '"x"', 'null', 'true', '[{"caseId":"x"}]')).map(([v, text]) => ({ kind: 'JSON that is not an object', record: { ...v.record, value: Buffer.from(text) }, code: 'INVALID_PAYLOAD' as const }));
  const wrongType = fc
    .tuple(valid, fc.nat(), wrongValue)
    .map(([v, i, value]) => {
      const keys = Object.keys(v.data);
      const key = keys[i % keys.length];
      return { v, data: { ...v.data, [key]: value } };
    })
    .filter(({ data }) => invalidPayload(topic, data))
    .map(({ v, data }) => ({ kind: 'a field of the wrong type', record: json(v.record, data), code: 'INVALID_PAYLOAD' as const }));
  const missing = fc
    .tuple(valid, fc.nat())
    .map(([v, i]) => {
      const keys = Object.keys(v.data);
      const data = { ...v.data };
      delete data[keys[i % keys.length]];
      return { v, data };
    })
    .filter(({ data }) => invalidPayload(topic, data))
    .map(({ v, data }) => ({ kind: 'a required field missing', record: json(v.record, data), code: 'INVALID_PAYLOAD' as const }));
  const oversized = valid.map((v) => ({ kind: 'over the size limit', record: json(v.record, { ...v.data, padding: 'x'.repeat(maxEventBytes(topic)) }), code: 'TOO_LARGE' as const }));
  const version = fc.tuple(valid, fc.integer({ min: 2, max: 99 })).map(([v, n]) => ({ kind: 'an unknown version', record: withHeaders(v.record, { ce_type: contract.type.replace(/\.v1$/, `.v${n}`) }), code: 'UNKNOWN_VERSION' as const }));
  const specversion = fc.tuple(valid, fc.constantFrom('0.3', '2.0', '', ' 1.0')).map(([v, s]) => ({ kind: 'a forged specversion', record: withHeaders(v.record, { ce_specversion: s }), code: (s === '' ? 'MISSING_HEADER' : 'UNKNOWN_VERSION') as ContractErrorCode }));
  const foreign = fc.tuple(valid, fc.constantFrom('com.example.order.created', 'dev.hitl.unknown.v1', 'x')).map(([v, type]) => ({ kind: 'a foreign event type', record: withHeaders(v.record, { ce_type: type }), code: 'UNKNOWN_TYPE' as const }));
  const headerGone = fc
    .tuple(valid, fc.constantFrom('ce_id', 'ce_source', 'ce_time', 'ce_specversion'), fc.boolean())
    .map(([v, name, empty]) => ({ kind: `${name} ${empty ? 'empty' : 'missing'}`, record: withHeaders(v.record, { [name]: empty ? '' : undefined }), code: 'MISSING_HEADER' as const }));
  const forgedHeader = fc
    .tuple(valid, fc.constantFrom<[string, string]>(['ce_time', 'noon'], ['ce_time', '2026-13-45T99:00:00Z'], ['content-type', 'application/avro'], ['content-type', 'text/plain']))
    .map(([v, [name, value]]) => ({ kind: `a forged ${name}`, record: withHeaders(v.record, { [name]: value }), code: 'MISSING_HEADER' as const }));
  const keyless = valid.map((v) => ({ kind: 'no key', record: { ...v.record, key: null }, code: 'MISSING_KEY' as const }));
  const wrongKey = fc.tuple(valid, fc.string({ minLength: 1, maxLength: 30 })).filter(([v, key]) => key !== v.record.key).map(([v, key]) => ({ kind: 'a key that is not the event\'s', record: { ...v.record, key }, code: 'KEY_MISMATCH' as const }));

  return fc.oneof(
    { weight: 150, arbitrary: garbage },
    { weight: 50, arbitrary: badUtf8 },
    { weight: 50, arbitrary: rootNotObject },
    { weight: 200, arbitrary: wrongType },
    { weight: 200, arbitrary: missing },
    // Rare (1 in ~1,000): each is as large as the limit allows, and a 10k run must not ship gigabytes.
    { weight: 1, arbitrary: oversized },
    { weight: 50, arbitrary: version },
    { weight: 50, arbitrary: specversion },
    { weight: 50, arbitrary: foreign },
    { weight: 100, arbitrary: headerGone },
    { weight: 50, arbitrary: forgedHeader },
    { weight: 50, arbitrary: keyless },
    { weight: 50, arbitrary: wrongKey },
  );
}

/** `count` adversarial records, every tenth an exact copy of an earlier one (same id, bytes, headers). */
export function adversarialRecords(topic: TopicName, count: number, seed: number): AdversarialRecord[] {
  const fresh = fc.sample(adversarialRecord(topic), { numRuns: count, seed });
  return fresh.map((r, i) => (i % 10 === 9 ? { ...fresh[i - 5], kind: `${fresh[i - 5].kind} (duplicate)` } : r));
}
