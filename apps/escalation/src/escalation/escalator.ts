import { Topics } from '@hitl/contracts';
import { EventPublisher } from '@hitl/messaging';
import type { Policy } from '@hitl/policy';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ESCALATION_SETTINGS, type EscalationSettings } from '../escalation-settings';
import { Notifier } from '../notify/notifier';
import { immediateFor, ladderFor, manualEscalation, requestKeyOf, stillDue, type Deadline, type Immediate, type ReviewRequested } from './ladder';
import { TimerStore } from './timer-store';

export const POLICY = Symbol('POLICY');

/**
 * Turns review requests into durable deadlines and fires each due one exactly once, whichever
 * replica gets it: a firing is claimed (VersionedWrites), published with the deadline's id as
 * the CloudEvents id (consumers dedupe on it), then marked published. A replica that dies with
 * a claim leaves it to another after ESCALATION_LEASE_MS.
 */
@Injectable()
export class Escalator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Escalator');
  private readonly owner = randomUUID();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  /** Deadlines this replica saw resolved (fired or no longer due), so a tick does not recheck them. */
  private readonly resolved = new Set<string>();

  constructor(
    private readonly store: TimerStore,
    private readonly publisher: EventPublisher,
    @Inject(POLICY) private readonly policy: Policy,
    @Inject(ESCALATION_SETTINGS) private readonly settings: EscalationSettings,
    private readonly notifier: Notifier,
  ) {}

  /** Replaceable in tests; ESCALATION_TIME_SCALE is how a running service goes faster. */
  clock: () => Date = () => new Date();

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error: unknown) => this.logger.warn(`tick failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (this.ticking = undefined));
    }, this.settings.ESCALATION_TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.notifier.stop();
  }

  async requested(e: ReviewRequested): Promise<void> {
    const now = this.clock();
    // A re-route after an escalation continues the ladder it came from; any other request
    // (first, next round, arbiter, max rounds) starts a new one.
    if (e.reason !== 'escalation') {
      const key = requestKeyOf(e);
      await this.store.changeCase(e.caseId, (c) =>
        c?.requestKey === key ? undefined : { _id: e.caseId, version: 0, requestKey: key, round: e.round, level: c && c.round === e.round ? c.level : 0, closed: false },
      );
      await this.store.add(ladderFor(e, this.policy, this.settings.ESCALATION_TIME_SCALE), now);
    }
    for (const immediate of immediateFor(e, this.policy, now)) await this.fireNow(immediate);
  }

  async decided(caseId: string, round: number, action: string, decisionId: string, decidedAt: string, reason?: string): Promise<void> {
    if (action === 'escalate') {
      const state = await this.store.caseState(caseId);
      await this.fireNow(manualEscalation(caseId, round, state?.level ?? 0, decisionId, reason, this.policy, this.clock()));
      return;
    }
    // Someone acted on the request: its ladder stops.
    await this.store.changeCase(caseId, (c) => (c && c.round === round && !c.actedAt ? { ...c, actedAt: decidedAt } : undefined));
  }

  async finalized(caseId: string): Promise<void> {
    await this.store.changeCase(caseId, (c) => (c && !c.closed ? { ...c, closed: true } : undefined));
  }

  /** One pass: every bucket from the cursor up to now; finished buckets move the cursor on. */
  async tick(): Promise<void> {
    const now = this.clock();
    for (let bucket = await this.store.cursor(now); bucket <= now.getTime(); bucket += this.store.bucketMs) {
      let open = 0;
      for (const deadline of await this.store.bucket(bucket)) {
        if (this.resolved.has(deadline._id)) continue;
        if (Date.parse(deadline.dueAt) > now.getTime() || !(await this.fireDue(deadline, now))) open++;
      }
      if (open > 0 || bucket + this.store.bucketMs > now.getTime()) break; // the cursor waits for this bucket
      await this.store.advance(bucket);
    }
    if (this.resolved.size > 200_000) this.resolved.clear();
  }

  /** True when the deadline is resolved (fired, here or elsewhere, or no longer due). */
  private async fireDue(deadline: Deadline, now: Date): Promise<boolean> {
    const state = await this.store.caseState(deadline.caseId);
    if (!stillDue(deadline, state ?? undefined)) {
      this.resolved.add(deadline._id);
      return true;
    }
    const fired = await this.fire(deadline._id, {
      caseId: deadline.caseId,
      level: deadline.level,
      escalateTo: deadline.escalateTo,
      reason: deadline.reason,
      firedAt: now.toISOString(),
      round: deadline.round,
      ...(deadline.nextDueAt ? { dueAt: deadline.nextDueAt } : {}),
    });
    if (fired) {
      this.resolved.add(deadline._id);
      await this.store.changeCase(deadline.caseId, (c) => (c && c.level < deadline.level ? { ...c, level: deadline.level } : undefined));
    }
    return fired;
  }

  private async fireNow(immediate: Immediate): Promise<void> {
    await this.fire(immediate.id, immediate.event);
    await this.store.changeCase(immediate.event.caseId, (c) => (c && c.level < immediate.event.level ? { ...c, level: immediate.event.level } : undefined));
  }

  /** Claim, publish, mark. False when another replica holds the claim (it will fire it). */
  private async fire(id: string, event: Immediate['event']): Promise<boolean> {
    const now = this.clock();
    const existing = await this.store.claim(id, this.owner, now, this.settings.ESCALATION_LEASE_MS);
    if (!existing) {
      const firing = await this.store.firing(id);
      return firing?.publishedAt !== undefined;
    }
    await this.publisher.publish(Topics.EscalationFired, event, { id });
    await this.store.published(id, this.owner, this.clock());
    this.notifier.notify(id, event); // in the background: a slow receiver never holds up the ladder
    this.logger.log({ message: 'escalation fired', id, caseId: event.caseId, level: event.level, escalateTo: event.escalateTo, reason: event.reason });
    return true;
  }
}
