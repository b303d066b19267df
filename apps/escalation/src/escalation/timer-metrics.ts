import { Counter, Gauge, type Registry } from 'prom-client';
import type { Escalator } from './escalator';
import type { TimerStore } from './timer-store';

/**
 * The timer wheel as Prometheus sees it: how far behind the oldest unfinished bucket is (the
 * alert: deadlines firing late), due deadlines a pass left unfired, firings, and the pending
 * deadlines, counted every `scanMs` at most (the count reads every stored deadline, so a scrape
 * answers with the last count and starts the next one when it is due).
 */
export function registerTimerMetrics(registry: Registry, escalator: Escalator, store: TimerStore, scanMs: number, now: () => number = Date.now): void {
  const registers = [registry];
  new Gauge({
    name: 'hitl_timers_cursor_lag_seconds',
    help: "How long ago the oldest bucket of deadlines not yet done began, as of this replica's last pass (normally under one bucket, ESCALATION_BUCKET_MS).",
    registers,
    collect() {
      const { cursor, passAt } = escalator.progress;
      if (Number.isFinite(cursor)) this.set(Math.max(0, (passAt - cursor) / 1000));
    },
  });
  new Gauge({
    name: 'hitl_timers_due_unfired',
    help: "Deadlines already due that this replica's last pass could not fire (held by another replica's claim, or failing).",
    registers,
    collect() {
      this.set(escalator.progress.dueOpen);
    },
  });
  new Counter({
    name: 'hitl_escalations_fired_total',
    help: 'escalation.fired events this replica published (timeouts and immediate triggers).',
    registers,
    collect() {
      this.reset();
      this.inc(escalator.progress.fired);
    },
  });
  if (scanMs <= 0) return;
  let last: { at: number; pending: number } | undefined;
  let running: Promise<void> | undefined;
  const count = async () => {
    const cursor = escalator.progress.cursor;
    if (!Number.isFinite(cursor)) return;
    const { pending } = await store.census(cursor);
    last = { at: now(), pending };
  };
  new Gauge({
    name: 'hitl_timers_pending',
    help: `Deadlines stored and not yet fired or cancelled, counted at most every ${scanMs / 1000} s (ESCALATION_PENDING_SCAN_MS). Every replica counts the same store: use max(), not sum().`,
    registers,
    async collect() {
      if ((!last || now() - last.at >= scanMs) && !running) {
        running = count().finally(() => (running = undefined));
        // The first count is waited for; later scrapes answer at once with the last one.
        if (!last) await running.catch(() => undefined);
      }
      if (last) this.set(last.pending);
    },
  });
}
