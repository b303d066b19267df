import { calibratedVersion } from './calibrated-version';

describe('calibratedVersion', () => {
  it.each([
    ['guide-1', 'refund', 1, 'guide-1+cal.refund.1'],
    ['guide-1', 'refund', 12, 'guide-1+cal.refund.12'],
    ['2026.11', 'medical_triage', 3, '2026.11+cal.medical_triage.3'],
  ])('%s, %s, %p → %s', (base, category, n, expected) => {
    expect(calibratedVersion(base, category, n)).toBe(expected);
  });

  it('fits the contract (100 characters) with a long category, and stays unique', () => {
    const base = 'b'.repeat(60);
    const a = calibratedVersion(base, `${'c'.repeat(99)}a`, 7);
    const b = calibratedVersion(base, `${'c'.repeat(99)}b`, 7);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(a).toMatch(new RegExp(`^${base}\\+cal\\.c+~[0-9a-f]{8}\\.7$`));
    expect(a).not.toBe(b);
  });
});
