import type { Band, FactorValue, Score, Trigger } from '@hitl/contracts';
import type { BandEdges } from '@hitl/policy';
import type { LabelledMatches } from './factors/category-snapshot';
import type { EdgeCaseFinding } from './factors/edge-cases';

export interface ExplanationInput {
  overall: number;
  band: Band;
  bands: BandEdges;
  factors: Score['factors'];
  /** The similar labelled cases coverage was computed from, and how many agreed with the AI. */
  labelled: LabelledMatches;
  missing: string[];
  findings: EdgeCaseFinding[];
  triggers: Trigger[];
}

const BAND_WORDS: Record<Band, string> = {
  auto_approve: 'auto-approve',
  auto_approve_audit: 'auto-approve with audit',
  human_review: 'human review',
  senior_review: 'senior review',
};

const MAX_LENGTH = 1_000;
const MAX_FINDINGS = 3;

/**
 * One line a reviewer can check against the factors, e.g.
 * "0.78 human review: model 0.86, coverage 0.41 (12 of 15 similar labelled cases agreed with the AI), input
 * complete, no outliers". Coverage names both counts: it is earned by agreement, not by volume.
 */
export function explain(e: ExplanationInput): string {
  const { factors: f } = e;
  const parts = [
    `model ${num(f.modelConfidence.value)}${producer(f.modelConfidence)}`,
    `coverage ${num(f.trainingDataCoverage.value)}${f.trainingDataCoverage.source === 'producer' ? ' (producer)' : ` (${similarCases(e.labelled)})`}`,
    f.inputQuality.source === 'producer'
      ? `input ${num(f.inputQuality.value)} (producer)`
      : e.missing.length === 0
        ? 'input complete'
        : `input missing ${e.missing.join(', ')}`,
    f.edgeCaseIndicators.source === 'producer'
      ? `edge cases ${num(f.edgeCaseIndicators.value)} (producer)`
      : e.findings.length === 0
        ? 'no outliers'
        : e.findings.slice(0, MAX_FINDINGS).map((x) => x.reason).join(', '),
  ];
  const triggers = e.triggers.length > 0 ? `; triggers: ${e.triggers.map((t) => t.name).join(', ')}` : '';
  const line = `${score(e.overall, e.bands)} ${BAND_WORDS[e.band]}: ${parts.join(', ')}${triggers}`;
  return line.length <= MAX_LENGTH ? line : `${line.slice(0, MAX_LENGTH - 1)}…`;
}

function similarCases({ similar, agreeing }: LabelledMatches): string {
  if (similar === 0) return 'no similar labelled cases';
  return `${agreeing} of ${similar} similar labelled case${similar === 1 ? '' : 's'} agreed with the AI`;
}

function producer(f: FactorValue): string {
  return f.source === 'producer' ? ' (producer)' : '';
}

function num(x: number): string {
  return x.toFixed(2);
}

/**
 * Two decimals, unless rounding would land on a band edge the score is not on: "0.95 auto-approve"
 * for 0.9504 would contradict the documented edge, so it reads "0.9504 auto-approve" (the score
 * has at most 6 decimals).
 */
function score(overall: number, bands: BandEdges): string {
  const short = overall.toFixed(2);
  const edges = [bands.autoApprove, bands.autoApproveAudit, bands.humanReview];
  return edges.some((edge) => Number(short) === edge && overall !== edge) ? String(overall) : short;
}
