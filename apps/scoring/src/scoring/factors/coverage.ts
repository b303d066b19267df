/**
 * Training-data coverage from n similar human-labelled cases: 1 − e^(−n/scale). No labelled
 * data gives 0 (the safe side: an unproven category goes to people); `scale` labelled cases
 * give 0.63, three times as many 0.95.
 */
export function coverageFrom(similarLabelled: number, scale: number): number {
  if (!(similarLabelled > 0) || !(scale > 0)) return 0;
  return 1 - Math.exp(-similarLabelled / scale);
}
