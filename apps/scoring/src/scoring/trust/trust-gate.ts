import type { Band, ScoreTrust, TrustUpdatedV1 } from '@hitl/contracts';
import { bandOf, type CategoryRules } from '@hitl/policy';
import { probabilityRightAt } from '@hitl/trust';

export interface Gate {
  trust: ScoreTrust;
  band: Band;
}

/**
 * What earned trust says about one prediction of a category and model: the calibrated
 * probability that the AI is right at its basis, whether automation may decide it, and its band.
 *
 * - No trust update yet: the policy's untilCertified. guide_bands: the guide's bands on the
 *   overall score decide (state guide); assist: people decide every case (state learning), and
 *   the band stays the guide's so the case records what automation would have done.
 * - certified: automation acts at or above the certified threshold on the basis. There the band
 *   is auto_approve when the calibrated probability of being right is above the policy's
 *   autoApprove edge (0.95), else auto_approve_audit; below it, human_review or senior_review by
 *   the same probability against the humanReview edge.
 * - learning (evidence but nothing certified) or stopped (circuit breaker): people decide every
 *   case; the band is the guide's, as in assist.
 * An update in mode recommend is for people to read: it gates nothing, unless it stops.
 */
export function gate(basis: number, overall: number, rules: CategoryRules, update: TrustUpdatedV1 | undefined): Gate {
  const guideBand = bandOf(overall, rules.bands);
  const active = update && (update.mode === 'apply' || update.state === 'stopped') ? update : undefined;
  const probabilityRight = active ? probabilityRightAt(active.calibration, basis) : undefined;
  const common = {
    basis,
    ...(probabilityRight !== undefined ? { probabilityRight } : {}),
    auditRate: active?.auditRate ?? rules.auditSampleRate,
    version: active?.version ?? 0,
  };
  if (!active) {
    const state = rules.untilCertified === 'guide_bands' ? 'guide' : 'learning';
    return { trust: { ...common, state, automate: state === 'guide' }, band: guideBand };
  }
  if (active.state !== 'certified' || active.threshold === null) {
    return { trust: { ...common, state: active.state, automate: false }, band: guideBand };
  }
  const automate = basis >= active.threshold;
  const p = probabilityRight ?? basis;
  const band: Band = automate ? (p > rules.bands.autoApprove ? 'auto_approve' : 'auto_approve_audit') : p >= rules.bands.humanReview ? 'human_review' : 'senior_review';
  return { trust: { ...common, threshold: active.threshold, state: 'certified', automate }, band };
}
