import fc from 'fast-check';
import { decodeEvent, encodeEvent, MAX_EVENT_BYTES, MAX_INTERNAL_EVENT_BYTES, type KafkaRecord } from './cloudevents';
import { ContractError, type ContractErrorCode } from './errors';
import { examples, exampleOf } from './examples';
import { contractFor } from './registry';
import { eventArbitraries } from './testing';
import { ALL_TOPICS, type TopicName } from './topics';

const source = 'scoring';

function codeOf(fn: () => unknown): ContractErrorCode {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.code;
    throw error;
  }
  throw new Error('expected a ContractError');
}

function encoded<K extends TopicName>(topic: K, extensions?: Record<string, string>): KafkaRecord {
  return encodeEvent(topic, examples[topic], { source, extensions });
}

function withHeaders(record: KafkaRecord, headers: Record<string, string | undefined>): KafkaRecord {
  const merged: Record<string, string> = { ...record.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return { ...record, headers: merged };
}

describe('encodeEvent → decodeEvent', () => {
  it.each(ALL_TOPICS)('round-trips arbitrary valid %s events', (topic) => {
    const timestamp = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2100-01-01') }).map((d) => d.toISOString());
    fc.assert(
      fc.property(eventArbitraries[topic], fc.uuid(), timestamp, (data, id, time) => {
        const record = encodeEvent(topic, data, { source, id, time });
        const envelope = decodeEvent(topic, record);
        expect(envelope.data).toEqual(data);
        expect(envelope).toMatchObject({ id, time, source, type: contractFor(topic).type, specversion: '1.0' });
        expect(envelope.subject).toBe(record.key);
      }),
      { numRuns: 150 },
    );
  });

  it('writes the binary-mode headers and the case id as key', () => {
    const record = encodeEvent('review.decided', examples['review.decided'], {
      source,
      id: 'evt-1',
      time: '2026-01-06T09:22:45.000Z',
      extensions: { partitionkey: 'rfnd-2026-000123' },
    });
    expect(record.key).toBe('rfnd-2026-000123');
    expect(record.headers).toEqual({
      ce_id: 'evt-1',
      ce_type: 'dev.hitl.review.decided.v1',
      ce_source: 'scoring',
      ce_specversion: '1.0',
      ce_time: '2026-01-06T09:22:45.000Z',
      ce_subject: 'rfnd-2026-000123',
      'content-type': 'application/json',
      ce_partitionkey: 'rfnd-2026-000123',
    });
    expect(JSON.parse(record.value!.toString('utf8'))).toEqual(examples['review.decided']);
    expect(decodeEvent('review.decided', record).extensions).toEqual({ partitionkey: 'rfnd-2026-000123' });
  });

  it('defaults the id to a fresh UUID and the time to now', () => {
    const a = encoded('decision.finalized');
    const b = encoded('decision.finalized');
    expect(a.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.ce_id).not.toBe(b.headers.ce_id);
    expect(Math.abs(Date.parse(a.headers.ce_time) - Date.now())).toBeLessThan(5_000);
  });

  it('keys calibration events by category', () => {
    expect(encoded('thresholds.calibrated').key).toBe('refund');
    expect(encoded('retraining.triggered').key).toBe('refund');
  });

  it('refuses to encode an event over its limit; a prediction at its limit still fits every later event', () => {
    const big = { ...exampleOf('prediction.submitted'), input: { notes: 'x'.repeat(MAX_EVENT_BYTES) } };
    expect(codeOf(() => encodeEvent('prediction.submitted', big, { source: 'hitl/test' }))).toBe('TOO_LARGE');
    // Just under the producer's limit: the scored form (the prediction plus its score) encodes.
    const largest = { ...exampleOf('prediction.submitted'), input: { notes: 'x'.repeat(MAX_EVENT_BYTES - 2_000) } };
    expect(encodeEvent('prediction.submitted', largest, { source: 'hitl/test' }).value!.length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const scored = { ...exampleOf('prediction.scored'), prediction: largest };
    expect(() => encodeEvent('prediction.scored', scored as never, { source: 'hitl/test' })).not.toThrow();
    expect(MAX_INTERNAL_EVENT_BYTES).toBeGreaterThan(2 * MAX_EVENT_BYTES);
  });

  it('refuses to encode an invalid event: a producer bug never reaches the wire', () => {
    const bad = { ...exampleOf('prediction.submitted'), probability: 3 };
    expect(codeOf(() => encodeEvent('prediction.submitted', bad, { source }))).toBe('INVALID_PAYLOAD');
  });

  it('writes the validated form: defaults applied, unknown fields dropped', () => {
    const { round: _round, ...first } = exampleOf('prediction.submitted');
    const input = { ...first, debug: true } as unknown as (typeof examples)['prediction.submitted'];
    const value = JSON.parse(encodeEvent('prediction.submitted', input, { source }).value!.toString('utf8'));
    expect(value.round).toBe(1);
    expect(value).not.toHaveProperty('debug');
  });

  it.each([
    ['an empty source', { source: '' }],
    ['an empty id', { source, id: '' }],
    ['a time that is not RFC 3339', { source, time: 'yesterday' }],
    ['an extension with an invalid name', { source, extensions: { 'trace-id': 'x' } }],
    ['an extension named like a core attribute', { source, extensions: { subject: 'x' } }],
  ])('rejects %s as a programming error', (_what, opts) => {
    expect(() => encodeEvent('review.decided', examples['review.decided'], opts)).toThrow(TypeError);
  });
});

describe('decodeEvent rejects', () => {
  const good = encoded('review.decided');

  it.each<[string, KafkaRecord, ContractErrorCode]>([
    ['malformed JSON', { ...good, value: Buffer.from('{"caseId": ') }, 'MALFORMED_JSON'],
    ['invalid UTF-8', { ...good, value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }, 'MALFORMED_JSON'],
    ['an empty value', { ...good, value: Buffer.alloc(0) }, 'MALFORMED_JSON'],
    ['a tombstone', { ...good, value: null }, 'MALFORMED_JSON'],
    ['a schema violation', { ...good, value: Buffer.from('{"caseId":"rfnd-2026-000123"}') }, 'INVALID_PAYLOAD'],
    ['another event type', withHeaders(good, { ce_type: 'dev.hitl.review.requested.v1' }), 'UNKNOWN_TYPE'],
    ['a foreign type', withHeaders(good, { ce_type: 'com.example.order.created' }), 'UNKNOWN_TYPE'],
    ['another version of the event', withHeaders(good, { ce_type: 'dev.hitl.review.decided.v2' }), 'UNKNOWN_VERSION'],
    ['another CloudEvents spec version', withHeaders(good, { ce_specversion: '0.3' }), 'UNKNOWN_VERSION'],
    ['a missing ce_type', withHeaders(good, { ce_type: undefined }), 'MISSING_HEADER'],
    ['a missing ce_id', withHeaders(good, { ce_id: undefined }), 'MISSING_HEADER'],
    ['an empty ce_source', withHeaders(good, { ce_source: '' }), 'MISSING_HEADER'],
    ['a missing ce_specversion', withHeaders(good, { ce_specversion: undefined }), 'MISSING_HEADER'],
    ['a missing ce_time', withHeaders(good, { ce_time: undefined }), 'MISSING_HEADER'],
    ['an unreadable ce_time', withHeaders(good, { ce_time: 'noon' }), 'MISSING_HEADER'],
    ['a non-JSON content type', withHeaders(good, { 'content-type': 'application/avro' }), 'MISSING_HEADER'],
    ['a missing key', { ...good, key: null }, 'MISSING_KEY'],
    ['an empty key', { ...good, key: '' }, 'MISSING_KEY'],
    ["a key that is not the case's", { ...good, key: 'rfnd-2026-999999' }, 'KEY_MISMATCH'],
    ['a value over its limit, even a valid one', { ...good, value: Buffer.from(JSON.stringify({ ...JSON.parse(good.value!.toString()), comment: 'x'.repeat(MAX_INTERNAL_EVENT_BYTES) })) }, 'TOO_LARGE'],
  ])('%s', (_what, record, code) => {
    expect(codeOf(() => decodeEvent('review.decided', record))).toBe(code);
  });

  it('reports where a payload is invalid', () => {
    const value = Buffer.from(JSON.stringify({ ...examples['review.decided'], action: 'override', reason: undefined }));
    try {
      decodeEvent('review.decided', { ...good, value });
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'reason' })]));
    }
  });

  it('plain JSON on a topic that requires CloudEvents', () => {
    const plain: KafkaRecord = { key: good.key, value: good.value, headers: {} };
    expect(codeOf(() => decodeEvent('review.decided', plain))).toBe('MISSING_HEADER');
  });
});

describe('decodeEvent accepts', () => {
  it('a JSON content type with parameters and upper-case header names', () => {
    const record = encoded('escalation.fired');
    const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k.toUpperCase(), v]));
    headers['CONTENT-TYPE'] = 'application/json; charset=utf-8';
    expect(decodeEvent('escalation.fired', { ...record, headers }).data).toEqual(examples['escalation.fired']);
  });

  it('a record without content type (the binding defaults to JSON)', () => {
    const record = withHeaders(encoded('escalation.fired'), { 'content-type': undefined });
    expect(decodeEvent('escalation.fired', record).datacontenttype).toBe('application/json');
  });
});

describe('plain JSON predictions', () => {
  const data = examples['prediction.submitted'];
  const plain = (value: Buffer, headers: Record<string, string> = {}): KafkaRecord => ({ key: data.predictionId, value, headers });

  it('are accepted with a stable id derived from key and bytes', () => {
    const value = Buffer.from(JSON.stringify(data));
    const first = decodeEvent('prediction.submitted', plain(value));
    const redelivered = decodeEvent('prediction.submitted', plain(Buffer.from(value), { 'content-type': 'application/json' }));
    expect(first.id).toMatch(/^plain:[0-9a-f]{64}$/);
    expect(redelivered.id).toBe(first.id);
    expect(first).toMatchObject({
      type: 'dev.hitl.prediction.submitted.v1',
      source: 'producer:refund-assistant',
      time: data.submittedAt,
      subject: data.predictionId,
      specversion: '1.0',
      extensions: {},
    });
    expect(first.data).toEqual(data);
  });

  it('get different ids for different content', () => {
    const a = decodeEvent('prediction.submitted', plain(Buffer.from(JSON.stringify(data))));
    const b = decodeEvent('prediction.submitted', plain(Buffer.from(JSON.stringify({ ...data, round: 2 }))));
    expect(a.id).not.toBe(b.id);
  });

  it('keep stable ids for arbitrary predictions', () => {
    fc.assert(
      fc.property(eventArbitraries['prediction.submitted'], (event) => {
        const value = Buffer.from(JSON.stringify(event));
        const record = { key: event.predictionId, value, headers: {} };
        const once = decodeEvent('prediction.submitted', record);
        expect(decodeEvent('prediction.submitted', { ...record, value: Buffer.from(value) }).id).toBe(once.id);
        expect(once.data).toEqual(event);
      }),
      { numRuns: 100 },
    );
  });

  it('are validated like any event', () => {
    expect(codeOf(() => decodeEvent('prediction.submitted', plain(Buffer.from('{"predictionId":1}'))))).toBe('INVALID_PAYLOAD');
    expect(codeOf(() => decodeEvent('prediction.submitted', plain(Buffer.from('not json'))))).toBe('MALFORMED_JSON');
    expect(codeOf(() => decodeEvent('prediction.submitted', { ...plain(Buffer.from(JSON.stringify(data))), key: 'other' }))).toBe('KEY_MISMATCH');
    expect(codeOf(() => decodeEvent('prediction.submitted', { ...plain(Buffer.from(JSON.stringify(data))), key: null }))).toBe('MISSING_KEY');
  });

  it('as CloudEvents too, with the producer’s own id', () => {
    const record = encodeEvent('prediction.submitted', data, { source: 'producer:refund-assistant', id: 'p-1' });
    expect(decodeEvent('prediction.submitted', record).id).toBe('p-1');
    const partial = withHeaders(record, { ce_id: undefined });
    expect(codeOf(() => decodeEvent('prediction.submitted', partial))).toBe('MISSING_HEADER');
  });
});
