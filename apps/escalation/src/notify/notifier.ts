import { Topics } from '@hitl/contracts';
import { ConfigError } from '@hitl/platform';
import type { Collection } from 'mongodb';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { EscalationFired } from '../escalation/ladder';

const WebhookSchema = z.strictObject({
  /** The role whose escalations this receiver gets; `*` for all. */
  role: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  /** Signs the body: X-HITL-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>. */
  secret: z.string().min(16, 'must be at least 16 characters'),
  /** json: the escalation itself; slack: a Slack-compatible {text} message. */
  format: z.enum(['json', 'slack']).default('json'),
});
const WebhooksFileSchema = z.strictObject({ webhooks: z.array(WebhookSchema) });
export type Webhook = z.output<typeof WebhookSchema>;

/** ESCALATION_WEBHOOKS_FILE (YAML or JSON); none configured means no notifications. */
export function loadWebhooks(env: NodeJS.ProcessEnv = process.env): Webhook[] {
  const file = env.ESCALATION_WEBHOOKS_FILE?.trim();
  if (!file) return [];
  const fail = (message: string): never => {
    throw new ConfigError([{ variable: 'ESCALATION_WEBHOOKS_FILE', message: `${file}: ${message}` }]);
  };
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`cannot read (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const result = WebhooksFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return fail(`${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data.webhooks;
}

export interface DeliveryAttempt {
  _id: string;
  delivery: string;
  escalationId: string;
  url: string;
  attempt: number;
  at: string;
  status?: number;
  error?: string;
  delivered: boolean;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function payloadOf(hook: Webhook, id: string, event: EscalationFired): string {
  if (hook.format === 'slack') {
    return JSON.stringify({
      text: `:rotating_light: Case ${event.caseId} escalated to ${event.escalateTo} (level ${event.level}, ${event.reason})${event.detail ? `: ${event.detail}` : ''}`,
    });
  }
  return JSON.stringify({ id, type: Topics.EscalationFired, data: event });
}

export interface NotifierOptions {
  maxAttempts: number;
  initialBackoffMs: number;
  timeoutMs: number;
  /** Told of every attempt (the service's metrics). */
  onAttempt?: (delivered: boolean) => void;
}

/**
 * Sends each escalation to the webhooks of its role: body signed with HMAC-SHA256, retried with
 * exponential backoff, every attempt written to a delivery log. Runs beside the ladder and never
 * in its way: `notify` returns at once, and a failing receiver only costs its own retries.
 * Retries pending when a replica stops are not resumed (the log shows them undelivered).
 */
export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly hooks: Webhook[],
    private readonly log: Collection<DeliveryAttempt>,
    private readonly options: NotifierOptions,
  ) {}

  notify(id: string, event: EscalationFired): void {
    for (const [i, hook] of this.hooks.entries()) {
      if (hook.role !== '*' && hook.role !== event.escalateTo) continue;
      const delivery = this.deliver(`${id}#${i}`, id, hook, event).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(delivery: string, id: string, hook: Webhook, event: EscalationFired): Promise<void> {
    const body = payloadOf(hook, id, event);
    for (let attempt = 1; attempt <= this.options.maxAttempts && !this.stopped; attempt++) {
      const timestamp = String(Date.now());
      let status: number | undefined;
      let error: string | undefined;
      try {
        const response = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hitl-delivery': delivery, 'x-hitl-timestamp': timestamp, 'x-hitl-signature': signature(hook.secret, timestamp, body) },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const delivered = status !== undefined && status >= 200 && status < 300;
      await this.log
        .insertOne({ _id: `${delivery}@${attempt}`, delivery, escalationId: id, url: hook.url, attempt, at: new Date().toISOString(), ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}), delivered })
        .catch(() => undefined); // a redelivered escalation may log the same attempt twice
      this.options.onAttempt?.(delivered);
      if (delivered) return;
      await new Promise((resolve) => setTimeout(resolve, this.options.initialBackoffMs * 2 ** (attempt - 1)));
    }
  }
}
