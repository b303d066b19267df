import type { FeedbackCapturedV1, PredictionSubmittedV1 } from '@hitl/contracts';
import { DB_CONNECTION } from '@hitl/platform';
import type { CategoryRules } from '@hitl/policy';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { BoundedMap } from '../bounded-map';
import type { CaseSignature } from '../factors/case-signature';
import { CategoryStats } from './category-stats';
import { CategoryStatsRepository, type StoredLabelledCase } from './category-stats.repository';
import { isEmptyDelta, type StoredCategoryStats } from './stats-document';

/** Labelled cases kept in memory per category (the newest; coverage counts among them). */
export const LABELLED_PER_CATEGORY = 5_000;
/** Cases remembered for feedback (signature) and for not learning from one event twice. */
const RECENT_CASES = 100_000;
/** Labelled cases read at start-up, over all categories. */
const LABELLED_LOADED = 100_000;
/** Replicas' clocks differ: pulling others' labelled cases looks back this much further. */
const PULL_OVERLAP_MS = 60_000;

/**
 * The per-category state scoring keeps in memory: loaded at start, updated on the hot path
 * without database writes, flushed in the background by sync() (statistics merged into one
 * document per category; other replicas' labelled cases pulled in).
 */
@Injectable()
export class CategoryStatsStore implements OnModuleInit {
  private readonly logger = new Logger('CategoryStats');
  private readonly repository: CategoryStatsRepository;
  private readonly categories = new Map<string, CategoryStats>();
  private readonly stored = new Map<string, StoredCategoryStats>();
  private readonly signatures = new BoundedMap<string, CaseSignature>(RECENT_CASES);
  private readonly learned = new BoundedMap<string, true>(RECENT_CASES);
  private lastPull = new Date(0);
  private syncing: Promise<void> | undefined;

  constructor(@Inject(DB_CONNECTION) connection: Connection) {
    this.repository = new CategoryStatsRepository(connection.db!);
  }

  async onModuleInit(): Promise<void> {
    await this.repository.ensureIndexes();
    const startedAt = new Date();
    for (const doc of await this.repository.loadStats()) {
      this.stored.set(doc._id, doc);
      this.of(doc._id).reset(doc);
    }
    this.addLabelled(await this.repository.recentLabelled(LABELLED_LOADED));
    this.lastPull = startedAt;
  }

  /** The category's state; what scoring reads as its snapshot. */
  of(category: string): CategoryStats {
    let stats = this.categories.get(category);
    if (!stats) this.categories.set(category, (stats = new CategoryStats(LABELLED_PER_CATEGORY)));
    return stats;
  }

  /**
   * After a case is scored: its inputs join the category's statistics, once per event (a chunk
   * retried by the transformer is not counted twice) and only in its first round (a revised
   * prediction is the same case); its signature is remembered for its feedback.
   */
  learn(eventId: string, prediction: PredictionSubmittedV1, rules: CategoryRules, signature: CaseSignature): void {
    this.signatures.set(prediction.predictionId, signature);
    if (this.learned.has(eventId)) return;
    this.learned.set(eventId, true);
    if (prediction.round === 1) this.of(prediction.category).observe(prediction.input, rules);
  }

  /**
   * Human decisions become labelled cases, each with whether the human agreed with the AI:
   * stored first (idempotent per feedback id), then counted.
   */
  async recordLabelled(feedback: FeedbackCapturedV1[], now = new Date()): Promise<void> {
    const cases = feedback.map<StoredLabelledCase>((f) => {
      const signature = this.signatures.get(f.caseId);
      return {
        _id: f.feedbackId,
        category: f.category,
        recommendation: f.aiRecommendation,
        // The signature of the case as scored here; unknown if another replica scored it.
        features: signature?.recommendation === f.aiRecommendation ? signature.features : null,
        // Coverage is earned by agreement: an override is a similar case the AI got wrong.
        agrees: !f.override,
        storedAt: now,
      };
    });
    await this.repository.insertLabelled(cases);
    this.addLabelled(cases);
  }

  /**
   * Reads what other replicas flushed, flushes this replica's pending statistics, and pulls
   * other replicas' labelled cases; one run at a time.
   */
  async sync(now = new Date()): Promise<void> {
    const previous = this.syncing ?? Promise.resolve();
    const run = previous.then(() => this.syncOnce(now));
    this.syncing = run.catch(() => undefined);
    await run;
  }

  private async syncOnce(now: Date): Promise<void> {
    // Other replicas' flushes first, so each compare-and-set below starts from the latest version.
    for (const doc of await this.repository.loadStats()) {
      if ((this.stored.get(doc._id)?.version ?? 0) >= doc.version) continue;
      this.stored.set(doc._id, doc);
      this.of(doc._id).reset(doc);
    }
    for (const [category, stats] of this.categories) {
      const delta = stats.takePending();
      if (isEmptyDelta(delta)) continue;
      try {
        const saved = await this.repository.saveDelta(category, delta, this.stored.get(category), now);
        this.stored.set(category, saved);
        stats.reset(saved);
      } catch (error) {
        stats.restorePending(delta);
        this.logger.warn({ message: 'statistics not flushed; will retry', category, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const since = new Date(this.lastPull.getTime() - PULL_OVERLAP_MS);
    this.addLabelled(await this.repository.labelledSince(since));
    this.lastPull = now;
  }

  private addLabelled(cases: StoredLabelledCase[]): void {
    for (const c of cases) {
      // A case stored without `agrees` (before it was recorded) counts as not agreeing.
      this.of(c.category).labelled.add({ id: c._id, recommendation: c.recommendation, features: c.features, agrees: c.agrees === true });
    }
  }
}
