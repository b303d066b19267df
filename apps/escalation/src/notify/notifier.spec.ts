import { Topics } from '@hitl/contracts';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebhooks, payloadOf, signature } from './notifier';

const event = { caseId: 'c1', level: 2, escalateTo: 'department_head', reason: 'timeout' as const, firedAt: '2026-01-06T11:00:00.000Z', detail: 'untouched' };

describe('webhook notifications', () => {
  it('signs timestamp and body with HMAC-SHA256', () => {
    expect(signature('secret-secret-secret', '1700000000000', '{"a":1}')).toBe(`sha256=${createHmac('sha256', 'secret-secret-secret').update('1700000000000.{"a":1}').digest('hex')}`);
  });

  it('sends the event as JSON, or a Slack-compatible text', () => {
    const hook = { role: '*', url: 'http://x', secret: 'secret-secret-secret' };
    expect(JSON.parse(payloadOf({ ...hook, format: 'json' }, 'e1', event))).toEqual({ id: 'e1', type: Topics.EscalationFired, data: event });
    expect(JSON.parse(payloadOf({ ...hook, format: 'slack' }, 'e1', event))).toEqual({ text: ':rotating_light: Case c1 escalated to department_head (level 2, timeout): untouched' });
  });

  it('reads the webhooks file, and a bad one names the variable and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return { ESCALATION_WEBHOOKS_FILE: join(dir, name) };
    };
    expect(loadWebhooks({})).toEqual([]);
    expect(loadWebhooks(file('ok.yaml', 'webhooks:\n  - role: team_lead\n    url: https://hooks.example/x\n    secret: 0123456789abcdef\n'))).toEqual([{ role: 'team_lead', url: 'https://hooks.example/x', secret: '0123456789abcdef', format: 'json' }]);
    expect(() => loadWebhooks(file('short.yaml', 'webhooks:\n  - role: x\n    url: https://h/x\n    secret: short\n'))).toThrow(/ESCALATION_WEBHOOKS_FILE: .*short\.yaml: webhooks\.0\.secret: must be at least 16 characters/);
    expect(() => loadWebhooks(file('ftp.yaml', 'webhooks:\n  - role: x\n    url: ftp://h/x\n    secret: 0123456789abcdef\n'))).toThrow(/webhooks\.0\.url/);
  });
});
