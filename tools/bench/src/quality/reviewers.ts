// Simulated reviewers who know the truth: each logs in through the review API and works its
// queue as a person would (read the queue, claim a case, act on it), deciding with the case's
// true label, wrong with a configurable probability.
import { seededRandom } from './random';

export interface Truth {
  truth: string;
  labels: readonly string[];
}

/**
 * What the reviewer believes the right label is: the truth, or with probability errorRate one of
 * the other labels, uniformly.
 */
export function reviewerBelief(truth: Truth, errorRate: number, random: () => number): string {
  if (!(random() < errorRate)) return truth.truth;
  const others = truth.labels.filter((l) => l !== truth.truth);
  if (others.length === 0) return truth.truth;
  return others[Math.floor(random() * others.length)];
}

export type ReviewAction = { path: 'approve'; body: Record<string, never> } | { path: 'override'; body: { outcome: string; reason: string; reasonCode?: string } } | { path: 'decide'; body: { outcome: string; reason: string } };

/**
 * The action for a case: a blind case (shadow rollout, no recommendation shown) is decided with
 * the belief; otherwise approve when the belief is the AI's recommendation, else override with the
 * belief and a reason.
 */
export function actionFor(item: { blind: boolean; recommendation: string | null }, belief: string, reasonCode?: string): ReviewAction {
  if (item.blind || item.recommendation === null) return { path: 'decide', body: { outcome: belief, reason: 'Checked against the source record.' } };
  if (item.recommendation === belief) return { path: 'approve', body: {} };
  return { path: 'override', body: { outcome: belief, reason: `The record shows ${belief}, not ${item.recommendation}.`, ...(reasonCode ? { reasonCode } : {}) } };
}

export interface ReviewerStats {
  decisions: number;
  byReason: Record<string, number>;
  byAction: Record<string, number>;
  /** Decisions whose outcome (approve: the recommendation) was not the true label. */
  wrong: number;
  /** Claims or actions another reviewer got to first, or refused as the case moved on (409). */
  conflicts: number;
  /** Other failed requests, by status. */
  failures: Record<string, number>;
  /** Cases in the queue the bench did not send (e.g. a replayed exercise of an unknown case). */
  unknown: number;
}

interface QueueItem {
  caseId: string;
  reason: string;
  blind: boolean;
  recommendation: string | null;
  claimedBy: { id: string } | null;
}

export interface ReviewerOptions {
  url: string;
  username: string;
  password: string;
  errorRate: number;
  seed: number;
  /** Pause after each decision (a person reading the next case), ms. */
  thinkMs: number;
  /** The policy's reason code an override carries (its overrideReasons; none when it lists none). */
  reasonCode?: string;
  truthOf: (caseId: string) => Truth | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SimulatedReviewer {
  readonly stats: ReviewerStats = { decisions: 0, byReason: {}, byAction: {}, wrong: 0, conflicts: 0, failures: {}, unknown: 0 };
  private token = '';
  private userId = '';
  private stopped = false;
  private readonly random: () => number;
  /** Cases this reviewer cannot work on (unknown, or refused for good), not to be picked again. */
  private readonly skip = new Set<string>();

  constructor(private readonly options: ReviewerOptions) {
    this.random = seededRandom(options.seed);
  }

  async login(): Promise<void> {
    const response = await fetch(`${this.options.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.options.username, password: this.options.password }),
    });
    if (response.status !== 200) throw new Error(`login of ${this.options.username}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { token: string; user: { id: string } };
    this.token = body.token;
    this.userId = body.user.id;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Works the queue until stop(); resolves when the current case is done. */
  async work(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await this.workOne();
      } catch (error) {
        this.fail(error instanceof Error ? error.name : 'error');
      }
      if (!worked) await sleep(150); // nothing to do: look again shortly
      else if (this.options.thinkMs > 0) await sleep(this.options.thinkMs * (0.5 + this.random()));
    }
  }

  private headers(json = false): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  private fail(what: string): void {
    this.stats.failures[what] = (this.stats.failures[what] ?? 0) + 1;
  }

  private async workOne(): Promise<boolean> {
    const response = await fetch(`${this.options.url}/api/queue?limit=20`, { headers: this.headers() });
    if (response.status === 401) {
      await this.login();
      return false;
    }
    if (response.status !== 200) {
      this.fail(`queue ${response.status}`);
      return false;
    }
    const queue = (await response.json()) as { items: QueueItem[] };
    const free = queue.items.filter((i) => !this.skip.has(i.caseId) && (!i.claimedBy || i.claimedBy.id === this.userId));
    if (free.length === 0) return false;
    // Several reviewers read the same queue: each picks one of the page at random, not all the first.
    const item = free[Math.floor(this.random() * free.length)];
    const id = encodeURIComponent(item.caseId);
    const claim = await fetch(`${this.options.url}/api/cases/${id}/claim`, { method: 'POST', headers: this.headers() });
    await claim.arrayBuffer();
    if (claim.status === 409) {
      this.stats.conflicts++;
      return true;
    }
    if (claim.status !== 200) {
      this.fail(`claim ${claim.status}`);
      this.skip.add(item.caseId);
      return true;
    }
    const truth = this.options.truthOf(item.caseId) ?? (await this.truthFromDetail(item.caseId));
    if (!truth) {
      this.stats.unknown++;
      this.skip.add(item.caseId);
      await (await fetch(`${this.options.url}/api/cases/${id}/claim`, { method: 'DELETE', headers: this.headers() })).arrayBuffer();
      return true;
    }
    const belief = reviewerBelief(truth, this.options.errorRate, this.random);
    const action = actionFor(item, belief, this.options.reasonCode);
    const answer = await fetch(`${this.options.url}/api/cases/${id}/${action.path}`, { method: 'POST', headers: this.headers(true), body: JSON.stringify(action.body) });
    await answer.arrayBuffer();
    if (answer.status === 409) {
      this.stats.conflicts++;
      return true;
    }
    if (answer.status !== 200) {
      this.fail(`${action.path} ${answer.status}`);
      this.skip.add(item.caseId);
      return true;
    }
    const outcome = action.path === 'approve' ? item.recommendation : action.body.outcome;
    this.stats.decisions++;
    this.stats.byReason[item.reason] = (this.stats.byReason[item.reason] ?? 0) + 1;
    this.stats.byAction[action.path] = (this.stats.byAction[action.path] ?? 0) + 1;
    if (outcome !== truth.truth) this.stats.wrong++;
    return true;
  }

  /** A case whose id the bench does not know (e.g. a replay): its prediction id may be one it sent. */
  private async truthFromDetail(caseId: string): Promise<Truth | undefined> {
    const response = await fetch(`${this.options.url}/api/cases/${encodeURIComponent(caseId)}`, { headers: this.headers() });
    if (response.status !== 200) return undefined;
    const detail = (await response.json()) as { predictionId?: string };
    return detail.predictionId ? this.options.truthOf(detail.predictionId) : undefined;
  }
}

/** Adds up the stats of several reviewers. */
export function totalStats(all: readonly ReviewerStats[]): ReviewerStats {
  const total: ReviewerStats = { decisions: 0, byReason: {}, byAction: {}, wrong: 0, conflicts: 0, failures: {}, unknown: 0 };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const s of all) {
    total.decisions += s.decisions;
    total.wrong += s.wrong;
    total.conflicts += s.conflicts;
    total.unknown += s.unknown;
    add(total.byReason, s.byReason);
    add(total.byAction, s.byAction);
    add(total.failures, s.failures);
  }
  return total;
}
