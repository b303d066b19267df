import { createHash, randomUUID } from 'node:crypto';
import { ContractError } from './errors';
import { timestampField } from './events/fields';
import {
  CE_HEADER_PREFIX,
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventHeaders,
  JSON_CONTENT_TYPE,
} from './headers';
import { contractFor, EVENT_TYPE_PREFIX, type EventContract, type EventOf } from './registry';
import { Topics, type TopicName } from './topics';
import { parseEvent } from './validate';

/** A Kafka record as our contracts see it: header values already decoded to utf8 strings. */
export interface KafkaRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface EventEnvelope<T> {
  id: string;
  type: string;
  source: string;
  specversion: '1.0';
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: T;
  /** CloudEvents extension attributes (ce_<name> headers), by name without the prefix. */
  extensions: Record<string, string>;
}

export interface EncodeOptions {
  /** URI-reference of the emitting service, e.g. 'scoring'. */
  source: string;
  /** Defaults to a random UUID; derive it from the input to make a retried emit idempotent. */
  id?: string;
  /** Defaults to now. */
  time?: string;
  extensions?: Record<string, string>;
}

/** Attribute names the spec defines; an extension may not reuse them. */
const CORE_ATTRIBUTES = new Set([
  'id',
  'type',
  'source',
  'specversion',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'data',
]);
/** The spec's advice for extension names; also keeps header names predictable. */
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

/**
 * Encodes an event in binary content mode. The data is validated first: a producer bug must
 * fail here, in the producer's own stack trace, and never reach the wire.
 */
export function encodeEvent<K extends TopicName>(topic: K, data: EventOf<K>, opts: EncodeOptions): KafkaRecord {
  const contract = contractFor(topic);
  const event = parseEvent(topic, data);
  const key = contract.key(event);
  const id = opts.id ?? randomUUID();
  const time = opts.time ?? new Date().toISOString();
  if (!id) throw new TypeError('CloudEvents id must not be empty');
  if (!opts.source) throw new TypeError('CloudEvents source must not be empty');
  if (!timestampField.safeParse(time).success) throw new TypeError(`CloudEvents time ${JSON.stringify(time)} is not RFC 3339`);

  const headers: Record<string, string> = {
    [CloudEventHeaders.id]: id,
    [CloudEventHeaders.type]: contract.type,
    [CloudEventHeaders.source]: opts.source,
    [CloudEventHeaders.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CloudEventHeaders.time]: time,
    [CloudEventHeaders.subject]: key,
    [CloudEventHeaders.contentType]: JSON_CONTENT_TYPE,
  };
  for (const [name, value] of Object.entries(opts.extensions ?? {})) {
    if (!EXTENSION_NAME.test(name) || CORE_ATTRIBUTES.has(name)) {
      throw new TypeError(`invalid CloudEvents extension name ${JSON.stringify(name)}`);
    }
    headers[CE_HEADER_PREFIX + name] = value;
  }
  const value = Buffer.from(JSON.stringify(event), 'utf8');
  if (value.length > maxEventBytes(topic)) throw new ContractError('TOO_LARGE', `the ${topic} event is ${value.length} bytes; at most ${maxEventBytes(topic)} are allowed`);
  return { key, value, headers };
}

/**
 * The largest prediction a producer may submit (256 KiB): far above a real one (a few KB), and a
 * bound on what one poison record costs a consumer (parsing, validating, logging) before the DLQ.
 */
export const MAX_EVENT_BYTES = 256 * 1024;
/**
 * The largest internal event: what the platform derives from a prediction carries its context
 * (a scored prediction, a review request), so it may be a little larger; still under the
 * broker's 1 MB default. A producer's limit is smaller than every later one, so a prediction
 * that was accepted never makes an event a later service refuses.
 */
export const MAX_INTERNAL_EVENT_BYTES = 768 * 1024;

export function maxEventBytes(topic: TopicName): number {
  return topic === Topics.PredictionSubmitted ? MAX_EVENT_BYTES : MAX_INTERNAL_EVENT_BYTES;
}

/**
 * Decodes and validates one record of `topic`. Every failure is a ContractError whose code
 * says what is wrong; none of them gets better by retrying.
 */
export function decodeEvent<K extends TopicName>(topic: K, record: KafkaRecord): EventEnvelope<EventOf<K>> {
  const contract = contractFor(topic);
  const headers = lowerCaseNames(record.headers);
  const type = headers[CloudEventHeaders.type];
  const plainAttributes = contract.plainJsonAttributes;
  if (type === undefined && plainAttributes) return decodePlainJson(topic, contract, record, plainAttributes);

  checkType(contract, type);
  const id = requireHeader(headers, CloudEventHeaders.id);
  const source = requireHeader(headers, CloudEventHeaders.source);
  const specversion = requireHeader(headers, CloudEventHeaders.specversion);
  const time = requireHeader(headers, CloudEventHeaders.time);
  if (specversion !== CLOUDEVENTS_SPEC_VERSION) {
    throw new ContractError('UNKNOWN_VERSION', `unsupported CloudEvents specversion ${JSON.stringify(specversion)}`);
  }
  if (!timestampField.safeParse(time).success) {
    throw new ContractError('MISSING_HEADER', `${CloudEventHeaders.time} ${JSON.stringify(time)} is not an RFC 3339 time`);
  }
  checkContentType(headers[CloudEventHeaders.contentType]);
  const key = requireKey(record);
  const data = validatedData(topic, contract, key, record.value);
  const subject = headers[CloudEventHeaders.subject];
  return {
    id,
    type: contract.type,
    source,
    specversion: CLOUDEVENTS_SPEC_VERSION,
    time,
    ...(subject ? { subject } : {}),
    datacontenttype: JSON_CONTENT_TYPE,
    data,
    extensions: extensionsOf(headers),
  };
}

/**
 * Plain JSON from an external producer. The id is a hash of key and bytes, so a redelivered
 * duplicate gets the same id and is deduplicated like any CloudEvent.
 */
function decodePlainJson<K extends TopicName>(
  topic: K,
  contract: EventContract<EventOf<K>>,
  record: KafkaRecord,
  attributesOf: (event: EventOf<K>) => { source: string; time: string },
): EventEnvelope<EventOf<K>> {
  checkContentType(lowerCaseNames(record.headers)[CloudEventHeaders.contentType]);
  const key = requireKey(record);
  const data = validatedData(topic, contract, key, record.value);
  const { source, time } = attributesOf(data);
  const digest = createHash('sha256').update(key, 'utf8').update('\0').update(record.value ?? Buffer.alloc(0));
  return {
    id: `plain:${digest.digest('hex')}`,
    type: contract.type,
    source,
    specversion: CLOUDEVENTS_SPEC_VERSION,
    time,
    subject: key,
    datacontenttype: JSON_CONTENT_TYPE,
    data,
    extensions: {},
  };
}

function checkType(contract: EventContract<unknown>, type: string | undefined): void {
  if (type === undefined || type === '') {
    throw new ContractError('MISSING_HEADER', `missing header ${CloudEventHeaders.type} (expected ${contract.type})`);
  }
  if (type === contract.type) return;
  const sameEvent = `${EVENT_TYPE_PREFIX}${contract.topic}.`;
  if (type.startsWith(sameEvent) && /^v\d+$/.test(type.slice(sameEvent.length))) {
    throw new ContractError(
      'UNKNOWN_VERSION',
      `${type} is a version of ${contract.topic} this consumer does not read (it reads ${contract.version})`,
    );
  }
  throw new ContractError('UNKNOWN_TYPE', `${type} does not belong on ${contract.topic} (expected ${contract.type})`);
}

function requireHeader(headers: Record<string, string>, name: string): string {
  const value = headers[name];
  if (value === undefined || value === '') throw new ContractError('MISSING_HEADER', `missing header ${name}`);
  return value;
}

/** The binding says an absent content type means JSON; anything else we cannot read. */
function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType !== JSON_CONTENT_TYPE) {
    throw new ContractError('MISSING_HEADER', `content-type ${JSON.stringify(contentType)} is not ${JSON_CONTENT_TYPE}`);
  }
}

function requireKey(record: KafkaRecord): string {
  if (record.key === null || record.key === '') {
    throw new ContractError('MISSING_KEY', 'record has no key; the key must be the case id');
  }
  return record.key;
}

function validatedData<K extends TopicName>(
  topic: K,
  contract: EventContract<EventOf<K>>,
  key: string,
  value: Buffer | null,
): EventOf<K> {
  const data = parseEvent(topic, parseJson(value, maxEventBytes(topic)));
  const expected = contract.key(data);
  if (key !== expected) {
    const message = `record key ${JSON.stringify(key)} is not the event's key ${JSON.stringify(expected)}`;
    throw new ContractError('KEY_MISMATCH', message);
  }
  return data;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(value: Buffer | null, maxBytes: number): unknown {
  if (value === null || value.length === 0) throw new ContractError('MALFORMED_JSON', 'record has no value');
  if (value.length > maxBytes) throw new ContractError('TOO_LARGE', `value is ${value.length} bytes; at most ${maxBytes} are allowed`);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    throw new ContractError('MALFORMED_JSON', 'value is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ContractError('MALFORMED_JSON', `value is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Kafka header names are case-sensitive, the binding's are lower case: accept what a sloppy client sends. */
function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}

function extensionsOf(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CE_HEADER_PREFIX)) continue;
    const attribute = name.slice(CE_HEADER_PREFIX.length);
    if (!CORE_ATTRIBUTES.has(attribute)) out[attribute] = value;
  }
  return out;
}
