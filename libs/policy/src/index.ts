// The policy: the operator's control surface (weights, bands, tiers, triggers, escalation) and
// the pure rules that read it. No Nest, no Kafka, no I/O except loading the file.
export * from './policy.schema';
export * from './policy-error';
export * from './load-policy';
export * from './category';
export * from './confidence';
export * from './bands';
export * from './tiers';
export * from './business-hours';
export * from './triggers';
export * from './calibrated-version';
export * from './quorum';
export * from './audit-verdict';
