import { ContractError, Topics } from '@hitl/contracts';
import type { IncomingEvent } from '@hitl/messaging';
import { loadPolicy } from '@hitl/policy';
import { prediction } from '@hitl/testing';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { CalibrationStore, CategoryCalibration } from '../calibration/calibration.store';
import { CategoryStats } from '../category-stats/category-stats';
import type { CategoryStatsStore } from '../category-stats/category-stats.store';
import type { TrustStore } from '../trust/trust.store';
import { Scorer } from './scorer';

const policy = loadPolicy(undefined, {});

function setup(calibrations: Record<string, CategoryCalibration> = {}) {
  const stats = new CategoryStats();
  const learned: string[] = [];
  const store = { of: () => stats, learn: (eventId: string) => learned.push(eventId) } as unknown as CategoryStatsStore;
  const calibration = { forCategory: (c: string) => calibrations[c] } as unknown as CalibrationStore;
  const trust = { of: () => undefined } as unknown as TrustStore;
  return { scorer: new Scorer(policy, store, calibration, trust), learned };
}

function incoming(id: string, data = prediction(id)): IncomingEvent<typeof Topics.PredictionSubmitted> {
  return { topic: Topics.PredictionSubmitted, id: `evt-${id}`, data, key: id, partition: 0, offset: '0', headers: {}, traceContext: ROOT_CONTEXT, envelope: {} as never };
}

describe('Scorer (the transform of the hop)', () => {
  it('turns each submitted event into a scored event keyed and traced like its input', () => {
    const { scorer, learned } = setup();
    const input = incoming('p1');
    const [out] = scorer.score([input], new Date('2026-01-06T09:00:00Z'));
    expect(out).toMatchObject({ topic: Topics.PredictionScored, id: 'evt-p1:scored', time: '2026-01-06T09:00:00.000Z', traceContext: input.traceContext });
    expect(out.data.prediction.predictionId).toBe('p1');
    expect(out.data.policyVersion).toBe('guide-5');
    expect(learned).toEqual(['evt-p1']);
  });

  it("uses the category's calibration: bands and policy version", () => {
    const { scorer } = setup({ refund: { bands: { autoApprove: 0.99, autoApproveAudit: 0.97, humanReview: 0.9 }, policyVersion: 'guide-5+cal.refund.3', n: 3 } });
    const signals = { modelConfidence: 1, trainingDataCoverage: 0.9, inputQuality: 1, edgeCaseIndicators: 0.05 };
    const [refund, other] = scorer.score([incoming('r', prediction('r', { category: 'refund', signals })), incoming('o', prediction('o', { signals }))]);
    expect(refund.data).toMatchObject({ policyVersion: 'guide-5+cal.refund.3', score: { band: 'human_review' } });
    expect(other.data).toMatchObject({ policyVersion: 'guide-5', score: { band: 'auto_approve' } });
  });

  it('an output its contract refuses is a ContractError (dead-lettered alone), and nothing is learned from it', () => {
    const { scorer, learned } = setup();
    // Decoded inputs are valid, so only a bug yields an invalid output: simulate one.
    const broken = incoming('b');
    (broken.data as { producer: string }).producer = 'not a valid producer';
    expect(() => scorer.score([broken])).toThrow(ContractError);
    expect(learned).toEqual([]);
  });
});
