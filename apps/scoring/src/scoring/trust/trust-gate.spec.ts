import type { TrustUpdatedV1 } from '@hitl/contracts';
import { loadPolicy, rulesFor } from '@hitl/policy';
import { gate } from './trust-gate';

const policy = loadPolicy(undefined, {});
const guide = { ...rulesFor(policy, 'refund'), untilCertified: 'guide_bands' as const };
const assist = { ...guide, untilCertified: 'assist' as const };

function update(change: Partial<TrustUpdatedV1> = {}): TrustUpdatedV1 {
  return {
    category: 'refund',
    modelVersion: 'm1',
    version: 3,
    state: 'certified',
    mode: 'apply',
    calibration: [
      { from: 0, probabilityRight: 0.6, outcomes: 100 },
      { from: 0.9, probabilityRight: 0.93, outcomes: 200 },
      { from: 0.99, probabilityRight: 0.995, outcomes: 400 },
    ],
    threshold: 0.9,
    evidence: { outcomes: 600, effectiveOutcomes: 600, errorEstimate: 0.01, errorUpperBound: 0.018, targetErrorRate: 0.02, confidenceLevel: 0.95, method: 'x' },
    auditRate: 0.1,
    epoch: 0,
    updatedAt: '2026-01-06T00:00:00.000Z',
    ...change,
  };
}

describe('the trust gate', () => {
  it('before any update: the guide bands decide under guide_bands, nobody is automated under assist (the band still says what automation would have done)', () => {
    expect(gate(0.99, 0.97, guide, undefined)).toEqual({ band: 'auto_approve', trust: { basis: 0.99, state: 'guide', automate: true, auditRate: 0.05, version: 0 } });
    expect(gate(0.99, 0.97, assist, undefined)).toEqual({ band: 'auto_approve', trust: { basis: 0.99, state: 'learning', automate: false, auditRate: 0.05, version: 0 } });
  });

  it('certified: automation at or above the threshold, the band from the calibrated probability of being right, whatever the overall score', () => {
    expect(gate(0.995, 0.5, guide, update())).toEqual({ band: 'auto_approve', trust: { basis: 0.995, probabilityRight: 0.995, threshold: 0.9, state: 'certified', automate: true, auditRate: 0.1, version: 3 } });
    expect(gate(0.9, 0.5, guide, update())).toMatchObject({ band: 'auto_approve_audit', trust: { automate: true, probabilityRight: 0.93 } });
    // Below the threshold: people, by the calibrated probability against the humanReview edge (0.70).
    expect(gate(0.89, 0.99, guide, update())).toMatchObject({ band: 'senior_review', trust: { automate: false, probabilityRight: 0.6 } });
    expect(gate(0.89, 0.99, guide, update({ calibration: [{ from: 0, probabilityRight: 0.8, outcomes: 10 }] }))).toMatchObject({ band: 'human_review', trust: { automate: false } });
  });

  it('learning or stopped: nobody is automated, whatever the scores', () => {
    expect(gate(0.999, 0.99, guide, update({ state: 'learning', threshold: null }))).toMatchObject({ trust: { state: 'learning', automate: false } });
    const stopped = update({ state: 'stopped', threshold: null, stop: { reason: 'drift', detail: 'x', since: '2026-01-06T00:00:00.000Z' } });
    expect(gate(0.999, 0.99, guide, stopped)).toMatchObject({ trust: { state: 'stopped', automate: false } });
    // A stop applies even when trust is only recommended.
    expect(gate(0.999, 0.99, guide, { ...stopped, mode: 'recommend' })).toMatchObject({ trust: { state: 'stopped', automate: false } });
  });

  it('a recommended (not applied) update gates nothing: the policy before it decides', () => {
    expect(gate(0.5, 0.97, guide, update({ mode: 'recommend' }))).toMatchObject({ band: 'auto_approve', trust: { state: 'guide', automate: true, version: 0 } });
  });
});
