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
      // The rung reached: escalations recorded on the case, and timeouts of its current ladder.
      let reached = state?.level ?? 0;
      if (state) {
        for (let level = this.policy.escalation.ladder.length; level > reached; level--) {
          if (await this.store.isFired(`${caseId}:${state.requestKey}:${level}`)) {
            reached = level;
            break;
          }
        }
      }
      await this.fireNow(manualEscalation(caseId, round, reached, decisionId, reason, this.policy, this.clock()));
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
      const pending = (await this.store.bucket(bucket)).filter((d) => !this.resolved.has(d._id));
      const due = pending.filter((d) => Date.parse(d.dueAt) <= now.getTime());
      const open = pending.length - due.length + (await this.fireDue(due, now));
      if (open > 0 || bucket + this.store.bucketMs > now.getTime()) break; // the cursor waits for this bucket
      await this.store.advance(bucket);
    }
    if (this.resolved.size > 2_000_000) this.resolved.clear();
  }

  /**
   * Fires due deadlines in batches: their cases in parallel lookups, first claims in one insert,
   * the events in one send, the marks in one insert; a deadline someone else claimed first goes
   * the one-by-one way (it may be a takeover). Returns how many stay unresolved.
   */
  private async fireDue(due: Deadline[], now: Date): Promise<number> {
    let open = 0;
    for (let i = 0; i < due.length; i += 1_000) {
      const chunk = due.slice(i, i + 1_000);
      const states = await this.store.caseStates(chunk.map((d) => d.caseId));
      const live = chunk.filter((d) => {
        if (stillDue(d, states.get(d.caseId))) return true;
        this.resolved.add(d._id);
        return false;
      });
      const won = await this.store.claimMany(live.map((d) => d._id), this.owner, now, this.settings.ESCALATION_LEASE_MS);
      const mine = live.filter((d) => won.has(d._id));
      const events = mine.map((d) => ({ id: d._id, event: this.timeoutEvent(d, now) }));
      await this.publisher.publishAll(events.map(({ id, event }) => ({ topic: Topics.EscalationFired, data: event, id })));
      await this.store.markFired(mine.map((d) => d._id), this.clock());
      for (const { id, event } of events) {
        this.resolved.add(id);
        this.notifier.notify(id, event);
      }
      if (mine.length > 0) this.logger.log({ message: 'escalations fired', count: mine.length });
      for (const d of live.filter((x) => !won.has(x._id))) {
        if (await this.fire(d._id, this.timeoutEvent(d, now))) this.resolved.add(d._id);
        else open++;
      }
    }
    return open;
  }

  private timeoutEvent(d: Deadline, now: Date): Immediate['event'] {
    return { caseId: d.caseId, level: d.level, escalateTo: d.escalateTo, reason: d.reason, firedAt: now.toISOString(), round: d.round, ...(d.nextDueAt ? { dueAt: d.nextDueAt } : {}) };
  }

  private async fireNow(immediate: Immediate): Promise<void> {
    await this.fire(immediate.id, immediate.event);
    await this.store.changeCase(immediate.event.caseId, (c) => (c && c.level < immediate.event.level ? { ...c, level: immediate.event.level } : undefined));
  }

  /** Claim, publish, mark. False when another replica holds the claim (it will fire it). */
  private async fire(id: string, event: Immediate['event']): Promise<boolean> {
    const now = this.clock();
    const claimed = await this.store.claim(id, this.owner, now, this.settings.ESCALATION_LEASE_MS);
    if (!claimed) return this.store.isFired(id);
    await this.publisher.publish(Topics.EscalationFired, event, { id });
    await this.store.markFired([id], this.clock());
    this.notifier.notify(id, event); // in the background: a slow receiver never holds up the ladder
    this.logger.log({ message: 'escalation fired', id, caseId: event.caseId, level: event.level, escalateTo: event.escalateTo, reason: event.reason });
    return true;
  }
}
