import { applyToDay, dayOf, normalizeReason, sumDays, windowDays, type DayChange, type Position } from './daily';

const at = (offset: number, partition = 0, topic = 'review.decided'): Position => ({ topic, partition, offset: String(offset) });
const decided = (override: boolean, caseId: string, modelVersion = 'm1', reason?: string): DayChange => ({ kind: 'decided', modelVersion, override, agreesWithAi: !override, reviewTimeMs: 60_000, caseId, reason });

describe('day counters', () => {
  it('counts each change once: a redelivered position is skipped', () => {
    const first = applyToDay(undefined, '2026-12-01', 'refund', [
      { at: at(5), change: decided(false, 'a') },
      { at: at(6), change: decided(true, 'b', 'm1', ' Receipt  FORGED ') },
    ])!;
    expect(first).toMatchObject({ decisions: 2, overrides: 1, agreesWithAi: 1, captured: 2, reviewTimeMsTotal: 120_000 });
    expect(first.models.m1).toEqual({ decisions: 2, overrides: 1, examples: ['b'] });
    expect(sumDays([first]).overrideReasons).toEqual({ 'receipt forged': 1 });
    // The same batch again (a crash before the commit), then one new record.
    expect(applyToDay(first, '2026-12-01', 'refund', [{ at: at(6), change: decided(true, 'b') }])).toBeUndefined();
    const second = applyToDay(first, '2026-12-01', 'refund', [
      { at: at(6), change: decided(true, 'b') },
      { at: at(7), change: decided(true, 'c', 'm2') },
    ])!;
    expect(second).toMatchObject({ decisions: 3, overrides: 2 });
    expect(second.models.m2).toEqual({ decisions: 1, overrides: 1, examples: ['c'] });
  });

  it('stores names with "." or "$" (topics, model versions, reasons) as valid field names and decodes them', () => {
    const day = applyToDay(undefined, 'd', 'c', [{ at: at(1, 0, 'prefix.review.decided'), change: decided(true, 'x', 'fraud-model-2.1', 'costs $5. too much') }])!;
    const keys = [...Object.keys(day.marks), ...Object.keys(day.models), ...Object.keys(day.overrideReasons)];
    expect(keys.every((k) => !k.includes('.') && !k.startsWith('$'))).toBe(true);
    const total = sumDays([day]);
    expect(Object.keys(total.models)).toEqual(['fraud-model-2.1']);
    expect(total.overrideReasons).toEqual({ 'costs $5. too much': 1 });
  });

  it('keeps a mark per topic partition: offsets of different partitions do not shadow each other', () => {
    const one = applyToDay(undefined, 'd', 'c', [{ at: at(100, 0), change: { kind: 'requested' } }])!;
    const two = applyToDay(one, 'd', 'c', [{ at: at(3, 1), change: { kind: 'requested' } }, { at: at(3, 0, 'decision.finalized'), change: { kind: 'finalized', decidedBy: 'human', latencyMs: 5_000, auditSampled: false, shadow: false } }])!;
    expect(two).toMatchObject({ reviewRequests: 2, human: 1, timeToHumanMsTotal: 5_000 });
  });

  it('adds days up, with model examples capped at 20', () => {
    const days = Array.from({ length: 3 }, (_, d) =>
      applyToDay(undefined, `2026-12-0${d + 1}`, 'refund', Array.from({ length: 10 }, (_, i) => ({ at: at(i), change: decided(true, `c${d}-${i}`) })))!,
    );
    const total = sumDays(days);
    expect(total).toMatchObject({ decisions: 30, overrides: 30 });
    expect(total.models.m1.examples).toHaveLength(20);
  });

  it('a request three people decided is one Fleiss item: a later rater replaces the shorter list, across days too', () => {
    const monday = applyToDay(undefined, '2026-12-01', 'refund', [{ at: at(1), change: { kind: 'rated', requestId: 'r:c.1:1', outcomes: ['approve', 'approve', 'deny'] } }])!;
    const tuesday = applyToDay(undefined, '2026-12-02', 'refund', [{ at: at(2), change: { kind: 'rated', requestId: 'r:c.1:1', outcomes: ['approve', 'approve', 'deny', 'deny'] } }])!;
    expect(Object.values(sumDays([monday, tuesday]).groups ?? {})).toEqual([JSON.stringify(['approve', 'approve', 'deny', 'deny'])]);
    expect(Object.values(sumDays([tuesday, monday]).groups ?? {})).toEqual([JSON.stringify(['approve', 'approve', 'deny', 'deny'])]);
  });

  it('decisions in a rollout stage count toward it, and on what automation would have approved', () => {
    const d = applyToDay(undefined, '2026-12-01', 'refund', [
      { at: at(1), change: { ...decided(false, 'a'), rollout: { stage: 'shadow', wouldAuto: true } } as DayChange },
      { at: at(2), change: { ...decided(true, 'b'), rollout: { stage: 'shadow', wouldAuto: true } } as DayChange },
      { at: at(3), change: { ...decided(true, 'c'), rollout: { stage: 'shadow', wouldAuto: false } } as DayChange },
      { at: at(4), change: { ...decided(false, 'd'), rollout: { stage: 'assist', wouldAuto: true } } as DayChange },
      { at: at(5), change: decided(true, 'e') },
    ])!;
    expect(sumDays([d]).rollout).toEqual({ shadow: { decided: 3, overrides: 2, wouldAuto: 2, wouldAutoOverrides: 1 }, assist: { decided: 1, overrides: 0, wouldAuto: 1, wouldAutoOverrides: 0 } });
  });

  it('a window is the last N days, oldest first, in UTC', () => {
    expect(windowDays(new Date('2026-12-02T00:30:00Z'), 3)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(dayOf('2026-12-01T23:59:59.999Z')).toBe('2026-12-01');
  });

  it('normalizes override reasons and drops empty ones', () => {
    expect(normalizeReason('  Policy\nchanged  ')).toBe('policy changed');
    expect(normalizeReason('   ')).toBeUndefined();
    expect(normalizeReason('x'.repeat(200))).toHaveLength(80);
  });

  it('one record may carry several changes (a decision and the pair it completes): all count once', () => {
    const both = [
      { at: at(9), change: decided(false, 'x') },
      { at: at(9), change: { kind: 'paired', outcomes: ['approve', 'deny'] } as DayChange },
    ];
    const day = applyToDay(undefined, 'd', 'c', both)!;
    expect(day).toMatchObject({ decisions: 1, pairs: 1, pairsAgreed: 0, pairOutcomes: [{ a: 'approve', b: 'deny' }], reviewTimesMs: [60_000] });
    expect(applyToDay(day, 'd', 'c', both)).toBeUndefined();
  });
});
