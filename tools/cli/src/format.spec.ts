import { examples, Topics } from '@hitl/contracts';
import type { TailRecord } from '@hitl/messaging';
import { formatRecord } from './format';

const record = (topic: string, value: unknown, headers: Record<string, string> = {}): TailRecord => ({
  topic,
  partition: 2,
  offset: '17',
  timestamp: String(Date.parse('2026-01-01T10:20:30.456Z')),
  key: 'case-1',
  value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
  headers,
});

describe('formatRecord', () => {
  it('shows the fields that matter for a final decision', () => {
    const line = formatRecord(record('staging.decision.finalized', examples[Topics.DecisionFinalized]), 'staging.');
    expect(line).toMatch(/^10:20:30\.456 decision\.finalized\[2@17\] case-1 outcome=\S+ decidedBy=(auto|human) band=\S+ tier=\S+ latencyMs=\d+$/);
  });

  it('shows why a dead letter died', () => {
    const line = formatRecord(record('prediction.submitted.dlq', Buffer.from([0xff]), { dlq_error_code: 'MALFORMED_JSON', dlq_error: 'not UTF-8', dlq_attempts: '1' }));
    expect(line).toContain('✗ error_code=MALFORMED_JSON error=not UTF-8 attempts=1');
  });

  it('says so when a record is not JSON', () => {
    expect(formatRecord(record('prediction.submitted', Buffer.from('{oops')))).toContain('(not JSON: 5 bytes)');
  });
});
