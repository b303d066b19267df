import { z } from 'zod';
import { encodeEvent } from './cloudevents';
import { examples } from './examples';
import {
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventHeaders,
  DlqHeaders,
  JSON_CONTENT_TYPE,
  TraceHeaders,
} from './headers';
import { contractFor } from './registry';
import { ALL_TOPICS, DLQ_SUFFIX, type TopicName } from './topics';
import { Services, topology, type Service } from './topology';

/*
 * The AsyncAPI document is generated from the zod schemas, never written by hand, so the
 * published contract cannot drift from what consumers actually validate.
 */

/** Bump the minor version when an event or field is added, the major one never (add a topic version). */
export const ASYNCAPI_DOCUMENT_VERSION = '1.0.0';
const KAFKA_BINDING_VERSION = '0.5.0';

/**
 * JSON Schema (draft-07, the dialect AsyncAPI schemas extend) of what producers may send:
 * the input side, so defaulted fields are optional. Cross-field rules (e.g. a reason is
 * required for an override) are not expressible here and are stated in descriptions.
 */
export function buildJsonSchemas(): Record<TopicName, object> {
  const out = {} as Record<TopicName, object>;
  for (const topic of ALL_TOPICS) {
    out[topic] = z.toJSONSchema(contractFor(topic).schema, { io: 'input', target: 'draft-07' });
  }
  return out;
}

export function channelIdOf(topic: TopicName): string {
  return topic.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

export function messageIdOf(topic: TopicName): string {
  return `${channelIdOf(topic)}${contractFor(topic).version.toUpperCase()}`;
}

const DLQ_CHANNEL_ID = 'deadLetters';

export function buildAsyncApiDocument(): object {
  const schemas = buildJsonSchemas();
  const channels: Record<string, object> = {};
  for (const topic of ALL_TOPICS) channels[channelIdOf(topic)] = channelOf(topic, schemas[topic]);
  channels[DLQ_CHANNEL_ID] = deadLetterChannel();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'HITL Decision Platform events',
      version: ASYNCAPI_DOCUMENT_VERSION,
      description: [
        'Events of the human-in-the-loop decision platform on Kafka. Generated from libs/contracts; do not edit.',
        '',
        '- Channel addresses are logical topic names; a deployment may prefix them (e.g. `staging.prediction.submitted`).',
        '- Internal events follow the CloudEvents Kafka protocol binding in binary content mode: `ce_*` headers, JSON value.',
        '- The message key is the case id (= predictionId), so all events of a case are ordered on one partition; calibration and retraining events are keyed by category.',
        '- Consumers tolerate fields they do not know; a field is never renamed or repurposed (a new `ce_type` version is added instead).',
        '- W3C `traceparent` travels in the headers: one case is one trace.',
      ].join('\n'),
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      tags: Services.map((name) => ({ name })),
    },
    defaultContentType: JSON_CONTENT_TYPE,
    channels,
    operations: operations(),
  };
}

function channelOf(topic: TopicName, payload: object): object {
  const flow = topology[topic];
  const contract = contractFor(topic);
  const example = encodeEvent(topic, examples[topic], {
    source: flow.emittedBy[0] ?? 'producer:refund-assistant',
    id: '0b9c2d1e-7f3a-4c55-9e1d-2a6b8c4d5e6f',
    time: '2026-01-06T09:15:00.000Z',
  });
  return {
    address: topic,
    title: topic,
    description: [flow.summary, flow.external, `Dead letters go to \`${topic}${DLQ_SUFFIX}\`.`].filter(Boolean).join(' '),
    messages: {
      [messageIdOf(topic)]: {
        name: `${topic}.${contract.version}`,
        title: `${topic} ${contract.version}`,
        summary: flow.summary,
        contentType: JSON_CONTENT_TYPE,
        headers: headersSchema(topic),
        payload,
        bindings: {
          kafka: {
            key: { type: 'string', description: flow.key },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        examples: [
          {
            name: 'headphone-refund',
            summary: 'The guide’s headphone refund case.',
            headers: { ...example.headers, [TraceHeaders.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
            payload: examples[topic],
          },
        ],
      },
    },
  };
}

function headersSchema(topic: TopicName): object {
  const contract = contractFor(topic);
  const required = contract.acceptsPlainJson
    ? []
    : [CloudEventHeaders.id, CloudEventHeaders.type, CloudEventHeaders.source, CloudEventHeaders.specversion, CloudEventHeaders.time];
  return {
    type: 'object',
    description: contract.acceptsPlainJson
      ? 'CloudEvents binary-mode headers. External producers may omit every ce_* header and publish plain JSON: the event id is then `plain:` + sha256(key, NUL, value), so a redelivered duplicate keeps its id.'
      : 'CloudEvents Kafka protocol binding, binary content mode.',
    ...(required.length > 0 ? { required } : {}),
    properties: {
      [CloudEventHeaders.id]: { type: 'string', minLength: 1, description: 'Unique per event; consumers deduplicate on it.' },
      [CloudEventHeaders.type]: { type: 'string', const: contract.type },
      [CloudEventHeaders.source]: { type: 'string', minLength: 1, description: 'The emitting service, e.g. `scoring`.' },
      [CloudEventHeaders.specversion]: { type: 'string', const: CLOUDEVENTS_SPEC_VERSION },
      [CloudEventHeaders.time]: { type: 'string', format: 'date-time' },
      [CloudEventHeaders.subject]: { type: 'string', description: 'The message key.' },
      [CloudEventHeaders.contentType]: { type: 'string', const: JSON_CONTENT_TYPE },
      [TraceHeaders.traceparent]: {
        type: 'string',
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        description: 'W3C trace context.',
      },
      [TraceHeaders.tracestate]: { type: 'string', description: 'W3C trace context (vendor state).' },
    },
  };
}

function deadLetterChannel(): object {
  const headerText: Record<keyof typeof DlqHeaders, string> = {
    error: 'The error message (truncated).',
    errorCode: 'Stable error code, e.g. INVALID_PAYLOAD.',
    errorClass: '`retriable` (retries exhausted) or `non-retriable` (poison message).',
    consumerGroup: 'The consumer group that gave up.',
    attempts: 'How many times it was tried.',
    originalTopic: 'The physical topic the record came from.',
    originalPartition: 'Its partition.',
    originalOffset: 'Its offset.',
    originalTimestamp: 'Its Kafka timestamp (ms since epoch).',
    failedAt: 'When it was dead-lettered (RFC 3339).',
  };
  const properties: Record<string, object> = {};
  for (const [field, header] of Object.entries(DlqHeaders) as [keyof typeof DlqHeaders, string][]) {
    properties[header] = { type: 'string', description: headerText[field] };
  }
  return {
    address: `{topic}${DLQ_SUFFIX}`,
    title: 'Dead letters',
    description:
      'Anything a consumer cannot process after its retries: the original key, value and headers, byte for byte, plus dlq_* headers saying why, where from and who gave up. Never dropped, never blocking the partition.',
    parameters: {
      topic: { enum: [...ALL_TOPICS], description: 'The topic the record was read from.' },
    },
    messages: {
      deadLetter: {
        name: 'dead-letter',
        title: 'Dead letter',
        summary: 'An unprocessable record with the reason.',
        headers: { type: 'object', required: [DlqHeaders.errorCode, DlqHeaders.originalTopic], properties },
        payload: { description: 'The original value, unchanged (it may not even be JSON).' },
      },
    },
  };
}

function operations(): Record<string, object> {
  const ops: Record<string, object> = {};
  const add = (service: Service, action: 'send' | 'receive', topic: TopicName) => {
    const channelId = channelIdOf(topic);
    ops[`${service}-${action}s-${topic.replace('.', '-')}`] = {
      action,
      title: `${service} ${action}s ${topic}`,
      channel: { $ref: `#/channels/${channelId}` },
      messages: [{ $ref: `#/channels/${channelId}/messages/${messageIdOf(topic)}` }],
      tags: [{ name: service }],
    };
  };
  for (const topic of ALL_TOPICS) {
    for (const service of topology[topic].emittedBy) add(service, 'send', topic);
    for (const service of topology[topic].consumedBy) add(service, 'receive', topic);
  }
  ops['consumers-send-dead-letters'] = {
    action: 'send',
    title: 'Every consumer dead-letters what it cannot process',
    channel: { $ref: `#/channels/${DLQ_CHANNEL_ID}` },
    messages: [{ $ref: `#/channels/${DLQ_CHANNEL_ID}/messages/deadLetter` }],
  };
  return ops;
}
