import { ConfigError } from '@hitl/platform';
import { PolicyError } from '@hitl/policy';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readStartup } from './startup';

describe('readStartup', () => {
  it('loads the default policy and default settings', () => {
    const { policy, settings } = readStartup({});
    expect(policy.version).toBe('guide-5');
    expect(settings.SCORING_SYNC_INTERVAL_MS).toBe(5_000);
  });

  it('loads POLICY_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoring-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, readFileSync(resolve(__dirname, '../../../config/policy.default.yaml'), 'utf8').replace('version: guide-5', 'version: ops-7'));
    expect(readStartup({ POLICY_FILE: file }).policy.version).toBe('ops-7');
  });

  it('a bad policy is a PolicyError naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoring-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, readFileSync(resolve(__dirname, '../../../config/policy.default.yaml'), 'utf8').replace('humanReview: 0.70', 'humanReview: 7'));
    expect(() => readStartup({ POLICY_FILE: file })).toThrow(PolicyError);
    expect(() => readStartup({ POLICY_FILE: file })).toThrow(`policy ${file}: defaults.bands.humanReview: Too big`);
  });

  it('a bad setting is a ConfigError naming the variable', () => {
    expect(() => readStartup({ SCORING_SYNC_INTERVAL_MS: '0' })).toThrow(ConfigError);
    expect(() => readStartup({ SCORING_SYNC_INTERVAL_MS: '0' })).toThrow(/SCORING_SYNC_INTERVAL_MS: expected an integer >= 1/);
  });
});
