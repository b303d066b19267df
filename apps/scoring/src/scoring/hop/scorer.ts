import { parseEvent, Topics } from '@hitl/contracts';
import type { IncomingEvent, OutgoingEvent } from '@hitl/messaging';
import { rulesFor, type CategoryRules, type Policy } from '@hitl/policy';
import { Inject, Injectable } from '@nestjs/common';
import { CalibrationStore } from '../calibration/calibration.store';
import { CategoryStatsStore } from '../category-stats/category-stats.store';
import { caseSignature } from '../factors/case-signature';
import { scorePrediction } from '../score-prediction';
import { POLICY } from '../tokens';
import { TrustStore } from '../trust/trust.store';

type Submitted = IncomingEvent<typeof Topics.PredictionSubmitted>;

/**
 * The transform of the scoring hop: prediction.submitted → prediction.scored, from memory only
 * (policy, calibrations, category statistics), so a chunk costs no database round trip.
 */
@Injectable()
export class Scorer {
  private readonly rules = new Map<string, CategoryRules>();

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly stats: CategoryStatsStore,
    private readonly calibration: CalibrationStore,
    private readonly trust: TrustStore,
  ) {}

  score(events: Submitted[], now = new Date()): OutgoingEvent<typeof Topics.PredictionScored>[] {
    return events.map((event) => this.scoreOne(event, now));
  }

  private scoreOne(event: Submitted, now: Date): OutgoingEvent<typeof Topics.PredictionScored> {
    const prediction = event.data;
    const calibrated = this.calibration.forCategory(prediction.category);
    const base = this.rulesOf(prediction.category);
    const rules = calibrated ? { ...base, bands: calibrated.bands } : base;
    const stats = this.stats.of(prediction.category);
    const scored = scorePrediction(prediction, {
      policy: this.policy,
      rules,
      stats,
      policyVersion: calibrated?.policyVersion ?? this.policy.version,
      now,
      trust: this.trust.of(prediction.category, prediction.modelVersion),
    });
    // Validated here, not only when the transaction encodes it: a ContractError thrown here
    // dead-letters this one event; thrown at commit it would fail the whole chunk, again and again.
    const data = parseEvent(Topics.PredictionScored, scored);
    this.stats.learn(event.id, prediction, rules, caseSignature(prediction.recommendation, prediction.input, rules));
    return {
      topic: Topics.PredictionScored,
      data,
      // Derived from the input: a redelivered prediction yields the same event id downstream.
      id: `${event.id}:scored`,
      time: data.scoredAt,
      // One case, one trace: the scored event continues the producer's trace.
      traceContext: event.traceContext,
    };
  }

  private rulesOf(category: string): CategoryRules {
    let rules = this.rules.get(category);
    if (!rules) this.rules.set(category, (rules = rulesFor(this.policy, category)));
    return rules;
  }
}
