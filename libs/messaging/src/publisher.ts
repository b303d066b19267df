import { context as otelContext, trace, type Context, type Span } from '@opentelemetry/api';
import { encodeEvent, physicalTopic, type EventOf, type TopicName } from '@hitl/contracts';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { ResolvedMessagingOptions } from './options';
import { clientFor } from './platformatic';
import { endSpan, injectContext, MessagingAttr, startSendSpan } from './trace';

export interface OutgoingEvent<K extends TopicName = TopicName> {
  topic: K;
  data: EventOf<K>;
  /** CloudEvents id; defaults to a fresh UUID. Derive it from the input to make retries idempotent. */
  id?: string;
  time?: string;
  /** The trace this event belongs to (one case = one trace); defaults to the active context. */
  traceContext?: Context;
}

/** Turns typed events into Kafka messages: validated, CloudEvents headers, trace context. */
export function toKafkaMessage(event: OutgoingEvent, source: string, parent: Context): Message {
  const record = encodeEvent(event.topic, event.data as never, { source, id: event.id, time: event.time });
  const headers: Record<string, string> = { ...record.headers };
  injectContext(parent, headers);
  return { key: record.key, value: record.value, headers };
}

/**
 * The message with its own send span, a child of `parent` (the case's trace): each service that
 * sends something about a case shows in that case's trace, named by the case (the message key).
 */
export function tracedMessage(event: OutgoingEvent, topic: string, source: string, parent: Context): { message: Message; span: Span } {
  const span = startSendSpan(topic, 1, parent);
  const message = toKafkaMessage(event, source, trace.setSpan(parent, span));
  if (message.key) span.setAttributes({ [MessagingAttr.key]: String(message.key), [MessagingAttr.caseId]: String(message.key) });
  return { message, span };
}

export function groupByTopic(events: OutgoingEvent[], prefix: string): Map<string, OutgoingEvent[]> {
  const byTopic = new Map<string, OutgoingEvent[]>();
  for (const event of events) {
    const topic = physicalTopic(event.topic, prefix);
    const list = byTopic.get(topic) ?? [];
    list.push(event);
    byTopic.set(topic, list);
  }
  return byTopic;
}

/**
 * Idempotent producer (acks=all, broker-side dedupe of retried sends). Every event is validated
 * against its contract before it reaches the wire: a producer bug fails here, loudly.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly options: ResolvedMessagingOptions,
  ) {
    this.producer = clientFor(kafka, options).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Raw records (dead letters) go out through the same idempotent producer, bytes untouched. */
  async sendRaw(records: { topic: string; message: Message }[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of records) {
      const messages = byTopic.get(topic) ?? [];
      messages.push(message);
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
    });
  }

  isConnected(): boolean {
    return this.connected;
  }

  async publish<K extends TopicName>(topic: K, data: EventOf<K>, opts: Omit<OutgoingEvent<K>, 'topic' | 'data'> = {}): Promise<void> {
    await this.publishAll([{ topic, data, ...opts } as OutgoingEvent]);
  }

  /** One request for many events (grouped per topic); resolves when all are acknowledged. */
  async publishAll(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const active = otelContext.active();
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    const spans: Span[] = [];
    for (const [topic, group] of groupByTopic(events, this.options.topicPrefix)) {
      const messages = group.map((event) => {
        const { message, span } = tracedMessage(event, topic, this.options.clientId, event.traceContext ?? active);
        spans.push(span);
        return message;
      });
      topicMessages.push({ topic, messages });
    }
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
      spans.forEach((span) => endSpan(span));
      for (const { topic, messages } of topicMessages) this.options.metrics.produced(topic, messages.length);
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      throw error;
    }
  }
}
