import { documentCodec, insertNew, VersionedWrites } from '@hitl/platform';
import type { Collection, Db } from 'mongodb';
import type { EscalationFired, FeedbackCaptured, RequestInfo, ReviewDecided } from '../capture/capture';
import { applyToDay, dayStatsId, type DayChange, type DayStats, type Position } from '../health/daily';

/**
 * An event decided once and published (a retraining trigger, a calibration): kept until
 * published, so a crash between deciding and publishing loses nothing.
 */
export interface PublishMark {
  _id: string;
  version: number;
  /** No new trigger before this instant (one per window). */
  until: string;
  /** The event, kept until published, so a crash between deciding and publishing loses nothing. */
  event: Record<string, unknown>;
  eventId: string;
  openedAt: string;
  published: boolean;
  /** Calibrations: how many this category has had (its policy version counts them). */
  n?: number;
}

/** A trigger decided this long ago and still unpublished was left by a writer that died. */
const STALE_TRIGGER_MS = 30_000;

/** A feedback record; `counted` once its decision is in the day counters. */
export type StoredFeedback = FeedbackCaptured & { _id: string; counted?: boolean };

/** Events that named a request not seen yet: handled when it arrives (topics are consumed apart). */
export interface Parked {
  _id: string;
  version: number;
  items: ParkedItem[];
}
export type ParkedItem =
  | { kind: 'decided'; data: ReviewDecided; at: Position }
  | { kind: 'escalated'; data: EscalationFired; at: Position };

export type Scope = 'categories' | 'reviewers';

/**
 * Day counters, request infos and parked events are stored as one JSON string each
 * (documentCodec): FerretDB pays per field, and a day document has hundreds (confidence bins,
 * review times, offset marks). Everything here is read by _id, so nothing else stays outside.
 */
const dayCodec = documentCodec<DayStats>();
const requestCodec = documentCodec<RequestInfo>();
const parkedCodec = documentCodec<Parked>();

/** How a human-decided case ended, beside the AI's recommendation (to judge hand escalations). */
export interface FinalOutcome {
  _id: string;
  outcome: string;
  recommendation: string;
  finalizedAt: string;
}

/**
 * Who escalated a case by hand (to judge later whether it was needed), and who overrode the AI
 * on it (`override`: to judge later whether the case ended with their outcome: a catch).
 */
export interface Escalators {
  _id: string;
  version: number;
  by: { reviewerId: string; decisionId: string; override?: { outcome: string; category: string; recommendation: string } }[];
}

interface Known {
  _id: Scope;
  version: number;
  names: string[];
}

/**
 * The feedback service's documents. Everything is read by _id: request infos by case and round,
 * day counters by day and category, a small list of the categories seen.
 */
export class FeedbackStore {
  private readonly requests: Collection<RequestInfo>;
  private readonly feedback: Collection<StoredFeedback>;
  private readonly days: Collection<DayStats>;
  private readonly reviewerDays: Collection<DayStats>;
  private readonly reviewerDayWrites: VersionedWrites<DayStats>;
  private readonly requestWrites: VersionedWrites<RequestInfo>;
  private readonly known: Collection<Known>;
  private readonly marks: Collection<PublishMark>;
  private readonly parked: Collection<Parked>;
  private readonly escalators: Collection<Escalators>;
  private readonly outcomes: Collection<FinalOutcome>;
  private readonly escalatorWrites: VersionedWrites<Escalators>;
  private readonly parkedWrites: VersionedWrites<Parked>;
  private readonly dayWrites: VersionedWrites<DayStats>;
  private readonly knownWrites: VersionedWrites<Known>;
  private readonly markWrites: VersionedWrites<PublishMark>;
  private readonly seen = new Set<string>();
  /**
   * One write at a time per replica: FerretDB keeps a database in one SQLite file with one
   * writer; concurrent writers only wait on each other (see the review service's queue store).
   */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(db: Db) {
    this.requests = db.collection('requests');
    this.feedback = db.collection('feedback');
    this.days = db.collection('days');
    this.reviewerDays = db.collection('reviewer_days');
    this.known = db.collection('known');
    this.marks = db.collection('marks');
    this.parked = db.collection('parked');
    this.escalators = db.collection('escalators');
    this.outcomes = db.collection('final_outcomes');
    // One claims collection per collection: request documents and parked events share their ids
    // (`r:<case>:<round>`), and a shared one would let one's version claims block the other's.
    const claimsOf = (name: string) => db.collection<never>(`${name}_claims`) as never;
    // Today's documents change with every batch: the last version is remembered, not read again.
    this.dayWrites = new VersionedWrites(this.days, claimsOf('days'), { codec: dayCodec, remember: 256 });
    this.reviewerDayWrites = new VersionedWrites(this.reviewerDays, claimsOf('reviewer_days'), { codec: dayCodec, remember: 256 });
    this.requestWrites = new VersionedWrites(this.requests, claimsOf('requests'), { codec: requestCodec });
    this.knownWrites = new VersionedWrites(this.known, claimsOf('known'));
    this.markWrites = new VersionedWrites(this.marks, claimsOf('marks'));
    this.parkedWrites = new VersionedWrites(this.parked, claimsOf('parked'), { codec: parkedCodec });
    this.escalatorWrites = new VersionedWrites(this.escalators, claimsOf('escalators'));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Request infos, inserted in one request; one already there (a redelivery) is fine. */
  saveRequests(infos: RequestInfo[]): Promise<void> {
    if (infos.length === 0) return Promise.resolve();
    return this.serial(async () => void (await insertNew(this.requests, infos.map((info) => requestCodec.encode(info) as never))));
  }

  async request(id: string): Promise<RequestInfo | null> {
    return (await this.requestWrites.read(id)) ?? null;
  }

  /** Remembers a reviewer's escalation of a case (once per decision). */
  recordEscalation(caseId: string, entry: Escalators['by'][number]): Promise<unknown> {
    return this.serial(() =>
      this.escalatorWrites.changeLikelyNew(caseId, (current) => (current?.by.some((e) => e.decisionId === entry.decisionId) ? undefined : { _id: caseId, version: 0, by: [...(current?.by ?? []), entry] })),
    );
  }

  /** Keeps how a human-decided case ended; the same again is fine. */
  saveOutcome(outcome: FinalOutcome): Promise<void> {
    return this.serial(async () => void (await insertNew(this.outcomes, [outcome])));
  }

  outcomeOf(caseId: string): Promise<FinalOutcome | null> {
    return this.outcomes.findOne({ _id: caseId });
  }

  escalatorsOf(caseId: string): Promise<Escalators | null> {
    return this.escalators.findOne({ _id: caseId });
  }

  /** Keeps an event until the request it names arrives. */
  park(requestId: string, item: ParkedItem): Promise<unknown> {
    const same = (x: ParkedItem) => x.at.topic === item.at.topic && x.at.partition === item.at.partition && x.at.offset === item.at.offset;
    return this.serial(() =>
      this.parkedWrites.changeLikelyNew(requestId, (current) => (current?.items.some(same) ? undefined : { _id: requestId, version: 0, items: [...(current?.items ?? []), item] })),
    );
  }

  async takeParked(requestId: string): Promise<ParkedItem[]> {
    return (await this.parkedWrites.read(requestId))?.items ?? [];
  }

  dropParked(requestId: string): Promise<unknown> {
    return this.serial(async () => {
      const found = await this.parked.findOneAndDelete({ _id: requestId });
      if (found) await this.parkedWrites.forget(requestId, found.version);
    });
  }

  /** Stores a feedback record; false when it was already stored (a redelivered decision). */
  /** Stores new feedback records (one insert for the batch); ones already stored are left as they are. */
  saveFeedbacks(records: FeedbackCaptured[]): Promise<unknown> {
    if (records.length === 0) return Promise.resolve();
    return this.serial(() => insertNew(this.feedback, records.map((record) => ({ _id: record.feedbackId, ...record }))));
  }

  feedbackRecord(id: string): Promise<StoredFeedback | null> {
    return this.feedback.findOne({ _id: id });
  }

  /** One writer per record (its case's partition): a plain update is enough. */
  markCounted(id: string): Promise<unknown> {
    return this.serial(() => this.feedback.updateOne({ _id: id }, { $set: { counted: true } }));
  }

  /**
   * Applies counted changes to one day of a category, or of a reviewer (`scope`), each change
   * once by its position.
   */
  async count(day: string, name: string, changes: { at: Position; change: DayChange }[], scope: Scope = 'categories'): Promise<void> {
    if (changes.length === 0) return;
    await this.remember(scope, name);
    const writes = scope === 'categories' ? this.dayWrites : this.reviewerDayWrites;
    // change, not changeLikelyNew: a day's document exists after its first event.
    await this.serial(() => writes.change(dayStatsId(day, name), (current) => applyToDay(current, day, name, changes)));
  }

  async daysOf(name: string, days: string[], scope: Scope = 'categories'): Promise<DayStats[]> {
    const writes = scope === 'categories' ? this.dayWrites : this.reviewerDayWrites;
    const found = await Promise.all(days.map((day) => writes.read(dayStatsId(day, name))));
    return found.filter((d): d is DayStats => d !== undefined);
  }

  /** The categories (or reviewers) counted so far. */
  async names(scope: Scope = 'categories'): Promise<string[]> {
    return ((await this.known.findOne({ _id: scope }))?.names ?? []).slice().sort();
  }

  private async remember(scope: Scope, name: string): Promise<void> {
    if (this.seen.has(`${scope}:${name}`) || name === '*') return;
    await this.serial(() =>
      this.knownWrites.change(scope, (current) => (current?.names.includes(name) ? undefined : { _id: scope, version: 0, names: [...(current?.names ?? []), name] })),
    );
    this.seen.add(`${scope}:${name}`);
  }

  /**
   * Adds a person's decision to its request; returns the decisions other people made on it
   * before (each forms a dual-review pair with this one). The same decision again returns the
   * same earlier ones.
   */
  async recordDecision(requestId: string, entry: RequestInfo['decisions'][number]): Promise<RequestInfo['decisions']> {
    let earlier: RequestInfo['decisions'] = [];
    await this.serial(() =>
      this.requestWrites.change(requestId, (current) => {
        if (!current) return undefined;
        const list = current.decisions ?? [];
        const at = list.findIndex((d) => d.decisionId === entry.decisionId);
        earlier = at >= 0 ? list.slice(0, at) : list;
        return at >= 0 ? undefined : { ...current, decisions: [...list, entry] };
      }),
    );
    return earlier.filter((d) => d.reviewerId !== entry.reviewerId);
  }

  /**
   * Opens a retraining window for a category and model unless one is open: returns the mark to
   * publish (new, or an earlier one never published), or undefined.
   */
  openRetraining(key: string, now: Date, make: () => { until: string; event: Record<string, unknown>; eventId: string }): Promise<PublishMark | undefined> {
    return this.openMark(key, now, (current) => (current && Date.parse(current.until) > now.getTime() ? undefined : make()));
  }

  /** Every mark whose key starts with `prefix` (retraining, calibration): one per category or model, a small collection. */
  marksStartingWith(prefix: string): Promise<PublishMark[]> {
    return this.marks.find({}).toArray().then((all) => all.filter((m) => m._id.startsWith(prefix)));
  }

  /** The last mark written under `key` (a calibration's: the bands it published). */
  mark(key: string): Promise<PublishMark | null> {
    return this.marks.findOne({ _id: key });
  }

  /**
   * Writes a new mark when `decide` returns one (given the current mark), or hands back a mark a
   * dead writer left unpublished; the caller publishes what it gets, then `markPublished`.
   */
  openMark(key: string, now: Date, decide: (current: PublishMark | undefined) => { until: string; event: Record<string, unknown>; eventId: string; n?: number } | undefined): Promise<PublishMark | undefined> {
    return this.serial(async () => {
      let opened: PublishMark | undefined;
      await this.markWrites.change(key, (current) => {
        opened = undefined;
        // Left unpublished by a writer that died (not one still publishing it): publish it now.
        if (current && !current.published) {
          if (now.getTime() - Date.parse(current.openedAt) > STALE_TRIGGER_MS) opened = current;
          return undefined;
        }
        const next = decide(current);
        if (!next) return undefined;
        opened = { _id: key, version: 0, ...next, openedAt: now.toISOString(), published: false };
        return opened;
      });
      return opened;
    });
  }

  markPublished(mark: PublishMark): Promise<unknown> {
    return this.serial(() => this.markWrites.change(mark._id, (current) => (current && current.eventId === mark.eventId && !current.published ? { ...current, published: true } : undefined)));
  }
}
