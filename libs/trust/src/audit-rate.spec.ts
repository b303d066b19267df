import { seededRandom } from './simulation';
import { auditRate, type AuditPlanInput, type AuditRule } from './audit-rate';
import { errorUpperBound, outcomesToCertify } from './weighted-bound';

const rule: AuditRule = { floor: 0.05, ceiling: 0.5, windowDays: 7 };
const base = { haveOutcomes: 0, autoPerDay: 100, target: 0.01, confidence: 0.95 };
/** With floor 0, ceiling 1 and 10 000 automated cases in the window, rate · 10 000 is the number of outcomes still wanted (the rate is rounded to 4 decimals). */
const open: AuditRule = { floor: 0, ceiling: 1, windowDays: 1 };
const wanted = (input: Partial<AuditPlanInput>) => Math.round(auditRate({ ...base, autoPerDay: 10_000, ...input }, open) * 10_000);
/** The bound at n outcomes of which a share `error` is wrong. */
const boundWith = (n: number, error: number, confidence: number) => errorUpperBound({ w: n, w2: n, wrong: error * n, n }, confidence).upper;

describe('auditRate', () => {
  it('asks for the outcomes that certify 1 % at 95 % with half a percent of them wrong (1,146), not only the 299 that do when none is', () => {
    expect(outcomesToCertify(0.01, 0.95)).toBe(299);
    expect(wanted({})).toBe(1146);
    expect(boundWith(1146, 0.005, 0.95)).toBeLessThanOrEqual(0.01);
    expect(boundWith(1145, 0.005, 0.95)).toBeGreaterThan(0.01);
    // 1,146 in 10 days of 1,146 automated cases a day: 10 %.
    expect(auditRate({ ...base, autoPerDay: 1146 }, { floor: 0.01, ceiling: 1, windowDays: 10 })).toBe(0.1);
    // 1,146 in 7 days of 1,000: 1146/7000 = 0.16371 (rounded to 4 decimals).
    expect(auditRate({ ...base, autoPerDay: 1000 }, rule)).toBe(0.1637);
  });

  it('counts only the outcomes still missing', () => {
    expect(wanted({ haveOutcomes: 146 })).toBe(1000);
    expect(wanted({ haveOutcomes: 1145 })).toBe(1);
    expect(auditRate({ ...base, haveOutcomes: 446, autoPerDay: 1000 }, rule)).toBe(0.1); // 700/7000
  });

  it('is the floor once the outcomes are there', () => {
    for (const have of [1146, 1147, 10_000]) expect(auditRate({ ...base, haveOutcomes: have }, rule)).toBe(rule.floor);
    // ... and never less than the floor, however little is missing.
    expect(auditRate({ ...base, haveOutcomes: 1145 }, rule)).toBe(rule.floor);
  });

  it('rises as fewer outcomes are there', () => {
    let previous = -1;
    for (let have = 1300; have >= 0; have -= 10) {
      const rate = auditRate({ ...base, haveOutcomes: have, autoPerDay: 200 }, rule);
      expect(rate).toBeGreaterThanOrEqual(previous);
      previous = rate;
    }
    expect(auditRate({ ...base, haveOutcomes: 0, autoPerDay: 1000 }, rule)).toBe(0.1637);
    expect(auditRate({ ...base, haveOutcomes: 1000, autoPerDay: 1000 }, rule)).toBe(rule.floor); // 146/7000 < floor
  });

  it('rises as the automated volume falls, up to the ceiling; no volume at all → the ceiling', () => {
    let previous = -1;
    for (const perDay of [100_000, 10_000, 1000, 300, 100, 50, 20, 5, 1, 0]) {
      const rate = auditRate({ ...base, autoPerDay: perDay }, rule);
      expect(rate).toBeGreaterThanOrEqual(previous);
      previous = rate;
    }
    expect(auditRate({ ...base, autoPerDay: 100_000 }, rule)).toBe(rule.floor);
    expect(auditRate({ ...base, autoPerDay: 1000 }, rule)).toBe(0.1637);
    expect(auditRate({ ...base, autoPerDay: 100 }, rule)).toBe(rule.ceiling); // 1146/700 > 0.5
    expect(auditRate({ ...base, autoPerDay: 0 }, rule)).toBe(rule.ceiling);
  });

  it('stays within [floor, ceiling] whatever the input', () => {
    const rnd = seededRandom(9);
    for (let i = 0; i < 100; i++) {
      const r: AuditRule = { floor: rnd() * 0.1, ceiling: 0.1 + rnd() * 0.9, windowDays: 1 + Math.floor(rnd() * 30) };
      const rate = auditRate(
        {
          haveOutcomes: Math.floor(rnd() * 4000),
          autoPerDay: rnd() < 0.1 ? 0 : rnd() * 5000,
          target: [0.005, 0.01, 0.02, 0.05][Math.floor(rnd() * 4)],
          confidence: [0.9, 0.95, 0.975, 0.99][Math.floor(rnd() * 4)],
        },
        r,
      );
      // Up to the rounding of the rate to 4 decimals.
      expect(rate).toBeGreaterThanOrEqual(r.floor - 5e-5);
      expect(rate).toBeLessThanOrEqual(r.ceiling + 5e-5);
    }
  });

  /*
   * The outcomes asked for are the fewest that certify the target when half the target of them
   * are wrong, as the doc says: the bound at n is ≤ target, at n − 1 it is not; always more than
   * the zero-error count.
   */
  it.each([
    [0.01, 0.95],
    [0.01, 0.975],
    [0.02, 0.95],
    [0.02, 0.975],
    [0.05, 0.99],
  ])('target %p at %p: the fewest outcomes that certify with half the target of them wrong', (target, confidence) => {
    const n = wanted({ target, confidence });
    expect(boundWith(n, target / 2, confidence)).toBeLessThanOrEqual(target);
    expect(boundWith(n - 1, target / 2, confidence)).toBeGreaterThan(target);
    expect(n).toBeGreaterThan(outcomesToCertify(target, confidence));
  });

  describe('planned to pass the next looser candidate too', () => {
    const held = { target: 0.02, confidence: 0.975 };

    it('asks for the outcomes that pass it at the error seen there, less those it has', () => {
      // 2 % at 97.5 % with 1.2 % wrong: the fewest n with bound ≤ 2 %.
      const n = wanted({ ...held, haveOutcomes: 5000 });
      expect(n).toBe(0); // the certified threshold has all it needs, and no next candidate: nothing
      const forNext = wanted({ ...held, haveOutcomes: 5000, next: { effectiveN: 700, estimate: 0.012 } });
      const needed = forNext + 700;
      expect(boundWith(needed, 0.012, 0.975)).toBeLessThanOrEqual(0.02);
      expect(boundWith(needed - 1, 0.012, 0.975)).toBeGreaterThan(0.02);
      // The larger of the two plans.
      expect(wanted({ ...held, haveOutcomes: 0, next: { effectiveN: 700, estimate: 0.012 } })).toBe(wanted({ ...held, haveOutcomes: 0 }));
    });

    it('at half the target at least, as for the certified threshold', () => {
      expect(wanted({ ...held, haveOutcomes: 5000, next: { effectiveN: 0, estimate: 0 } })).toBe(wanted({ ...held, haveOutcomes: 0 }));
    });

    it('not for a candidate whose error seen is 80 % of the target or more: no number of outcomes would pass it soon', () => {
      for (const estimate of [0.016, 0.02, 0.05]) expect(wanted({ ...held, haveOutcomes: 5000, next: { effectiveN: 100, estimate } })).toBe(0);
      expect(wanted({ ...held, haveOutcomes: 5000, next: { effectiveN: 100, estimate: 0.0159 } })).toBeGreaterThan(0);
    });

    it('not once it has the outcomes', () => {
      expect(wanted({ ...held, haveOutcomes: 5000, next: { effectiveN: 4000, estimate: 0.012 } })).toBe(0);
    });
  });
});
