import { parseEvent, Topics } from '@hitl/contracts';
import { DEMO_CATEGORIES, demoPrediction, seededRandom } from './demo-data';

describe('demo predictions', () => {
  const random = seededRandom(7);
  const events = Array.from({ length: 2_000 }, (_, i) => demoPrediction(random, i, 'run'));

  it('are all valid prediction.submitted events', () => {
    for (const event of events) expect(() => parseEvent(Topics.PredictionSubmitted, event)).not.toThrow();
  });

  it('cover every category of the guide and mark medical triage high-risk', () => {
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(DEMO_CATEGORIES));
    expect(events.filter((e) => e.category === 'medical_triage').every((e) => e.riskLevel === 'high')).toBe(true);
  });

  it('carry the critical flags and VIP tags in realistic shares', () => {
    const share = (tag: string) => events.filter((e) => e.tags?.includes(tag)).length / events.length;
    expect(share('fraud_suspected')).toBeGreaterThan(0.01);
    expect(share('fraud_suspected')).toBeLessThan(0.06);
    expect(share('legal_risk')).toBeGreaterThan(0.005);
    expect(share('vip')).toBeGreaterThan(0.02);
  });

  it('are reproducible from the seed', () => {
    const again = seededRandom(7);
    const now = new Date('2026-01-01T00:00:00Z');
    const a = demoPrediction(seededRandom(7), 0, 'run', now);
    expect(demoPrediction(again, 0, 'run', now)).toEqual(a);
  });
});
