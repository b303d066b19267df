import type { EventOf, Topics } from '@hitl/contracts';

type Prediction = EventOf<typeof Topics.PredictionSubmitted>;

/** Small seeded PRNG (mulberry32): the same seed gives the same demo stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Scenario {
  category: string;
  producer: string;
  model: string;
  weight: number;
  riskLevel: (r: () => number) => Prediction['riskLevel'];
  value?: (r: () => number) => number;
  recommend: (r: () => number) => string;
  probability: (r: () => number) => number;
  reasoning: string;
  input: (r: () => number, i: number) => Record<string, unknown>;
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const between = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);
const money = (n: number) => Math.round(n * 100) / 100;

// The guide's examples: insurance claims (its distribution table), refunds and the tier table's
// categories, content moderation, loan decisions, and medical triage marked high-risk.
const SCENARIOS: Scenario[] = [
  {
    category: 'property_damage', producer: 'claims-ai', model: 'claims-2026.11', weight: 20,
    riskLevel: () => 'low', value: (r) => money(between(r, 150, 4_900)),
    recommend: (r) => (r() < 0.9 ? 'approve' : 'deny'), probability: (r) => between(r, 0.82, 0.995),
    reasoning: 'Photos match the reported damage, policy active, amount within the typical range for the area.',
    input: (r, i) => ({ claimId: `CLM-P-${10_000 + i}`, policyAgeYears: Math.round(between(r, 0, 15)), priorClaims: Math.floor(between(r, 0, 3)), photos: Math.floor(between(r, 1, 8)) }),
  },
  {
    category: 'vehicle_collision', producer: 'claims-ai', model: 'claims-2026.11', weight: 14,
    riskLevel: (r) => pick(r, ['low', 'medium', 'medium'] as const), value: (r) => money(between(r, 800, 18_000)),
    recommend: (r) => (r() < 0.8 ? 'approve' : 'refer_to_adjuster'), probability: (r) => between(r, 0.7, 0.97),
    reasoning: 'Police report and repair estimate agree on the damage; liability split 100/0 per the report.',
    input: (r, i) => ({ claimId: `CLM-V-${20_000 + i}`, policeReport: r() < 0.8, repairEstimate: money(between(r, 800, 18_000)), injuries: r() < 0.1 }),
  },
  {
    category: 'medical_claim', producer: 'claims-ai', model: 'claims-2026.11', weight: 10,
    riskLevel: (r) => pick(r, ['medium', 'high'] as const), value: (r) => money(between(r, 300, 40_000)),
    recommend: (r) => (r() < 0.7 ? 'approve' : 'request_records'), probability: (r) => between(r, 0.6, 0.93),
    reasoning: 'Procedure codes are consistent with the diagnosis; provider in network.',
    input: (r, i) => ({ claimId: `CLM-M-${30_000 + i}`, procedureCodes: ['99213', pick(r, ['80053', '71046', '93000'])], inNetwork: r() < 0.85 }),
  },
  {
    category: 'liability_dispute', producer: 'claims-ai', model: 'claims-2026.11', weight: 5,
    riskLevel: () => 'high', value: (r) => money(between(r, 5_000, 120_000)),
    recommend: (r) => (r() < 0.5 ? 'settle' : 'contest'), probability: (r) => between(r, 0.55, 0.9),
    reasoning: 'Comparable disputes in this jurisdiction settled at 40-60% of the claimed amount.',
    input: (r, i) => ({ claimId: `CLM-L-${40_000 + i}`, jurisdiction: pick(r, ['NY', 'CA', 'TX', 'IL']), note: r() < 0.3 ? 'Claimant says they will take legal action.' : 'Claimant disputes fault.' }),
  },
  {
    category: 'refund', producer: 'support-ai', model: 'support-4.2', weight: 16,
    riskLevel: () => 'low', value: (r) => money(between(r, 5, 480)),
    recommend: () => 'approve', probability: (r) => between(r, 0.75, 0.99),
    reasoning: 'Customer is within the 30-day return window with a positive history; reason matches a valid return category.',
    input: (r, i) => ({ orderId: `ORD-${500_000 + i}`, accountAgeYears: Math.round(between(r, 0, 8) * 10) / 10, previousRefunds: Math.floor(between(r, 0, 4)), reason: pick(r, ['Sound quality not as expected', 'Arrived damaged', 'Wrong size', 'Changed my mind']) }),
  },
  {
    category: 'large_refund', producer: 'support-ai', model: 'support-4.2', weight: 4,
    riskLevel: () => 'high', value: (r) => money(between(r, 10_000, 48_000)),
    recommend: (r) => (r() < 0.7 ? 'approve' : 'deny'), probability: (r) => between(r, 0.7, 0.96),
    reasoning: 'Enterprise order cancelled within contract terms; goods returned and inspected.',
    input: (r, i) => ({ orderId: `ENT-${9_000 + i}`, contractTerms: 'net-30', goodsReturned: r() < 0.9 }),
  },
  {
    category: 'content_moderation', producer: 'trust-safety-ai', model: 'moderation-7.0', weight: 18,
    riskLevel: (r) => pick(r, ['low', 'low', 'medium'] as const),
    recommend: (r) => pick(r, ['allow', 'allow', 'remove', 'age_restrict']), probability: (r) => between(r, 0.65, 0.999),
    reasoning: 'Text classified against the community guidelines; no matches in the known-abuse hash set.',
    input: (r, i) => ({ postId: `POST-${1_000_000 + i}`, language: pick(r, ['en', 'de', 'es', 'fr']), reports: Math.floor(between(r, 0, 12)), excerpt: r() < 0.05 ? 'A journalist asked us about this post for a news story.' : 'User post text (redacted in demo).' }),
  },
  {
    category: 'loan_decision', producer: 'lending-ai', model: 'credit-3.8', weight: 9,
    riskLevel: (r) => pick(r, ['medium', 'high'] as const), value: (r) => money(between(r, 2_000, 60_000)),
    recommend: (r) => (r() < 0.6 ? 'approve' : 'decline'), probability: (r) => between(r, 0.6, 0.97),
    reasoning: 'Debt-to-income 28%, stable employment 4 years, no delinquencies in 24 months.',
    input: (r, i) => ({ applicationId: `LN-${70_000 + i}`, debtToIncome: Math.round(between(r, 0.1, 0.55) * 100) / 100, creditScore: Math.round(between(r, 560, 820)), employmentYears: Math.round(between(r, 0, 20)) }),
  },
  {
    category: 'medical_triage', producer: 'triage-ai', model: 'triage-1.9', weight: 4,
    riskLevel: () => 'high',
    recommend: (r) => pick(r, ['routine', 'urgent', 'emergency']), probability: (r) => between(r, 0.6, 0.95),
    reasoning: 'Reported symptoms and vitals map to the urgency protocol; no red-flag combinations.',
    input: (r, i) => ({ encounterId: `ENC-${80_000 + i}`, heartRate: Math.round(between(r, 55, 130)), spo2: Math.round(between(r, 88, 100)), symptoms: [pick(r, ['chest pain', 'fever', 'headache', 'shortness of breath'])] }),
  },
];

const TOTAL_WEIGHT = SCENARIOS.reduce((sum, s) => sum + s.weight, 0);

function scenario(r: () => number): Scenario {
  let x = r() * TOTAL_WEIGHT;
  for (const s of SCENARIOS) {
    x -= s.weight;
    if (x < 0) return s;
  }
  return SCENARIOS[SCENARIOS.length - 1];
}

/** Tags by the guide: ~3% fraud_suspected, ~2% legal_risk, ~1% safety_concern, ~5% vip. */
function tagsFor(r: () => number, category: string): string[] {
  const tags: string[] = [];
  if (r() < 0.03) tags.push('fraud_suspected');
  if (r() < 0.02) tags.push('legal_risk');
  if (category === 'medical_triage' && r() < 0.15) tags.push('safety_concern');
  if (r() < 0.05) tags.push('vip');
  return tags;
}

/** The i-th prediction of a demo run with this seed. */
export function demoPrediction(r: () => number, i: number, runId: string, now = new Date()): Prediction {
  const s = scenario(r);
  const value = s.value?.(r);
  return {
    predictionId: `demo-${runId}-${String(i).padStart(6, '0')}`,
    producer: s.producer,
    modelVersion: s.model,
    category: s.category,
    recommendation: s.recommend(r),
    probability: Math.round(s.probability(r) * 1_000) / 1_000,
    ...(value !== undefined ? { value, currency: 'USD' } : {}),
    riskLevel: s.riskLevel(r),
    reasoning: s.reasoning,
    input: s.input(r, i),
    tags: tagsFor(r, s.category),
    // Mature producers measure their own training-data coverage (the guide's checkSimilarExamples);
    // without it scoring computes coverage from labelled cases, which a new install has none of.
    ...(s.producer !== 'triage-ai' ? { signals: { trainingDataCoverage: Math.round(between(r, 0.55, 0.995) * 1_000) / 1_000 } } : {}),
    submittedAt: now.toISOString(),
    round: 1,
  };
}

export const DEMO_CATEGORIES = SCENARIOS.map((s) => s.category);
