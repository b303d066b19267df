import { DlqHeaders, dlqTopicOf } from '@hitl/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { rawHeaders } from './headers';

/** Header names are part of the wire contract: they live in libs/contracts. */
export const DlqHeader = DlqHeaders;

export interface DeadLetterReason {
  topic: string;
  partition: number;
  group: string;
  attempts: number;
  code: string;
  errorClass: 'retriable' | 'non-retriable';
  message: string;
  failedAt?: Date;
}

/** Longest error text kept in a header: enough to read, never enough to blow the record size. */
const MAX_ERROR_CHARS = 4_000;

/**
 * The dead-letter record keeps the original key, bytes and headers untouched and adds why it
 * failed, where it came from and who gave up on it, so it can be inspected and replayed.
 */
export function buildDeadLetter(message: KafkaMessage, reason: DeadLetterReason): { topic: string; message: Message } {
  const headers: IHeaders = {
    ...rawHeaders(message.headers),
    [DlqHeader.error]: reason.message.slice(0, MAX_ERROR_CHARS),
    [DlqHeader.errorCode]: reason.code,
    [DlqHeader.errorClass]: reason.errorClass,
    [DlqHeader.consumerGroup]: reason.group,
    [DlqHeader.attempts]: String(reason.attempts),
    [DlqHeader.originalTopic]: reason.topic,
    [DlqHeader.originalPartition]: String(reason.partition),
    [DlqHeader.originalOffset]: message.offset,
    [DlqHeader.originalTimestamp]: message.timestamp,
    [DlqHeader.failedAt]: (reason.failedAt ?? new Date()).toISOString(),
  };
  return {
    topic: dlqTopicOf(reason.topic),
    message: { key: message.key, value: message.value, headers },
  };
}
