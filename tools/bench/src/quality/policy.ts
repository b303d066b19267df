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
 * Each change is listed in the run's output.
 */
export function benchPolicy(baseText: string, target: number): { policy: Record<string, unknown>; changed: string[] } {
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
  const arbitration = policy.arbitration as { aiDisagreementTiers?: string[] } | undefined;
  const human = ['single_approver', 'dual_approval', 'executive_review'];
  if (arbitration && !human.every((t) => arbitration.aiDisagreementTiers?.includes(t))) {
    arbitration.aiDisagreementTiers = human;
    changed.push(`arbitration.aiDisagreementTiers: [${human.join(', ')}]`);
  }
  return { policy, changed };
}
