import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { defaultPolicyPath, loadPolicy, parsePolicy } from './load-policy';
import { PolicyError } from './policy-error';
import type { PolicyInput } from './policy.schema';
import { defaultPolicy } from './testing/default-policy';

const dir = mkdtempSync(join(tmpdir(), 'policy-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The default policy as a plain document, changed at one dotted path (`tiers.2.eligibleRoles`). */
function changed(path: string, value: unknown): PolicyInput {
  const doc = structuredClone(defaultPolicy()) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, doc);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return doc as PolicyInput;
}

function problemOf(doc: unknown): string {
  try {
    parsePolicy(JSON.stringify(doc), 'json', 'config/x.json');
  } catch (error) {
    if (error instanceof PolicyError) return error.message;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('loadPolicy', () => {
  it('loads the default policy from the repository, whatever the working directory', () => {
    expect(defaultPolicyPath()).toBe(resolve(__dirname, '../../../config/policy.default.yaml'));
    const policy = loadPolicy(undefined, {});
    expect(policy.version).toBe('guide-5');
    expect(policy.escalation.ladder).toEqual([
      { afterMinutes: 30, escalateTo: 'team_lead' },
      { afterMinutes: 60, escalateTo: 'department_head' },
      { afterMinutes: 120, escalateTo: 'on_call_manager' },
    ]);
    expect(policy.seniorRoles).toEqual(['senior_reviewer']);
    expect(policy.arbitration).toEqual({ roles: ['senior_reviewer'], highConfidence: 0.85, highRiskTiers: ['dual_approval', 'executive_review'], aiDisagreementTiers: ['single_approver'], overturnConfirmations: 1 });
    expect(policy.criticalFlags.map((f) => [f.name, f.minTier, f.escalateTo])).toEqual([
      ['fraud_suspected', 'dual_approval', 'senior_investigator'],
      ['legal_risk', 'executive_review', 'legal_counsel'],
      ['safety_concern', 'executive_review', 'director'],
    ]);
    expect(policy.contextTriggers.map((t) => t.name)).toEqual(['legal_action', 'media_exposure', 'vip_customer']);
    expect(policy.defaults).toMatchObject({ maxRevisionRounds: 3, auditSampleRate: 0.05, rollout: 'automate' });
    expect(policy.tiers.map((t) => t.slaMinutes)).toEqual([30, 60, 120, 240]);
    expect(policy.tiers.map((t) => t.autoApprove)).toEqual([true, true, false, false]);
    // The guide's approvers, its escalation ladder, a senior reviewer, the fraud investigator and admin.
    expect(policy.roles.map((r) => r.name).sort()).toEqual(
      ['account_manager', 'admin', 'compliance_officer', 'department_head', 'director', 'legal_counsel', 'manager', 'on_call_manager', 'senior_investigator', 'senior_reviewer', 'support_lead', 'team_lead'],
    );
  });

  it('finds the default file from the compiled location too (dist/libs/policy/src)', () => {
    const root = mkdtempSync(join(tmpdir(), 'repo-'));
    mkdirSync(join(root, 'config'));
    mkdirSync(join(root, 'dist/libs/policy/src'), { recursive: true });
    writeFileSync(join(root, 'config/policy.default.yaml'), 'x');
    expect(defaultPolicyPath(join(root, 'dist/libs/policy/src'))).toBe(join(root, 'config/policy.default.yaml'));
  });

  it('reads POLICY_FILE when no path is given, and JSON by its extension', () => {
    const path = file('policy.json', JSON.stringify({ ...defaultPolicy(), version: 'from-json-2' }));
    expect(loadPolicy(undefined, { POLICY_FILE: path }).version).toBe('from-json-2');
    expect(loadPolicy(path).version).toBe('from-json-2');
  });

  it('reads .yml as YAML', () => {
    expect(loadPolicy(file('p.yml', stringify({ ...defaultPolicy(), version: 'yml-1' }))).version).toBe('yml-1');
  });

  it('names the file and the path of each bad field', () => {
    const doc = stringify(changed('tiers.2.eligibleRoles', ['Manager']));
    const path = file('broken.yaml', doc);
    expect(() => loadPolicy(path)).toThrow(PolicyError);
    expect(() => loadPolicy(path)).toThrow(new RegExp(`^policy ${path.replace(/[.]/g, '\\.')}: tiers\\[2\\]\\.eligibleRoles\\[0\\]: expected a lower-case name`));
  });

  it('names a file under the working directory by its relative path', () => {
    const error = (() => {
      try {
        loadPolicy('config/missing.yaml');
      } catch (e) {
        return e as PolicyError;
      }
    })();
    expect(error?.message).toMatch(/^policy config\/missing\.yaml: cannot read the file \(ENOENT/);
  });

  it.each([
    ['p.toml', /unknown format "\.toml"/],
    ['bad.yaml', /invalid YAML: .* at line \d+, column \d+/],
    ['bad.json', /invalid JSON/],
  ])('refuses %s', (name, message) => {
    const content = name.endsWith('.yaml') ? 'version: a\n  defaults: [\n' : '{"version": ';
    expect(() => loadPolicy(file(name, content))).toThrow(message);
  });

  it('refuses duplicate keys in YAML instead of keeping the last one', () => {
    expect(() => loadPolicy(file('dup.yaml', 'version: a\nversion: b\n'))).toThrow(/invalid YAML: Map keys must be unique/);
  });

  // [what is wrong, change, expected path: message]
  it.each<[string, string, unknown, RegExp]>([
    ['weights not summing to 1', 'defaults.weights.inputQuality', 0.3, /defaults\.weights: Weights must sum to 1/],
    ['a misspelt key', 'defaults.shadowmode', true, /defaults: Unrecognized key: "shadowmode"/],
    ['an unknown rollout stage', 'defaults.rollout', 'pilot', /defaults\.rollout: Invalid option: expected one of "shadow"\|"assist"\|"automate"/],
    ['band edges increasing', 'defaults.bands.humanReview', 0.9, /defaults\.bands: band edges must not increase/],
    ['a tier out of order', 'tiers.0.name', 'single_approver', /tiers\[0\]\.name: expected tier automatic at position 0/],
    ['a reviewing tier without roles', 'tiers.1.eligibleRoles', [], /tiers\[1\]: single_approver needs eligible roles/],
    ['a shrinking value limit', 'tiers.2.maxValue', 5000, /tiers\[2\]\.maxValue: must not be lower than single_approver's \(10000\)/],
    ['a shrinking risk limit', 'tiers.2.maxRisk', 'low', /tiers\[2\]\.maxRisk: must not be lower than single_approver's \(medium\)/],
    ['a capped top tier', 'tiers.3.maxValue', 1e9, /tiers\[3\]: the top tier must admit every case/],
    ['a category in two tiers', 'tiers.2.categories', ['refund'], /tiers\[2\]\.categories\[0\]: refund is already listed in single_approver/],
    ['an automatic tier that needs people', 'tiers.0.autoApprove', false, /tiers\[0\]\.autoApprove: the automatic tier has no reviewers/],
    ['automation above a tier without it', 'tiers.3.autoApprove', true, /tiers\[3\]\.autoApprove: cannot allow automatic approval when dual_approval below it does not/],
    ['a tier without autoApprove', 'tiers.1.autoApprove', undefined, /tiers\[1\]\.autoApprove: Invalid input: expected boolean/],
    ['an undeclared tier role', 'tiers.1.eligibleRoles', ['support_lead', 'suport_lead'], /tiers\[1\]\.eligibleRoles\[1\]: role suport_lead is not declared in roles/],
    ['an undeclared ladder role', 'escalation.ladder.0.escalateTo', 'team_leader', /escalation\.ladder\[0\]\.escalateTo: role team_leader is not declared in roles/],
    ['an undeclared flag role', 'criticalFlags.0.escalateTo', 'investigator', /criticalFlags\[0\]\.escalateTo: role investigator is not declared in roles/],
    ['no admin role', 'roles', [{ name: 'support_lead', description: 'x' }], /roles: must declare the admin role/],
    ['a role declared twice', 'roles.1.name', 'support_lead', /roles\[1\]\.name: support_lead appears twice/],
    ['business hours in an unknown time zone', 'escalation.businessHours', { timezone: 'Mars/Olympus', days: ['mon'], start: '09:00', end: '17:00', roles: ['team_lead'], onCallRole: 'on_call_manager' }, /escalation\.businessHours\.timezone: expected an IANA time zone/],
    ['business hours with a bad clock time', 'escalation.businessHours', { timezone: 'UTC', days: ['mon'], start: '9am', end: '17:00', roles: ['team_lead'], onCallRole: 'on_call_manager' }, /escalation\.businessHours\.start: expected HH:MM/],
    ['a trigger that cannot fire', 'contextTriggers.0.keywords', [], /contextTriggers\[0\]: legal_action needs tags or keywords/],
    ['a ladder going back in time', 'escalation.ladder.1.afterMinutes', 20, /escalation\.ladder\[1\]\.afterMinutes: ladder steps must come later/],
    ['an unknown tier', 'arbitration.highRiskTiers', ['dual'], /arbitration\.highRiskTiers\[0\]: Invalid option/],
    ['a version with a +', 'version', 'guide+1', /version: expected letters, digits/],
    ['a category override with a typo', 'categories.refund.inputs.requiredField', ['x'], /categories\.refund\.inputs: Unrecognized key: "requiredField"/],
    ['a bad category name', 'categories.Refund', {}, /categories\.Refund: Invalid key in record/],
    ['a missing section', 'seniorRoles', undefined, /seniorRoles: Invalid input: expected array/],
    ['an override reason code twice', 'overrideReasons.1.code', 'missed_evidence', /overrideReasons\[1\]\.name: missed_evidence appears twice/],
    ['an override reason code with capitals', 'overrideReasons.0.code', 'Missed', /overrideReasons\[0\]\.code: expected a lower-case name/],
    ['an override reason without a label', 'overrideReasons.0.label', ' ', /overrideReasons\[0\]\.label: Too small/],
    ['a blank outcome', 'categories.refund.outcomes', ['approve', ' '], /categories\.refund\.outcomes\[1\]: expected an outcome/],
  ])('refuses %s, naming the field', (_what, path, value, message) => {
    expect(problemOf(changed(path, value))).toMatch(/^policy config\/x\.json: /);
    expect(problemOf(changed(path, value))).toMatch(message);
  });

  it('reports every problem at once', () => {
    const doc = changed('tiers.1.eligibleRoles', ['X']);
    (doc as { seniorRoles: unknown }).seniorRoles = [];
    expect(problemOf(doc)).toMatch(/tiers\[1\]\.eligibleRoles\[0\]: .*; seniorRoles: /);
  });
});
