import { exampleOf, Topics, parseEvent } from '@hitl/contracts';
import { captureOf, requestInfoOf, type ReviewDecided, type ReviewRequested } from './capture';

const requested: ReviewRequested = { ...exampleOf(Topics.ReviewRequested), caseId: 'c1', predictionId: 'c1', round: 2, recommendation: 'approve' };
const decided = (over: Partial<ReviewDecided>): ReviewDecided => ({
  caseId: 'c1',
  decisionId: 'd1',
  reviewerId: 'sam',
  role: 'support_lead',
  action: 'approve',
  outcome: 'approve',
  agreesWithAi: true,
  round: 2,
  startedAt: '2026-12-01T10:00:00.000Z',
  decidedAt: '2026-12-01T10:01:30.000Z',
  ...over,
});
const now = new Date('2026-12-01T10:01:31.000Z');

describe('capturing a human decision (the guide\'s captureDecision)', () => {
  const info = requestInfoOf(requested);

  it('joins the AI side of the request with the human decision', () => {
    const record = captureOf(info, decided({}), now)!;
    expect(record).toMatchObject({
      feedbackId: 'fb:d1',
      caseId: 'c1',
      category: requested.context.category,
      modelVersion: requested.context.modelVersion,
      aiRecommendation: 'approve',
      humanDecision: 'approve',
      override: false,
      reviewerId: 'sam',
      role: 'support_lead',
      reviewTimeMs: 90_000,
      band: requested.score.band,
      confidence: requested.score.overall,
      tier: requested.tier,
      round: 2,
      capturedAt: now.toISOString(),
    });
    expect(() => parseEvent(Topics.FeedbackCaptured, record)).not.toThrow();
  });

  it('an override carries the human outcome and the reason', () => {
    const record = captureOf(info, decided({ action: 'override', outcome: 'deny', agreesWithAi: false, reason: 'Receipt is forged' }), now)!;
    expect(record).toMatchObject({ humanDecision: 'deny', override: true, reason: 'Receipt is forged' });
    expect(() => parseEvent(Topics.FeedbackCaptured, record)).not.toThrow();
  });

  it("an override keeps its reason code from the policy; an approval's code would mean nothing and is dropped", () => {
    expect(captureOf(info, decided({ action: 'override', outcome: 'deny', agreesWithAi: false, reason: 'Receipt is forged', reasonCode: 'suspected_fraud' }), now)).toMatchObject({ override: true, reasonCode: 'suspected_fraud' });
    expect(captureOf(info, decided({ action: 'approve', reasonCode: 'suspected_fraud' }), now)).not.toHaveProperty('reasonCode');
  });

  it('request-info and escalate are not decisions to learn from', () => {
    expect(captureOf(info, decided({ action: 'request_info', outcome: undefined, reason: 'Need the receipt' }), now)).toBeUndefined();
    expect(captureOf(info, decided({ action: 'escalate', outcome: undefined, reason: 'Above my authority' }), now)).toBeUndefined();
  });

  it('the request is kept under its case and round', () => {
    expect(info._id).toBe('r:c1:2');
  });
});
