import { FactorWeightsSchema, RiskLevels, RiskLevelSchema, RolloutStageSchema, TierSchema, Tiers, type RolloutStage } from '@hitl/contracts';
import { z } from 'zod';

/*
 * The operator's control surface: one versioned document (YAML or JSON), validated at start-up.
 * Every event the platform emits carries `version` as its policyVersion. A field's meaning is
 * documented in docs/policy.md; the default (config/policy.default.yaml) reproduces the guide.
 *
 * Every object is strict: a misspelt key in an operator's file (`shadowmode: true`) must stop
 * the service, not be dropped silently and leave the category automated.
 */

const slug = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'expected a lower-case name (a-z, 0-9, _ . -)');
const role = slug;
const unit = z.number().min(0).max(1);
export type { RolloutStage };
/** A field of `input`; dots reach into nested objects (`request.reason`). */
const fieldPath = z.string().min(1).max(200);
/** An outcome a person may decide (what the producer's recommendations are made of). */
const outcome = z.string().trim().min(1, 'expected an outcome').max(100);

/** A reason code an override carries (counted in the weekly report and the retraining evidence). */
export const OverrideReasonSchema = z.strictObject({ code: slug, label: z.string().trim().min(1).max(200) });
export type OverrideReason = z.infer<typeof OverrideReasonSchema>;

/**
 * Scoring reports `<version>+cal.<category>.<n>` once a category is calibrated, and a
 * policyVersion may be at most 100 characters: the base stays short and free of `+`.
 */
const policyVersion = z
  .string()
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, . _ - (no spaces, no +), starting with a letter or digit');

/**
 * Lower edges of the bands. A score s is in
 *   auto_approve        when s >  autoApprove            (guide: > 0.95)
 *   auto_approve_audit  when autoApproveAudit <= s <= autoApprove   (0.85 – 0.95, both inclusive)
 *   human_review        when humanReview <= s < autoApproveAudit     (0.70 – 0.85)
 *   senior_review       when s <  humanReview            (< 0.70)
 * Equal edges are allowed: they empty a band (autoApprove 1 turns auto-approval off).
 */
export const BandEdgesSchema = z
  .strictObject({ autoApprove: unit, autoApproveAudit: unit, humanReview: unit })
  .refine((b) => b.autoApprove >= b.autoApproveAudit && b.autoApproveAudit >= b.humanReview, {
    message: 'band edges must not increase: autoApprove >= autoApproveAudit >= humanReview',
  });
export type BandEdges = z.infer<typeof BandEdgesSchema>;

/** How scoring judges a category's inputs (input quality and edge-case factors). */
const inputRuleFields = {
  /** Fields of `input` that must be present and non-empty; each missing one lowers input quality. */
  requiredFields: z.array(fieldPath),
  /** Numeric fields whose running mean/variance per category flag outliers (|z| > outlierZ). */
  numericFields: z.array(fieldPath),
  /** Categorical fields where a value never seen in this category counts as an edge case. */
  categoricalFields: z.array(fieldPath),
  outlierZ: z.number().positive(),
  /** Statistics need this many observations before a value can be called an outlier. */
  minObservations: z.number().int().min(1),
};

export const InputRulesSchema = z.strictObject({
  requiredFields: inputRuleFields.requiredFields.default([]),
  numericFields: inputRuleFields.numericFields.default([]),
  categoricalFields: inputRuleFields.categoricalFields.default([]),
  outlierZ: inputRuleFields.outlierZ.default(3),
  minObservations: inputRuleFields.minObservations.default(30),
});
export type InputRules = z.infer<typeof InputRulesSchema>;

/**
 * A category's partial override. Built without defaults on purpose: zod 4 applies the defaults
 * of a `.partial()` schema, which would reset every key the category did not mention.
 */
export const InputRulesOverrideSchema = z.strictObject(inputRuleFields).partial();

export const CategoryPolicySchema = z.strictObject({
  weights: FactorWeightsSchema.strict().optional(),
  bands: BandEdgesSchema.optional(),
  inputs: InputRulesOverrideSchema.optional(),
  /**
   * The guide's gradual rollout. shadow: every case to people, who decide without seeing the AI's
   * recommendation (blind), while the case records what automation would have done; assist:
   * every case to people, with the AI's recommendation shown; automate: confident cases decided
   * by the AI alone. Feedback reports, from shadow and assist cases, when automate is safe.
   */
  rollout: RolloutStageSchema.optional(),
  maxRevisionRounds: z.number().int().min(1).max(20).optional(),
  /** A share (0..1) of this category's auto-approvals in the audit band sent for human audit. */
  auditSampleRate: unit.optional(),
  /** Shrinks coverage toward 0 for few labels: agreeing / (similar + k); k similar cases all agreeing give 0.5. */
  coverageScale: z.number().positive().optional(),
  /** feedback.trust.untilCertified for this category alone. */
  untilCertified: z.enum(['assist', 'guide_bands']).optional(),
  /** defaults.outcomes for this category (replaces the list). */
  outcomes: z.array(outcome).max(50).optional(),
  /** defaults.freeTextOutcomes for this category. */
  freeTextOutcomes: z.boolean().optional(),
});
export type CategoryPolicy = z.infer<typeof CategoryPolicySchema>;

export const TierPolicySchema = z.strictObject({
  name: TierSchema,
  /** Highest risk level this tier may decide. */
  maxRisk: RiskLevelSchema,
  /** Highest monetary value this tier may decide (null = no limit). */
  maxValue: z.number().min(0).nullable(),
  /** Categories that need at least this tier. */
  categories: z.array(slug).default([]),
  /** Roles that may review at this tier (empty for automatic). */
  eligibleRoles: z.array(role).default([]),
  requiredApprovals: z.number().int().min(0).max(5),
  /**
   * Roles the quorum must include, one approval each (the guide's dual approval: one manager and
   * one compliance officer, not any two of them). The other approvals, if requiredApprovals asks
   * for more, may come from any eligible role.
   */
  requiredRoles: z.array(role).default([]),
  /** Minutes a review of this tier may wait (its dueAt) before the escalation ladder starts. */
  slaMinutes: z.number().int().min(0),
  /**
   * Whether a confident AI (band auto_approve or auto_approve_audit, no trigger) may decide a case
   * of this tier alone. The guide's "clear-cut refunds under $50" are single-approver cases the AI
   * approves; dual approval and executive review always need people.
   */
  autoApprove: z.boolean(),
});
export type TierPolicy = z.infer<typeof TierPolicySchema>;

export const ContextTriggerSchema = z.strictObject({
  name: slug,
  /** Producer tags that fire it (e.g. vip). */
  tags: z.array(slug).default([]),
  /** Case-insensitive phrases searched in the reasoning and the string values of `input`. */
  keywords: z.array(z.string().trim().min(2).max(100)).default([]),
  /** The least tier a case with this trigger goes to. */
  minTier: TierSchema,
  /** Role the escalation service notifies at once. */
  escalateTo: role,
});
export type ContextTrigger = z.infer<typeof ContextTriggerSchema>;

export const CriticalFlagSchema = z.strictObject({
  name: slug,
  minTier: TierSchema,
  escalateTo: role,
});
export type CriticalFlag = z.infer<typeof CriticalFlagSchema>;

export const LadderStepSchema = z.strictObject({ afterMinutes: z.number().int().positive(), escalateTo: role });

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone, e.g. Europe/Amsterdam');

/** Hours some roles work; outside them a rung meant for one of them goes to the on-call role. */
export const BusinessHoursSchema = z.strictObject({
  timezone: timeZone,
  days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
  start: clockTime,
  end: clockTime,
  roles: z.array(role).min(1),
  onCallRole: role,
});
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const RoleSchema = z.strictObject({
  name: role,
  /** What people in this role do, shown to reviewers and admins. */
  description: z.string().trim().min(1).max(200),
});
export type RoleDefinition = z.infer<typeof RoleSchema>;

/** The role that administers the workbench (audit log, users); it reviews nothing by itself. */
export const ADMIN_ROLE = 'admin';

/**
 * Retraining trigger (the guide: "trigger model retraining if override rate exceeds threshold"):
 * the override rate of a category and model over a sliding window of `windowDays`, once at
 * least `minSampleSize` people decided; at most one trigger per window per category and model.
 */
/**
 * Threshold calibration: from reviewed outcomes, the lowest auto-approve threshold whose upper
 * confidence bound on the error rate stays under `targetErrorRate` (the AI counted wrong when a
 * person overrode it). `mode` off: nothing; recommend: `thresholds.calibrated` for people to
 * read (scoring logs it); apply: scoring uses the new bands. Per-category `modes` override it.
 */
const CalibrationPolicySchema = z.strictObject({
  mode: z.enum(['off', 'recommend', 'apply']),
  modes: z.record(slug, z.enum(['off', 'recommend', 'apply'])).default({}),
  targetErrorRate: unit,
  /** Confidence level of the bound (Clopper–Pearson). */
  confidenceLevel: z.number().min(0.5).max(0.999),
  /** Outcomes at or above a threshold needed before it can be chosen. */
  minSampleSize: z.number().int().min(1).max(10_000_000),
  windowDays: z.number().int().min(1).max(365),
  /** Hysteresis: a new threshold must differ from the current one by at least this much. */
  minChange: z.number().min(0.005).max(0.5),
});

/**
 * Earned trust (docs/policy.md, "Earned trust"): automation of a category and model version is
 * gated on a threshold on the basis (the model's probability) certified from known outcomes so
 * that the error of the auto-approved cases stays under calibration.targetErrorRate with
 * calibration.confidenceLevel; audits are a uniform sample of auto-approvals at an adaptive
 * rate; drift is tested sequentially; a circuit breaker stops automation.
 */
export const TrustPolicySchema = z.strictObject({
  /** apply: scoring gates on feedback's trust updates; recommend: published for people to read (a stop still applies); off: none published. */
  mode: z.enum(['off', 'recommend', 'apply']),
  /**
   * Before any certified evidence for a category and model: assist (people decide every case, with
   * what automation would have done recorded) or guide_bands (the guide's bands on the overall
   * score decide, until feedback has `minOutcomes` outcomes and the evidence takes over).
   */
  untilCertified: z.enum(['assist', 'guide_bands']),
  /** Outcomes of a category and model before feedback publishes its trust (and the evidence takes over). */
  minOutcomes: z.number().int().min(1).max(100_000),
  /**
   * Whose evidence certifies a category's threshold. category: its own outcomes alone. model: a
   * threshold certified on the outcomes of every category of the same model version applies to a
   * category too, unless the category's own outcomes show (lower bound past the target) that it
   * does worse there; a category's own certification wins when it is looser. The drift charts and
   * the circuit breaker stay per category either way.
   */
  pool: z.enum(['category', 'model']).default('model'),
  /** No certified threshold on the basis below this. */
  lowestThreshold: unit,
  /** The circuit breaker's red line: automation stops when the bound on the auto-approved error passes it (guide: false negatives > 3 %). */
  redLine: unit,
  audit: z.strictObject({ floor: unit, ceiling: unit, windowDays: z.number().min(0.01).max(365) }).refine((a) => a.floor <= a.ceiling, { message: 'audit.floor must not exceed audit.ceiling' }),
  drift: z.strictObject({
    /** The chance of any false alarm within `horizon` outcomes of a stable model. */
    falseAlarmRate: z.number().min(1e-6).max(0.5),
    horizon: z.number().int().min(10).max(100_000_000),
    /** Worsening of the odds of an error each chart is tuned to (small: slow drift; large: a model gone wrong). */
    oddsRatios: z.array(z.number().min(1.1).max(1000)).min(1).max(4),
    /**
     * A chart at or above this share of its limit is in warning: the category's audits go to
     * audit.ceiling until it falls back or alarms (a model gone wrong is confirmed sooner). 1: off.
     */
    warningLevel: z.number().min(0.05).max(1).default(0.3),
  }),
});
export type TrustPolicy = z.infer<typeof TrustPolicySchema>;
export const DEFAULT_TRUST: TrustPolicy = {
  mode: 'apply',
  untilCertified: 'assist',
  minOutcomes: 30,
  pool: 'model',
  lowestThreshold: 0.5,
  redLine: 0.03,
  audit: { floor: 0.05, ceiling: 0.5, windowDays: 7 },
  drift: { falseAlarmRate: 0.01, horizon: 100_000, oddsRatios: [2, 20], warningLevel: 0.3 },
};

export const FeedbackPolicySchema = z.strictObject({
  retraining: z.strictObject({
    /**
     * What raises retraining.triggered: drift (earned trust's sequential tests on outcomes where
     * automation could act; the default), or also the guide's override rate of human-reviewed
     * cases over the window (biased: which cases reach people depends on the thresholds).
     */
    on: z.enum(['drift', 'drift_and_override_rate']).default('drift'),
    overrideRateThreshold: unit,
    windowDays: z.number().int().min(1).max(90),
    minSampleSize: z.number().int().min(1).max(1_000_000),
  }),
  calibration: CalibrationPolicySchema.default({ mode: 'recommend', modes: {}, targetErrorRate: 0.02, confidenceLevel: 0.95, minSampleSize: 200, windowDays: 30, minChange: 0.01 }),
  /**
   * Calibration exercises against automation bias (the guide: "regularly show reviewers cases
   * where AI was wrong"): after this share of review requests (chosen from the case id), the
   * review app puts a past case where the AI was wrong and people confirmed it, unannounced, in
   * the queue of the same roles; whether the reviewer overrides it is their catch rate. 0: off.
   */
  exercises: z.strictObject({ rate: unit }).default({ rate: 0 }),
  trust: TrustPolicySchema.default(DEFAULT_TRUST),
});
export type FeedbackPolicy = z.infer<typeof FeedbackPolicySchema>;
const DEFAULT_FEEDBACK: FeedbackPolicy = {
  retraining: { on: 'drift', overrideRateThreshold: 0.15, windowDays: 7, minSampleSize: 30 },
  calibration: { mode: 'recommend', modes: {}, targetErrorRate: 0.02, confidenceLevel: 0.95, minSampleSize: 200, windowDays: 30, minChange: 0.01 },
  exercises: { rate: 0 },
  trust: DEFAULT_TRUST,
};

const DEFAULT_INPUTS = { requiredFields: [], numericFields: [], categoricalFields: [], outlierZ: 3, minObservations: 30 };

const PolicyObject = z.strictObject({
  version: policyVersion,
  defaults: z.strictObject({
    weights: FactorWeightsSchema.strict(),
    bands: BandEdgesSchema,
    inputs: InputRulesSchema.default(DEFAULT_INPUTS),
    rollout: RolloutStageSchema.default('automate'),
    maxRevisionRounds: z.number().int().min(1).max(20).default(3),
    auditSampleRate: unit.default(0.05),
    coverageScale: z.number().positive().default(50),
    /**
     * The outcomes a person may decide for a category (the AI's own recommendation always may
     * be approved): the override form offers them as a list, and the review API refuses others,
     * so a typo cannot become a final decision. Empty: any outcome (free text).
     */
    outcomes: z.array(outcome).max(50).default([]),
    /** Whether an outcome outside the list may be typed in. Default: only when the list is empty. */
    freeTextOutcomes: z.boolean().optional(),
  }),
  /**
   * Reason codes an override must carry besides its free text (the guide's friction for
   * overrides, made countable): counted per category and model in the weekly report and the
   * retraining evidence. Empty: overrides carry free text only.
   */
  overrideReasons: z.array(OverrideReasonSchema).max(50).default([]),
  categories: z.record(slug, CategoryPolicySchema).default({}),
  /** In order from least to most oversight; each of the four tiers exactly once. */
  tiers: z.array(TierPolicySchema).length(Tiers.length),
  /** Who reviews the senior_review band (< humanReview) and arbitrates disagreements. */
  seniorRoles: z.array(role).min(1),
  arbitration: z.strictObject({
    roles: z.array(role).min(1),
    /** A human override of an AI at or above this confidence, in a tier listed below, goes to an arbiter. */
    highConfidence: unit,
    highRiskTiers: z.array(TierSchema),
    /**
     * The guide: "When the AI and human disagree … we escalate to someone who can see both
     * perspectives." In these tiers any override of the AI goes to a second person (the tier's
     * roles or arbitration.roles, never the overrider), who sees the AI's case and the override's
     * reason; their decision is final. It also keeps a single reviewer's mistake out of the
     * evidence trust is certified on.
     */
    aiDisagreementTiers: z.array(TierSchema).default([]),
    /**
     * How many people after the overrider must give the overrider's answer before an override
     * in aiDisagreementTiers stands (and before an audit's overturn counts): 1 is the guide's
     * second person. Anyone backing the AI after someone backed the override, or a third
     * answer, sends the case to arbitration.roles. With reviewers wrong e of the time, a right AI
     * counts as wrong about e^(n+1) of the time with binary labels: raise it when reviewers err
     * often (docs/policy.md, "Assumptions").
     */
    overturnConfirmations: z.number().int().min(1).max(5).default(1),
  }),
  criticalFlags: z.array(CriticalFlagSchema),
  contextTriggers: z.array(ContextTriggerSchema),
  escalation: z.strictObject({
    ladder: z.array(LadderStepSchema).min(1),
    businessHours: BusinessHoursSchema.optional(),
    /**
     * Escalations whose target role must be among those who decide the case (one approval of
     * theirs joins the quorum): a fraud case escalated to the senior investigator is not decided
     * by two managers without them. Timeouts and manual escalations only widen who may act.
     */
    targetMustDecide: z.array(z.enum(['critical', 'context'])).default(['critical', 'context']),
  }),
  /** The feedback loop: when human overrides call for the model to be looked at again. */
  feedback: FeedbackPolicySchema.default(DEFAULT_FEEDBACK),
  /** Every role a user may hold; each role named anywhere else must be declared here. */
  roles: z.array(RoleSchema).min(1),
});

export const PolicySchema = PolicyObject.superRefine((policy, ctx) => {
  checkTierLadder(policy.tiers, ctx);
  checkUniqueNames(policy.roles, 'roles', ctx);
  checkRolesDeclared(policy, ctx);
  checkUniqueNames(policy.criticalFlags, 'criticalFlags', ctx);
  checkUniqueNames(policy.contextTriggers, 'contextTriggers', ctx);
  checkUniqueNames(policy.overrideReasons.map((r) => ({ name: r.code })), 'overrideReasons', ctx);
  policy.contextTriggers.forEach((trigger, i) => {
    if (trigger.tags.length === 0 && trigger.keywords.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['contextTriggers', i], message: `${trigger.name} needs tags or keywords, or it can never fire` });
    }
  });
  policy.tiers.forEach((tier, i) => {
    const outside = tier.requiredRoles.filter((r) => !tier.eligibleRoles.includes(r));
    if (outside.length > 0) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'requiredRoles'], message: `${outside.join(', ')} must be among the tier's eligibleRoles` });
    if (tier.requiredRoles.length > tier.requiredApprovals) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'requiredRoles'], message: `${tier.requiredRoles.length} required roles need at least as many requiredApprovals (${tier.requiredApprovals})` });
  });
  policy.escalation.ladder.forEach((step, i, ladder) => {
    if (i > 0 && step.afterMinutes <= ladder[i - 1].afterMinutes) {
      ctx.addIssue({ code: 'custom', path: ['escalation', 'ladder', i, 'afterMinutes'], message: 'ladder steps must come later and later' });
    }
  });
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

const riskRank = (risk: TierPolicy['maxRisk']) => RiskLevels.indexOf(risk);

/**
 * The tier rule ("the least tier that admits each dimension") needs a ladder: limits that never
 * shrink going up, a top tier that admits everything (so every case has a tier), and each
 * category in one tier only (otherwise "the tier that lists it" is ambiguous).
 */
function checkTierLadder(tiers: TierPolicy[], ctx: z.RefinementCtx): void {
  const listedIn = new Map<string, string>();
  tiers.forEach((tier, i) => {
    if (tier.name !== Tiers[i]) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: `expected tier ${Tiers[i]} at position ${i}` });
    }
    const below = tiers[i - 1];
    if (tier.name === 'automatic' && !tier.autoApprove) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'autoApprove'], message: 'the automatic tier has no reviewers: it must allow automatic approval' });
    }
    if (tier.autoApprove && below && !below.autoApprove) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'autoApprove'], message: `cannot allow automatic approval when ${below.name} below it does not` });
    }
    if (tier.name !== 'automatic' && (tier.eligibleRoles.length === 0 || tier.requiredApprovals < 1)) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i], message: `${tier.name} needs eligible roles and at least one approval` });
    }
    if (below && riskRank(tier.maxRisk) < riskRank(below.maxRisk)) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'maxRisk'], message: `must not be lower than ${below.name}'s (${below.maxRisk})` });
    }
    if (below && (below.maxValue === null ? tier.maxValue !== null : tier.maxValue !== null && tier.maxValue < below.maxValue)) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'maxValue'], message: `must not be lower than ${below.name}'s (${below.maxValue ?? 'no limit'})` });
    }
    tier.categories.forEach((category, j) => {
      const other = listedIn.get(category);
      if (other) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'categories', j], message: `${category} is already listed in ${other}` });
      else listedIn.set(category, tier.name);
    });
  });
  const top = tiers[tiers.length - 1];
  if (top && (top.maxRisk !== 'critical' || top.maxValue !== null)) {
    ctx.addIssue({ code: 'custom', path: ['tiers', tiers.length - 1], message: 'the top tier must admit every case: maxRisk critical and maxValue null' });
  }
}

/** A typo in a role name would make a queue nobody can see: every role used must be declared. */
function checkRolesDeclared(policy: z.output<typeof PolicyObject>, ctx: z.RefinementCtx): void {
  const declared = new Set(policy.roles.map((r) => r.name));
  if (!declared.has(ADMIN_ROLE)) ctx.addIssue({ code: 'custom', path: ['roles'], message: `must declare the ${ADMIN_ROLE} role` });
  const check = (name: string, path: (string | number)[]) => {
    if (!declared.has(name)) ctx.addIssue({ code: 'custom', path, message: `role ${name} is not declared in roles` });
  };
  policy.tiers.forEach((t, i) => t.eligibleRoles.forEach((r, j) => check(r, ['tiers', i, 'eligibleRoles', j])));
  policy.seniorRoles.forEach((r, i) => check(r, ['seniorRoles', i]));
  policy.arbitration.roles.forEach((r, i) => check(r, ['arbitration', 'roles', i]));
  policy.criticalFlags.forEach((f, i) => check(f.escalateTo, ['criticalFlags', i, 'escalateTo']));
  policy.contextTriggers.forEach((t, i) => check(t.escalateTo, ['contextTriggers', i, 'escalateTo']));
  policy.escalation.ladder.forEach((s, i) => check(s.escalateTo, ['escalation', 'ladder', i, 'escalateTo']));
  const hours = policy.escalation.businessHours;
  if (hours) {
    hours.roles.forEach((r, i) => check(r, ['escalation', 'businessHours', 'roles', i]));
    check(hours.onCallRole, ['escalation', 'businessHours', 'onCallRole']);
  }
}

function checkUniqueNames(items: { name: string }[], field: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [field, i, 'name'], message: `${item.name} appears twice` });
    seen.add(item.name);
  });
}
