import { seededRandom } from './simulation';
import { auditRate, type AuditRule } from './audit-rate';
import { errorUpperBound, outcomesToCertify } from './weighted-bound';


const rule: AuditRule = { floor: 0.05, ceiling: 0.5, windowDays: 7 };
const base = { haveOutcomes: 0, estimatedError: 0, autoPerDay: 100, target: 0.01, confidence: 0.95 };
/** With floor 0, ceiling 1 and 10 000 automated cases in the window, rate · 10 000 is the number of outcomes still wanted (the rate is rounded to 4 decimals). */
const open: AuditRule = { floor: 0, ceiling: 1, windowDays: 1 };
const wanted = (input: Partial<typeof base>) => Math.round(auditRate({ ...base, autoPerDay: 10_000, ...input }, open) * 10_000);

describe('auditRate', () => {
  it('with no outcomes and no error seen, asks for the 299 outcomes that certify 1 % at 95 % within the window', () => {
    expect(outcomesToCertify(0.01, 0.95)).toBe(299);
    expect(wanted({})).toBe(299);
    // 299 in 10 days of 299 automated cases a day: 10 %.
    expect(auditRate({ ...base, autoPerDay: 299 }, { floor: 0.01, ceiling: 1, windowDays: 10 })).toBe(0.1);
    // 299 in 7 days of 100: 299/700 = 0.42714 (rounded to 4 decimals).
    expect(auditRate(base, rule)).toBe(0.4271);
  });

  it('counts only the outcomes still missing', () => {
    expect(wanted({ haveOutcomes: 100 })).toBe(199);
    expect(wanted({ haveOutcomes: 298 })).toBe(1);
    expect(auditRate({ ...base, haveOutcomes: 100 }, rule)).toBe(0.2843); // 199/700
  });

  it('is the floor once the outcomes are there', () => {
    for (const have of [299, 300, 10_000]) expect(auditRate({ ...base, haveOutcomes: have }, rule)).toBe(rule.floor);
    // ... and never less than the floor, however little is missing.
    expect(auditRate({ ...base, haveOutcomes: 298 }, rule)).toBe(rule.floor);
  });

  it('rises as fewer outcomes are there', () => {
    let previous = -1;
    for (let have = 400; have >= 0; have -= 10) {
      const rate = auditRate({ ...base, haveOutcomes: have, autoPerDay: 20 }, rule);
      expect(rate).toBeGreaterThanOrEqual(previous);
      previous = rate;
    }
    expect(auditRate({ ...base, haveOutcomes: 0, autoPerDay: 200 }, rule)).toBe(0.2136); // 299/1400
    expect(auditRate({ ...base, haveOutcomes: 200, autoPerDay: 200 }, rule)).toBe(0.0707); // 99/1400
  });

  it('rises as the automated volume falls, up to the ceiling; no volume at all → the ceiling', () => {
    let previous = -1;
    for (const perDay of [100_000, 10_000, 1000, 300, 100, 50, 20, 5, 1, 0]) {
      const rate = auditRate({ ...base, autoPerDay: perDay }, rule);
      expect(rate).toBeGreaterThanOrEqual(previous);
      previous = rate;
    }
    expect(auditRate({ ...base, autoPerDay: 100_000 }, rule)).toBe(rule.floor);
    expect(auditRate({ ...base, autoPerDay: 300 }, rule)).toBe(0.1424); // 299/2100
    expect(auditRate({ ...base, autoPerDay: 5 }, rule)).toBe(rule.ceiling);
    expect(auditRate({ ...base, autoPerDay: 0 }, rule)).toBe(rule.ceiling);
  });

  it('stays within [floor, ceiling] whatever the input', () => {
    const rnd = seededRandom(9);
    for (let i = 0; i < 100; i++) {
      const r: AuditRule = { floor: rnd() * 0.1, ceiling: 0.1 + rnd() * 0.9, windowDays: 1 + Math.floor(rnd() * 30) };
      const rate = auditRate(
        {
          haveOutcomes: Math.floor(rnd() * 2000),
          estimatedError: rnd() < 0.3 ? 0 : rnd() * 0.05,
          autoPerDay: rnd() < 0.1 ? 0 : rnd() * 5000,
          target: [0.005, 0.01, 0.02, 0.05][Math.floor(rnd() * 4)],
          confidence: [0.9, 0.95, 0.99][Math.floor(rnd() * 3)],
        },
        r,
      );
      // Up to the rounding of the rate to 4 decimals.
      expect(rate).toBeGreaterThanOrEqual(r.floor - 5e-5);
      expect(rate).toBeLessThanOrEqual(r.ceiling + 5e-5);
    }
  });

  /*
   * With some error seen, the outcomes asked for must certify the target at that error, as the
   * doc says ("enough to collect, within the window, the outcomes that certify the target"): the
   * bound at n outcomes of which a share e is wrong must be ≤ target, and (the fewest) at n − 1
   * it must not be. The error planned for is at most half the target.
   */
  it.each([
    [0.01, 0.95, 0.001],
    [0.01, 0.95, 0.0025],
    [0.01, 0.95, 0.005],
    [0.02, 0.95, 0.005],
    [0.02, 0.95, 0.01],
    [0.01, 0.99, 0.0025],
  ])('target %p at %p with %p seen wrong: asks for the fewest outcomes that certify', (target, confidence, error) => {
    const n = wanted({ target, confidence, estimatedError: error });
    expect(errorUpperBound({ w: n, w2: n, wrong: error * n, n }, confidence).upper).toBeLessThanOrEqual(target);
    expect(errorUpperBound({ w: n - 1, w2: n - 1, wrong: error * (n - 1), n: n - 1 }, confidence).upper).toBeGreaterThan(target);
    expect(n).toBeGreaterThanOrEqual(outcomesToCertify(target, confidence));
  });

  it('plans for at most half the target, and for none when the estimate is not positive', () => {
    expect(wanted({ estimatedError: 0.03 })).toBe(wanted({ estimatedError: 0.005 }));
    expect(wanted({ estimatedError: 0.5 })).toBe(wanted({ estimatedError: 0.005 }));
    expect(wanted({ estimatedError: -0.01 })).toBe(299);
    expect(wanted({ estimatedError: 0.004 })).toBeLessThan(wanted({ estimatedError: 0.005 }));
    expect(wanted({ estimatedError: 0.001 })).toBeGreaterThan(299);
  });
});
