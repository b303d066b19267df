import { Gauge, type Registry } from 'prom-client';
import type { QueueView } from './queue-view';

/**
 * Cases waiting for people, from the replica's queue view (no database query at a scrape). Every
 * replica holds every case not yet finalized (reloaded each REVIEW_VIEW_REFRESH_MS), so sum over
 * the labels of one replica, and take max(), not sum(), across replicas.
 */
export function registerQueueMetrics(registry: Registry, view: QueueView, now: () => number = Date.now): void {
  const registers = [registry];
  new Gauge({
    name: 'hitl_review_cases',
    help: 'Cases not yet finalized, by status (open, deciding, waiting_producer), tier, whether a reviewer holds a claim on them now, and whether they were escalated.',
    labelNames: ['status', 'tier', 'claimed', 'escalated'],
    registers,
    collect() {
      this.reset();
      for (const c of view.census(now()).counts.values()) this.set({ status: c.status, tier: c.tier, claimed: String(c.claimed), escalated: String(c.escalated) }, c.n);
    },
  });
  new Gauge({
    name: 'hitl_review_oldest_open_seconds',
    help: 'Age of the oldest open case (since its review was requested); 0 with none open.',
    registers,
    collect() {
      this.set(view.census(now()).oldestOpenMs / 1000);
    },
  });
}
