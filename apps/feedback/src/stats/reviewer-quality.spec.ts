import { DEFAULT_RUBBER_STAMP_RULE, median, rubberStampFlag, unnecessaryEscalationRate } from './reviewer-quality';

describe('median', () => {
  it('is the middle value for an odd count, the mean of the middle two for an even one', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, -5, 0, 7, 7])).toBe(7);
  });

  it('sorts numerically, not as strings, and leaves its input alone', () => {
    const values = [100, 9, 20, 3];
    expect(median(values)).toBe(14.5);
    expect(values).toEqual([100, 9, 20, 3]);
  });

  it('is NaN for no values; NaN among the values is an error', () => {
    expect(median([])).toBeNaN();
    expect(() => median([1, NaN, 2])).toThrow(RangeError);
  });
});

describe('rubberStampFlag', () => {
  it('defaults: 50 decisions, a median below 30 s, at least 98% agreement', () => {
    expect(DEFAULT_RUBBER_STAMP_RULE).toEqual({ minDecisions: 50, maxMedianReviewMs: 30_000, minAgreementRate: 0.98 });
  });

  it('flags a fast reviewer who (almost) always agrees, saying which figures did it', () => {
    expect(rubberStampFlag({ decisions: 200, agreesWithAi: 199, medianReviewMs: 4_200 })).toEqual({
      flagged: true,
      reasons: ['median review time 4200 ms is below 30000 ms', 'agreement with the AI 99.5% (199 of 200) is at or above 98%'],
    });
  });

  it('the boundaries: exactly 50 decisions and exactly 98% count; exactly 30 s does not', () => {
    expect(rubberStampFlag({ decisions: 50, agreesWithAi: 49, medianReviewMs: 29_999 }).flagged).toBe(true);
    expect(rubberStampFlag({ decisions: 50, agreesWithAi: 49, medianReviewMs: 30_000 })).toEqual({ flagged: false, reasons: [] });
    expect(rubberStampFlag({ decisions: 50, agreesWithAi: 48, medianReviewMs: 1_000 })).toEqual({ flagged: false, reasons: [] });
  });

  it('too few decisions: not flagged, whatever the other figures', () => {
    expect(rubberStampFlag({ decisions: 49, agreesWithAi: 49, medianReviewMs: 500 })).toEqual({ flagged: false, reasons: ['too few decisions (49 < 50)'] });
    expect(rubberStampFlag({ decisions: 0, agreesWithAi: 0, medianReviewMs: 0 })).toEqual({ flagged: false, reasons: ['too few decisions (0 < 50)'] });
  });

  it('needs both the speed and the agreement', () => {
    expect(rubberStampFlag({ decisions: 300, agreesWithAi: 300, medianReviewMs: 95_000 }).flagged).toBe(false);
    expect(rubberStampFlag({ decisions: 300, agreesWithAi: 240, medianReviewMs: 2_000 }).flagged).toBe(false);
  });

  it('takes a rule, or part of one, over the defaults', () => {
    const stats = { decisions: 20, agreesWithAi: 19, medianReviewMs: 45_000 };
    expect(rubberStampFlag(stats)).toEqual({ flagged: false, reasons: ['too few decisions (20 < 50)'] });
    expect(rubberStampFlag(stats, { minDecisions: 10, maxMedianReviewMs: 60_000, minAgreementRate: 0.95 })).toEqual({
      flagged: true,
      reasons: ['median review time 45000 ms is below 60000 ms', 'agreement with the AI 95% (19 of 20) is at or above 95%'],
    });
    expect(rubberStampFlag(stats, { minDecisions: 10 })).toEqual({ flagged: false, reasons: [] });
    expect(rubberStampFlag({ decisions: 0, agreesWithAi: 0, medianReviewMs: 0 }, { minDecisions: 0 })).toEqual({ flagged: false, reasons: [] });
  });

  it('rejects impossible figures', () => {
    expect(() => rubberStampFlag({ decisions: 10, agreesWithAi: 11, medianReviewMs: 1 })).toThrow(RangeError);
    expect(() => rubberStampFlag({ decisions: -1, agreesWithAi: 0, medianReviewMs: 1 })).toThrow(RangeError);
    expect(() => rubberStampFlag({ decisions: 10.5, agreesWithAi: 1, medianReviewMs: 1 })).toThrow(RangeError);
    expect(() => rubberStampFlag({ decisions: 10, agreesWithAi: 1, medianReviewMs: NaN })).toThrow(RangeError);
    expect(() => rubberStampFlag({ decisions: 10, agreesWithAi: 1, medianReviewMs: -5 })).toThrow(RangeError);
  });
});

describe('unnecessaryEscalationRate', () => {
  it('is the share of escalations whose final outcome was the AI recommendation', () => {
    expect(
      unnecessaryEscalationRate([
        { finalOutcome: 'approve', aiRecommendation: 'approve' },
        { finalOutcome: 'reject', aiRecommendation: 'approve' },
        { finalOutcome: 'reject', aiRecommendation: 'reject' },
        { finalOutcome: 'approve', aiRecommendation: 'reject' },
        { finalOutcome: 'approve', aiRecommendation: 'approve' },
      ]),
    ).toBeCloseTo(0.6, 10);
  });

  it('compares exactly, and is 0 or 1 at the extremes', () => {
    expect(unnecessaryEscalationRate([{ finalOutcome: 'Approve', aiRecommendation: 'approve' }])).toBe(0);
    expect(unnecessaryEscalationRate([{ finalOutcome: 'hold', aiRecommendation: 'hold' }])).toBe(1);
  });

  it('is NaN with no escalations', () => {
    expect(unnecessaryEscalationRate([])).toBeNaN();
  });
});
