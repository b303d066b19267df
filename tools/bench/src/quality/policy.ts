import { parse as parseYaml } from 'yaml';

/**
 * The policy the services run with unless --policy names one: the default policy (POLICY_FILE or
 * config/policy.default.yaml) with
 * - its target error rate (feedback.calibration.targetErrorRate, which the trust loop certifies
 *   automation against) set to --target;
 * - earned trust from the first case: feedback.trust.untilCertified assist (people decide every
 *   case of a new model until a threshold is certified), where the default file still lets the
 *   guide's bands decide meanwhile;
 * - the guide's AI–human disagreement in every tier people decide (arbitration.aiDisagreementTiers):
 *   an override goes to a second person, so one reviewer's mistake is not evidence against the model.
 * - the audit planning window (feedback.trust.audit.windowDays) set to the run's length: the bench
 *   sends weeks of a category's traffic in minutes, and a plan to collect its evidence within 7
 *   days would see a week of such traffic ahead and audit at the floor the whole run (never less
 *   than the schema's 0.01 days);
 * - with --confirmations, arbitration.overturnConfirmations: how many people after an overrider
 *   must give its answer before the override stands (docs/policy.md, "Assumptions").
 * Each change is listed in the run's output.
 */
export function benchPolicy(baseText: string, target: number, runDays?: number, confirmations?: number): { policy: Record<string, unknown>; changed: string[] } {
  const policy = parseYaml(baseText) as Record<string, unknown>;
  const changed: string[] = [];
  const feedback = (policy.feedback ??= {}) as { calibration?: Record<string, unknown>; trust?: Record<string, unknown> };
  if (feedback.calibration && 'targetErrorRate' in feedback.calibration) {
    feedback.calibration.targetErrorRate = target;
    changed.push(`feedback.calibration.targetErrorRate: ${target}`);
  }
  if (feedback.trust && feedback.trust.untilCertified !== 'assist') {
    feedback.trust.untilCertified = 'assist';
    changed.push('feedback.trust.untilCertified: assist');
  }
  const audit = (feedback.trust as { audit?: { windowDays?: number } } | undefined)?.audit;
  if (audit && runDays !== undefined) {
    const days = Math.max(0.01, Math.round(runDays * 1e4) / 1e4);
    if (audit.windowDays !== days) {
      audit.windowDays = days;
      changed.push(`feedback.trust.audit.windowDays: ${days} (the run's length)`);
    }
  }
  const arbitration = policy.arbitration as { aiDisagreementTiers?: string[] } | undefined;
  const human = ['single_approver', 'dual_approval', 'executive_review'];
  if (arbitration && !human.every((t) => arbitration.aiDisagreementTiers?.includes(t))) {
    arbitration.aiDisagreementTiers = human;
    changed.push(`arbitration.aiDisagreementTiers: [${human.join(', ')}]`);
  }
  if (arbitration && confirmations !== undefined) {
    (arbitration as { overturnConfirmations?: number }).overturnConfirmations = confirmations;
    changed.push(`arbitration.overturnConfirmations: ${confirmations}`);
  }
  return { policy, changed };
}
