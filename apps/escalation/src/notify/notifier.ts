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
 * A delivery not done yet: to one receiver, of one escalation. Kept until it is delivered or has
 * used its attempts, so a replica that stops (or is killed) leaves it to the others, or to itself
 * after a restart.
 */
export interface PendingDelivery {
  /** `<escalation id>#<webhook index>`: also the X-HITL-Delivery header (receivers dedupe on it). */
  _id: string;
  escalationId: string;
  url: string;
  event: EscalationFired;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch ms: not tried before. */
  nextAt: number;
  /** Epoch ms: a replica is trying it until then (a crashed one's lease runs out). */
  leaseUntil: number;
}

/**
 * Sends each escalation to the webhooks of its role: body signed with HMAC-SHA256, retried with
 * exponential backoff, every attempt written to a delivery log. Runs beside the ladder and never
 * in its way: `notify` returns at once, and a failing receiver only costs its own retries.
 * Durable: each delivery is stored (`webhook_outbox`) before it is tried and removed once
 * delivered or out of attempts; every replica looks for due ones every second, claiming each by
 * a lease (compare-and-set), so deliveries pending when a replica stops or is killed are resumed
 * by one that runs. A receiver may get a delivery twice (a crash between its answer and the
 * record): the delivery id in X-HITL-Delivery is the same.
 */
export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly hooks: Webhook[],
    private readonly log: Collection<DeliveryAttempt>,
    private readonly options: NotifierOptions,
    private readonly outbox: Collection<PendingDelivery>,
    private readonly pollMs = 1_000,
  ) {}

  /** Starts looking for due deliveries (those left by a stopped replica included). */
  start(): void {
    if (this.hooks.length === 0) return;
    const loop = () => {
      if (this.stopped) return;
      this.track(this.pass()).finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
      });
    };
    loop();
  }

  notify(id: string, event: EscalationFired): void {
    for (const [i, hook] of this.hooks.entries()) {
      if (hook.role !== '*' && hook.role !== event.escalateTo) continue;
      const pending: PendingDelivery = { _id: `${id}#${i}`, escalationId: id, url: hook.url, event, attempts: 0, nextAt: Date.now(), leaseUntil: 0 };
      // Stored first, then tried at once; a redelivered escalation finds it stored already.
      this.track(
        this.outbox.insertOne(pending).then(
          () => this.attempt(pending),
          () => undefined,
        ),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  /** Every due delivery not leased by a running replica, each claimed before it is tried. */
  private async pass(): Promise<void> {
    const now = Date.now();
    const due = await this.outbox.find({ nextAt: { $lte: now }, leaseUntil: { $lte: now } }).limit(100).toArray();
    for (const pending of due) {
      if (this.stopped) return;
      await this.attempt(pending);
    }
  }

  /** One attempt, under a lease; then delivered (removed), out of attempts (removed), or due again after the backoff. */
  private async attempt(pending: PendingDelivery): Promise<void> {
    if (this.stopped) return;
    const leaseUntil = Date.now() + this.options.timeoutMs + 5_000;
    const claimed = await this.outbox.updateOne({ _id: pending._id, attempts: pending.attempts, leaseUntil: pending.leaseUntil }, { $set: { leaseUntil } });
    if (claimed.modifiedCount !== 1) return; // another replica has it, or it moved on
    const attempt = pending.attempts + 1;
    const hook = this.hooks.find((h) => h.url === pending.url && (h.role === '*' || h.role === pending.event.escalateTo));
    if (!hook) {
      await this.record(pending, attempt, { error: 'no webhook with this url is configured for the role any more' }, false);
      await this.outbox.deleteOne({ _id: pending._id });
      return;
    }
    const body = payloadOf(hook, pending.escalationId, pending.event);
    const timestamp = String(Date.now());
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hitl-delivery': pending._id, 'x-hitl-timestamp': timestamp, 'x-hitl-signature': signature(hook.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const delivered = status !== undefined && status >= 200 && status < 300;
    await this.record(pending, attempt, { ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) }, delivered);
    this.options.onAttempt?.(delivered);
    if (delivered || attempt >= this.options.maxAttempts) await this.outbox.deleteOne({ _id: pending._id });
    else await this.outbox.updateOne({ _id: pending._id }, { $set: { attempts: attempt, nextAt: Date.now() + this.options.initialBackoffMs * 2 ** (attempt - 1), leaseUntil: 0 } });
  }

  /**
   * One log entry per attempt number. An attempt a killed replica made but could not count is
   * made again under the same number by the next one: its outcome replaces the first (the
   * delivered one must not be lost to the failed one it repeats).
   */
  private async record(pending: PendingDelivery, attempt: number, outcome: { status?: number; error?: string }, delivered: boolean): Promise<void> {
    const entry: DeliveryAttempt = { _id: `${pending._id}@${attempt}`, delivery: pending._id, escalationId: pending.escalationId, url: pending.url, attempt, at: new Date().toISOString(), ...outcome, delivered };
    await this.log.replaceOne({ _id: entry._id }, entry, { upsert: true }).catch(() => undefined); // the log is a record, never in the way
  }
}
