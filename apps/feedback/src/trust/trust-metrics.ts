import type { TrustUpdatedV1 } from '@hitl/contracts';

const label = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * Earned trust as Prometheus gauges, one series per category and model: whether automation is
 * stopped (the alert HitlAutomationStopped fires on 1), whether a threshold is certified, the
 * bound on the error where automation acts, and the audit rate.
 */
export function trustMetricsText(all: TrustUpdatedV1[]): string {
  const lines = [
    '# HELP hitl_automation_stopped 1 while the circuit breaker (or an admin) has stopped automation of the category and model.',
    '# TYPE hitl_automation_stopped gauge',
    ...all.map((t) => `hitl_automation_stopped{category="${label(t.category)}",model_version="${label(t.modelVersion)}"} ${t.state === 'stopped' ? 1 : 0}`),
    '# HELP hitl_automation_certified 1 while a threshold is certified for the category and model (automation acts above it).',
    '# TYPE hitl_automation_certified gauge',
    ...all.map((t) => `hitl_automation_certified{category="${label(t.category)}",model_version="${label(t.modelVersion)}"} ${t.state === 'certified' ? 1 : 0}`),
    '# HELP hitl_trust_error_upper_bound Upper confidence bound on the error of the cases at or above the certified (or lowest tested) threshold.',
    '# TYPE hitl_trust_error_upper_bound gauge',
    ...all.map((t) => `hitl_trust_error_upper_bound{category="${label(t.category)}",model_version="${label(t.modelVersion)}"} ${t.evidence.errorUpperBound}`),
    '# HELP hitl_trust_audit_rate Share of auto-approvals audited now.',
    '# TYPE hitl_trust_audit_rate gauge',
    ...all.map((t) => `hitl_trust_audit_rate{category="${label(t.category)}",model_version="${label(t.modelVersion)}"} ${t.auditRate}`),
  ];
  return `${lines.join('\n')}\n`;
}
