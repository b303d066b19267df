/**
 * Every Kafka header name the platform reads or writes, in one place, because header names
 * are part of the wire contract just as field names are.
 */

/** CloudEvents Kafka protocol binding, binary content mode: attributes travel as `ce_` headers. */
export const CE_HEADER_PREFIX = 'ce_';

export const CloudEventHeaders = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  /** The binding maps `datacontenttype` to the plain Kafka `content-type` header. */
  contentType: 'content-type',
} as const;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

/** W3C trace context, carried as plain headers (what OpenTelemetry's Kafka propagation uses). */
export const TraceHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/**
 * Added to a dead-lettered record, whose key, value and other headers are kept byte for byte.
 * The messaging lib writes them; operators and replay tools read them.
 */
export const DlqHeaders = {
  error: 'dlq_error',
  errorCode: 'dlq_error_code',
  errorClass: 'dlq_error_class',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempts',
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  originalTimestamp: 'dlq_original_timestamp',
  failedAt: 'dlq_failed_at',
} as const;
