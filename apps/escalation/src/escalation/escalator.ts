import { Topics } from '@hitl/contracts';
import { contextOf, EventPublisher } from '@hitl/messaging';
import type { Policy } from '@hitl/policy';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ESCALATION_SETTINGS, type EscalationSettings } from '../escalation-settings';
import { Notifier } from '../notify/notifier';
import { cancellationsOf, immediateFor, ladderFor, liveDeadlines, manualEscalation, requestKeyOf, rungsOf, type CaseState, type Deadline, type Immediate, type ReviewRequested, type TimerEntry } from './ladder';
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
  private stopped = false;
  /** The next bucket, read ahead (a due burst then starts firing at once). */
  private prefetched?: { bucket: number; pieces: TimerEntry[][] };
  /** Deadlines this replica saw resolved (fired or no longer due), so a tick does not recheck them. */
  private readonly resolved = new Set<string>();
  /** What the last pass saw (the metrics read it): the cursor, and due deadlines it left unfired. */
  readonly progress = { cursor: Number.NaN, passAt: Number.NaN, dueOpen: 0, fired: 0 };

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
    this.schedule(0);
    this.notifier.start();
  }

  /**
   * The next pass runs at the earliest of: the tick interval, the next known due time, the start
   * of the next bucket. The durable buckets stay the truth; this only makes a known deadline fire
   * on time instead of up to a tick late.
   */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) => {
          this.logger.warn(`tick failed: ${error instanceof Error ? error.message : String(error)}`);
          return Infinity;
        })
        .then((wake) => this.schedule(Math.max(0, Math.min(this.settings.ESCALATION_TICK_MS, wake - this.clock().getTime()))))
        .finally(() => (this.ticking = undefined));
    }, delayMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await this.notifier.stop();
  }

  /**
   * Review requests, a batch at a time: each case's state in order, then every new ladder (and
   * the cancellation of the ladders they replace) in one append per bucket.
   */
  async requested(events: ReviewRequested[], traceparents: (string | undefined)[] = []): Promise<void> {
    const now = this.clock();
    const entries: TimerEntry[] = [];
    for (const [i, e] of events.entries()) {
      // A re-route after an escalation continues the ladder it came from; any other request
      // (first, next round, arbiter, max rounds) starts a new one.
      // An audit of an auto-approval checks a decision already made, an exercise replays a past
      // case: nothing to escalate.
      if (e.reason === 'escalation' || e.reason === 'audit' || e.reason === 'exercise') continue;
      const key = requestKeyOf(e);
      const traceparent = traceparents[i];
      const ladder = ladderFor(e, this.policy, this.settings.ESCALATION_TIME_SCALE).map((d) => (traceparent ? { ...d, traceparent } : d));
      let previous: CaseState | undefined;
      await this.store.changeCase(e.caseId, (c) => {
        previous = c;
        return c?.requestKey === key ? undefined : { _id: e.caseId, version: 0, requestKey: key, round: e.round, level: c && c.round === e.round ? c.level : 0, closed: false, ladder: rungsOf(ladder) };
      });
      const replaced = previous as CaseState | undefined;
      // Stored again when redelivered (the state was written, the ladder maybe not): a bucket reads each id once.
      entries.push(...ladder);
      if (replaced && replaced.requestKey !== key && !replaced.actedAt && !replaced.closed) entries.push(...cancellationsOf(replaced.ladder, now));
    }
    await this.store.add(entries, now);
    for (const [i, e] of events.entries()) for (const immediate of immediateFor(e, this.policy, now)) await this.fireNow(immediate, traceparents[i]);
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
    const state = await this.store.caseState(caseId);
    // Cancelled again on a redelivery (the state may have been written without the cancellations).
    if (state && state.round === round && state.actedAt === decidedAt) await this.cancelLadder(state);
  }

  async finalized(caseId: string): Promise<void> {
    await this.store.changeCase(caseId, (c) => (c && !c.closed ? { ...c, closed: true } : undefined));
    const state = await this.store.caseState(caseId);
    // A decision already cancelled the ladder; otherwise (also on a redelivery) this does.
    if (state?.closed && !state.actedAt) await this.cancelLadder(state);
  }

  private async cancelLadder(state: CaseState): Promise<void> {
    const now = this.clock();
    await this.store.add(cancellationsOf(state.ladder, now), now);
  }

  /**
   * One pass: every bucket from the cursor up to now; finished buckets move the cursor on.
   * Returns when the next pass is wanted (ms): the earliest due time still open, or the start of
   * the next bucket not read.
   */
  async tick(): Promise<number> {
    const now = this.clock();
    let bucket = await this.store.cursor(now);
    let wake = Infinity;
    let dueOpen = 0;
    for (; bucket <= now.getTime(); bucket += this.store.bucketMs) {
      const entries = this.prefetched?.bucket === bucket ? await this.store.readBucket(bucket, this.prefetched.pieces) : await this.store.readBucket(bucket);
      if (this.prefetched?.bucket === bucket) this.prefetched = undefined;
      const pending = liveDeadlines(entries.flat()).filter((d) => !this.resolved.has(d._id));
      const due: Deadline[] = [];
      for (const d of pending) {
        const at = Date.parse(d.dueAt);
        if (at <= now.getTime()) due.push(d);
        else wake = Math.min(wake, at);
      }
      const unfired = await this.fireDue(due, now);
      dueOpen += unfired;
      const open = pending.length - due.length + unfired;
      if (open > 0 || bucket + this.store.bucketMs > now.getTime()) break; // the cursor waits for this bucket
      await this.store.advance(bucket, new Set(entries.flat().map((e) => e._id)));
    }
    Object.assign(this.progress, { cursor: bucket, passAt: now.getTime(), dueOpen });
    if (this.resolved.size > 2_000_000) this.resolved.clear();
    // Read the next bucket ahead of its start: when it starts, only what was added since is read.
    const next = this.store.bucketOf(now.getTime()) + this.store.bucketMs;
    if (next - now.getTime() <= 2 * this.settings.ESCALATION_TICK_MS && this.prefetched?.bucket !== next) {
      this.prefetched = { bucket: next, pieces: await this.store.readBucket(next) };
    }
    return Math.min(wake, next);
  }

  /**
   * Fires due deadlines in batches: first claims in one insert, the events in one send; the
   * published marks once the burst is out; a deadline someone else claimed first goes the
   * one-by-one way (it may be a takeover). Returns how many stay unresolved.
   */
  private async fireDue(due: Deadline[], now: Date): Promise<number> {
    const batches: Deadline[][] = [];
    for (let i = 0; i < due.length; i += 500) batches.push(due.slice(i, i + 500));
    // Two batches in flight: the claims of one are written while the events of the other are sent
    // (a third measured no faster: FerretDB takes one writer at a time).
    let open = 0;
    let next = 0;
    const published: string[] = [];
    const worker = async () => {
      while (next < batches.length) open += await this.fireBatch(batches[next++], now, published);
    };
    try {
      await Promise.all([worker(), worker()]);
    } finally {
      // Marked after the whole burst went out: the marks only matter to a takeover after
      // ESCALATION_LEASE_MS, and writing them between batches delayed the later batches.
      for (let i = 0; i < published.length; i += 2_000) await this.store.markFired(published.slice(i, i + 2_000), this.clock());
    }
    return open;
  }

  /** Cancelled deadlines are gone already (liveDeadlines): nothing to look up per deadline. */
  private async fireBatch(batch: Deadline[], now: Date, published: string[]): Promise<number> {
    const t1 = performance.now();
    const won = await this.store.claimMany(batch.map((d) => d._id), this.owner, now, this.settings.ESCALATION_LEASE_MS);
    const t2 = performance.now();
    const mine = batch.filter((d) => won.has(d._id));
    const events = mine.map((d) => ({ id: d._id, event: this.timeoutEvent(d, now) }));
    const traces = new Map(mine.map((d) => [d._id, d.traceparent]));
    await this.publisher.publishAll(events.map(({ id, event }) => ({ topic: Topics.EscalationFired, data: event, id, traceContext: contextOf(traces.get(id)) })));
    const t3 = performance.now();
    published.push(...events.map((e) => e.id));
    const ms = (a: number, b: number) => Math.round(b - a);
    this.progress.fired += events.length;
    for (const { id, event } of events) {
      this.resolved.add(id);
      this.notifier.notify(id, event);
    }
    if (mine.length > 0) this.logger.log({ message: 'escalations fired', count: mine.length, claimMs: ms(t1, t2), publishMs: ms(t2, t3) });
    let open = 0;
    for (const d of batch.filter((x) => !won.has(x._id))) {
      if (await this.fire(d._id, this.timeoutEvent(d, now), d.traceparent)) this.resolved.add(d._id);
      else open++;
    }
    return open;
  }

  private timeoutEvent(d: Deadline, now: Date): Immediate['event'] {
    return { caseId: d.caseId, level: d.level, escalateTo: d.escalateTo, reason: d.reason, firedAt: now.toISOString(), round: d.round, ...(d.nextDueAt ? { dueAt: d.nextDueAt } : {}) };
  }

  /** `traceparent`: the case's trace, when the caller is not already inside it (a batch). */
  private async fireNow(immediate: Immediate, traceparent?: string): Promise<void> {
    await this.fire(immediate.id, immediate.event, traceparent);
    await this.store.changeCase(immediate.event.caseId, (c) => (c && c.level < immediate.event.level ? { ...c, level: immediate.event.level } : undefined));
  }

  /** Claim, publish, mark. False when another replica holds the claim (it will fire it). */
  private async fire(id: string, event: Immediate['event'], traceparent?: string): Promise<boolean> {
    const now = this.clock();
    const claimed = await this.store.claim(id, this.owner, now, this.settings.ESCALATION_LEASE_MS);
    if (!claimed) return this.store.isFired(id);
    await this.publisher.publish(Topics.EscalationFired, event, { id, ...(traceparent ? { traceContext: contextOf(traceparent) } : {}) });
    this.progress.fired++;
    await this.store.markFired([id], this.clock());
    this.notifier.notify(id, event); // in the background: a slow receiver never holds up the ladder
    this.logger.log({ message: 'escalation fired', id, caseId: event.caseId, level: event.level, escalateTo: event.escalateTo, reason: event.reason });
    return true;
  }
}
