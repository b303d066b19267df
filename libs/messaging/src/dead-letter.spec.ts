import type { KafkaMessage } from 'kafkajs';
import { buildDeadLetter, DlqHeader } from './dead-letter';

describe('buildDeadLetter', () => {
  const original: KafkaMessage = {
    key: Buffer.from('case-1'),
    value: Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    headers: { ce_type: Buffer.from('dev.hitl.prediction.submitted.v1'), traceparent: '00-abc-def-01' },
    offset: '42',
    timestamp: '1700000000000',
    attributes: 0,
  } as unknown as KafkaMessage;

  const dead = buildDeadLetter(original, {
    topic: 'staging.prediction.submitted',
    partition: 3,
    group: 'hitl.scoring',
    attempts: 5,
    code: 'MALFORMED_JSON',
    errorClass: 'non-retriable',
    message: 'value is not UTF-8 JSON',
    failedAt: new Date('2026-01-01T00:00:00Z'),
  });
  const headers = dead.message.headers as Record<string, Buffer | string>;

  it('goes to the topic\'s own .dlq', () => {
    expect(dead.topic).toBe('staging.prediction.submitted.dlq');
  });

  it('keeps the original key, bytes and headers untouched', () => {
    expect(dead.message.key).toEqual(original.key);
    expect(dead.message.value).toEqual(original.value);
    expect(headers.ce_type).toEqual(Buffer.from('dev.hitl.prediction.submitted.v1'));
    expect(headers.traceparent).toEqual(Buffer.from('00-abc-def-01'));
  });

  it('says why, where from, who gave up and after how many attempts', () => {
    expect(headers[DlqHeader.error]).toBe('value is not UTF-8 JSON');
    expect(headers[DlqHeader.errorCode]).toBe('MALFORMED_JSON');
    expect(headers[DlqHeader.errorClass]).toBe('non-retriable');
    expect(headers[DlqHeader.consumerGroup]).toBe('hitl.scoring');
    expect(headers[DlqHeader.attempts]).toBe('5');
    expect(headers[DlqHeader.originalTopic]).toBe('staging.prediction.submitted');
    expect(headers[DlqHeader.originalPartition]).toBe('3');
    expect(headers[DlqHeader.originalOffset]).toBe('42');
    expect(headers[DlqHeader.failedAt]).toBe('2026-01-01T00:00:00.000Z');
  });

  it('bounds a huge error text', () => {
    const big = buildDeadLetter(original, { topic: 't', partition: 0, group: 'g', attempts: 1, code: 'X', errorClass: 'retriable', message: 'x'.repeat(100_000) });
    expect(String((big.message.headers as Record<string, string>)[DlqHeader.error]).length).toBe(4_000);
  });
});
