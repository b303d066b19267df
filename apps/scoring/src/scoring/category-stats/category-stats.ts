import type { CategoryRules } from '@hitl/policy';
import type { CaseSignature } from '../factors/case-signature';
import type { CategorySnapshot, LabelledMatches } from '../factors/category-snapshot';
import { categoricalValues, fieldValue, numericValue } from '../factors/field-value';
import type { RunningStats } from '../factors/running-stats';
import { LabelledCases } from './labelled-cases';
import { NumericField } from './numeric-field';
import { SeenValueSet } from './seen-values';
import type { StatsDelta, StoredCategoryStats } from './stats-document';

/**
 * Everything scoring knows about one category, in memory: the hot path reads and updates it
 * without touching the database; the store flushes the pending part periodically.
 */
export class CategoryStats implements CategorySnapshot {
  private readonly numericFields = new Map<string, NumericField>();
  private readonly categoricalFields = new Map<string, SeenValueSet>();
  readonly labelled: LabelledCases;

  constructor(labelledCapacity?: number) {
    this.labelled = new LabelledCases(labelledCapacity);
  }

  numeric(field: string): RunningStats | undefined {
    return this.numericFields.get(field)?.current;
  }

  categorical(field: string): SeenValueSet | undefined {
    return this.categoricalFields.get(field);
  }

  /** The similar labelled cases and how many agreed with the AI (what coverage is made of). */
  labelledMatches(signature: CaseSignature): LabelledMatches {
    return this.labelled.matches(signature);
  }

  /** Adds a scored case's inputs to the running statistics (after it was scored against them). */
  observe(input: Record<string, unknown>, rules: CategoryRules): void {
    for (const field of rules.inputs.numericFields) {
      const x = numericValue(fieldValue(input, field));
      if (x !== undefined) this.numericField(field).observe(x);
    }
    for (const field of rules.inputs.categoricalFields) {
      const values = categoricalValues(fieldValue(input, field));
      if (values.length > 0) this.categoricalField(field).observe(values);
    }
  }

  takePending(): StatsDelta {
    const delta: StatsDelta = { numeric: new Map(), categorical: new Map() };
    for (const [field, stats] of this.numericFields) {
      const d = stats.takePending();
      if (d) delta.numeric.set(field, d);
    }
    for (const [field, seen] of this.categoricalFields) {
      const d = seen.takePending();
      if (d) delta.categorical.set(field, d);
    }
    return delta;
  }

  restorePending(delta: StatsDelta): void {
    for (const [field, d] of delta.numeric) this.numericField(field).restorePending(d);
    for (const [field, d] of delta.categorical) this.categoricalField(field).restorePending(d);
  }

  /** Adopts the stored shared state (which may include other replicas' observations). */
  reset(stored: StoredCategoryStats): void {
    for (const { field, n, mean, m2 } of stored.numeric) this.numericField(field).reset({ n, mean, m2 });
    for (const { field, ...seen } of stored.categorical) this.categoricalField(field).reset(seen);
  }

  private numericField(field: string): NumericField {
    let stats = this.numericFields.get(field);
    if (!stats) this.numericFields.set(field, (stats = new NumericField()));
    return stats;
  }

  private categoricalField(field: string): SeenValueSet {
    let seen = this.categoricalFields.get(field);
    if (!seen) this.categoricalFields.set(field, (seen = new SeenValueSet()));
    return seen;
  }
}
