import type { Context } from '@opentelemetry/api';
import { decodeEvent, type EventEnvelope, type EventOf, type TopicName } from '@hitl/contracts';
import type { KafkaMessage } from 'kafkajs';
import { decodeHeaders } from './headers';
import { extractContext } from './trace';

/** One event as a handler sees it: the validated envelope plus where it came from. */
export interface IncomingEvent<K extends TopicName = TopicName> {
  topic: K;
  envelope: EventEnvelope<EventOf<K>>;
  data: EventOf<K>;
  /** CloudEvents id: the dedupe key for idempotent handlers. */
  id: string;
  key: string | null;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  /** The producer's trace context (for a single-event handler: our process span under it). */
  traceContext: Context;
}

export type EventHandlerFn<K extends TopicName = TopicName> = (event: IncomingEvent<K>) => Promise<void>;
export type BatchHandlerFn<K extends TopicName = TopicName> = (events: IncomingEvent<K>[]) => Promise<void>;

/** Validates one Kafka record against its contract; throws ContractError when it cannot. */
export function toIncoming<K extends TopicName>(topic: K, partition: number, message: KafkaMessage): IncomingEvent<K> {
  const headers = decodeHeaders(message.headers);
  const key = message.key ? message.key.toString('utf8') : null;
  const envelope = decodeEvent(topic, { key, value: message.value, headers });
  return {
    topic,
    envelope,
    data: envelope.data,
    id: envelope.id,
    key,
    partition,
    offset: message.offset,
    headers,
    traceContext: extractContext(headers),
  };
}

/** Splits a chunk into events that satisfy their contract and records that do not (poison). */
export function decodeChunk<K extends TopicName>(
  topic: K,
  partition: number,
  messages: KafkaMessage[],
): { valid: IncomingEvent<K>[]; invalid: { message: KafkaMessage; error: unknown }[] } {
  const valid: IncomingEvent<K>[] = [];
  const invalid: { message: KafkaMessage; error: unknown }[] = [];
  for (const message of messages) {
    try {
      valid.push(toIncoming(topic, partition, message));
    } catch (error) {
      invalid.push({ message, error });
    }
  }
  return { valid, invalid };
}
