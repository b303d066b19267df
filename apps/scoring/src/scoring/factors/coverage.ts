import type { LabelledMatches } from './category-snapshot';

/**
 * Training-data coverage from the human-labelled cases similar to this one: the share of them
 * where the human agreed with the AI, shrunk toward 0 by `scale` — agreeing / (similar + scale).
 *
 * Why agreement and not the number of labels: a label is evidence about the model only through
 * what it says. Counting labels let trust grow with volume, so a model the reviewers overrode on
 * every case gained coverage as they corrected it. Here an override adds to the denominator only
 * (it lowers coverage), an agreeing case to both (it raises it), so volume alone raises nothing:
 * every case overridden stays at 0 however many there are.
 *
 * Why `scale`: a few agreeing labels prove little. The scale acts as that many unproven cases
 * added to the similar ones, so no labels give 0 (the safe side: an unproven category goes to
 * people), `scale` similar cases all agreeing give 0.5, three times as many 0.75; with more
 * labels coverage approaches their agreement share and never exceeds it.
 */
export function coverageFrom(labelled: LabelledMatches, scale: number): number {
  const { similar } = labelled;
  if (!(similar > 0) || !(scale > 0)) return 0;
  const agreeing = Math.min(similar, Math.max(0, labelled.agreeing || 0));
  return agreeing / (similar + scale);
}
