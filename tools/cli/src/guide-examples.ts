import type { Band, EventOf, Tier, Topics } from '@hitl/contracts';

type Prediction = EventOf<typeof Topics.PredictionSubmitted>;

/** What the guide says must happen to one of its examples. */
export interface GuideExpectation {
  band: Band;
  tier: Tier;
  /** auto: decision.finalized by the AI; review: review.requested to these roles. */
  route: 'auto' | 'review';
  eligibleRoles?: string[];
  requiredApprovals?: number;
  triggers?: string[];
}

export interface GuideExample {
  key: string;
  /** Where in the guide, in its words. */
  guide: string;
  expect: GuideExpectation;
  prediction: Omit<Prediction, 'predictionId' | 'submittedAt' | 'round'>;
}

const SUPPORT = { producer: 'support-ai', modelVersion: 'support-4.2' };

// Each example's producer sends its measured training-data coverage and edge-case indicator (the
// guide's checkSimilarExamples / detectAnomalies), and the input carries every required field, so
// the confidence is 0.3·probability + 0.3·coverage + 0.2·1 + 0.2·(1 − edge) whatever the platform
// has learnt so far: the example lands where the guide puts it on any install.
export const GUIDE_EXAMPLES: GuideExample[] = [
  {
    key: 'refund-under-50',
    guide: 'bands: > 0.95 auto-approve — "clear-cut customer refunds under $50"',
    expect: { band: 'auto_approve', tier: 'single_approver', route: 'auto' },
    prediction: {
      ...SUPPORT, category: 'refund', recommendation: 'approve', probability: 0.98, value: 35, currency: 'USD', riskLevel: 'low',
      reasoning: 'Customer is within the 30-day return window with a positive history; item arrived damaged.',
      input: { orderId: 'ORD-G-1001', reason: 'Arrived damaged', accountAgeYears: 4.2, previousRefunds: 0 },
      signals: { trainingDataCoverage: 0.97, edgeCaseIndicators: 0.02 },
    },
  },
  {
    key: 'standard-order',
    guide: 'bands: 0.85–0.95 auto-approve with logging — "standard order processing"',
    expect: { band: 'auto_approve_audit', tier: 'automatic', route: 'auto' },
    prediction: {
      producer: 'orders-ai', modelVersion: 'orders-1.3', category: 'order_processing', recommendation: 'fulfil', probability: 0.92, value: 240, currency: 'USD', riskLevel: 'low',
      reasoning: 'Items in stock, address verified, payment captured.',
      input: { orderId: 'ORD-G-1002', items: 3, warehouse: 'AMS-2' },
      signals: { trainingDataCoverage: 0.88, edgeCaseIndicators: 0.1 },
    },
  },
  {
    key: 'ambiguous-complaint',
    guide: 'bands: 0.70–0.85 human review required — "ambiguous customer complaints"',
    expect: { band: 'human_review', tier: 'single_approver', route: 'review', eligibleRoles: ['support_lead', 'account_manager'], requiredApprovals: 1 },
    prediction: {
      ...SUPPORT, category: 'customer_complaint', recommendation: 'offer_voucher', probability: 0.74, riskLevel: 'low',
      reasoning: 'Complaint mixes a late delivery with a billing question; a voucher resolved similar cases.',
      input: { ticketId: 'TCK-G-1003', text: 'Parcel came late and I think I was charged twice, not sure.' },
      signals: { trainingDataCoverage: 0.78, edgeCaseIndicators: 0.25 },
    },
  },
  {
    key: 'fraud-indicators',
    guide: 'bands: < 0.70 escalate to senior reviewer — "potential fraud indicators"; fraud_suspected escalates at once',
    expect: { band: 'senior_review', tier: 'dual_approval', route: 'review', eligibleRoles: ['manager', 'compliance_officer', 'senior_reviewer'], requiredApprovals: 2, triggers: ['fraud_suspected'] },
    prediction: {
      ...SUPPORT, category: 'refund', recommendation: 'approve', probability: 0.66, value: 420, currency: 'USD', riskLevel: 'low', tags: ['fraud_suspected'],
      reasoning: 'Refund requested from a new device; shipping address differs from the billing country.',
      input: { orderId: 'ORD-G-1004', reason: 'Never arrived', accountAgeYears: 0.1, previousRefunds: 3 },
      signals: { trainingDataCoverage: 0.55, edgeCaseIndicators: 0.85 },
    },
  },
  {
    key: 'status-update',
    guide: 'tiers: automatic — low risk, up to $1,000, "status_update"',
    expect: { band: 'auto_approve', tier: 'automatic', route: 'auto' },
    prediction: {
      ...SUPPORT, category: 'status_update', recommendation: 'send_update', probability: 0.99, riskLevel: 'low',
      reasoning: 'Carrier scan shows the parcel out for delivery; template update applies.',
      input: { orderId: 'ORD-G-1005', carrierStatus: 'out_for_delivery' },
      signals: { trainingDataCoverage: 0.98, edgeCaseIndicators: 0 },
    },
  },
  {
    key: 'account-modification',
    guide: 'tiers: single approver — medium risk, up to $10,000, "account_modification", support_lead or account_manager',
    expect: { band: 'human_review', tier: 'single_approver', route: 'review', eligibleRoles: ['support_lead', 'account_manager'], requiredApprovals: 1 },
    prediction: {
      ...SUPPORT, category: 'account_modification', recommendation: 'change_billing_email', probability: 0.8, riskLevel: 'medium',
      reasoning: 'Request comes from the verified phone number on file.',
      input: { accountId: 'ACC-G-1006', field: 'billingEmail' },
      signals: { trainingDataCoverage: 0.75, edgeCaseIndicators: 0.2 },
    },
  },
  {
    key: 'large-refund',
    guide: 'tiers: dual approval — high risk, up to $50,000, "large_refund", manager and compliance_officer',
    expect: { band: 'auto_approve_audit', tier: 'dual_approval', route: 'review', eligibleRoles: ['manager', 'compliance_officer'], requiredApprovals: 2 },
    prediction: {
      ...SUPPORT, category: 'large_refund', recommendation: 'approve', probability: 0.92, value: 24_000, currency: 'USD', riskLevel: 'high',
      reasoning: 'Enterprise order cancelled within contract terms; goods returned and inspected.',
      input: { orderId: 'ENT-G-1007', contractTerms: 'net-30', goodsReturned: true },
      signals: { trainingDataCoverage: 0.9, edgeCaseIndicators: 0.05 },
    },
  },
  {
    key: 'contract-change',
    guide: 'tiers: dual approval — "contract_change" whatever its value',
    expect: { band: 'auto_approve_audit', tier: 'dual_approval', route: 'review', eligibleRoles: ['manager', 'compliance_officer'], requiredApprovals: 2 },
    prediction: {
      producer: 'sales-ai', modelVersion: 'sales-2.0', category: 'contract_change', recommendation: 'extend_term', probability: 0.9, value: 8_000, currency: 'USD', riskLevel: 'medium',
      reasoning: 'Renewal at the same rate for 12 more months, as the customer asked.',
      input: { contractId: 'CTR-G-1008', months: 12 },
      signals: { trainingDataCoverage: 0.85, edgeCaseIndicators: 0.1 },
    },
  },
  {
    key: 'reputation-risk',
    guide: 'tiers: executive review — critical, no value limit, "reputation_risk", director or legal_counsel',
    expect: { band: 'auto_approve_audit', tier: 'executive_review', route: 'review', eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1 },
    prediction: {
      producer: 'comms-ai', modelVersion: 'comms-0.9', category: 'reputation_risk', recommendation: 'publish_statement', probability: 0.9, riskLevel: 'critical',
      reasoning: 'Outage affected many customers; a statement with the timeline is the usual response.',
      input: { incidentId: 'INC-G-1009', affectedCustomers: 1_200 },
      signals: { trainingDataCoverage: 0.9, edgeCaseIndicators: 0.1 },
    },
  },
  {
    key: 'value-above-50k',
    guide: 'tiers: executive review — a value above dual approval\'s $50,000',
    expect: { band: 'auto_approve', tier: 'executive_review', route: 'review', eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1 },
    prediction: {
      producer: 'lending-ai', modelVersion: 'credit-3.8', category: 'loan_decision', recommendation: 'approve', probability: 0.97, value: 75_000, currency: 'USD', riskLevel: 'medium',
      reasoning: 'Debt-to-income 18%, stable employment 9 years, no delinquencies in 24 months.',
      input: { applicationId: 'LN-G-1010', debtToIncome: 0.18, creditScore: 790, employmentYears: 9 },
      signals: { trainingDataCoverage: 0.96, edgeCaseIndicators: 0.02 },
    },
  },
  {
    key: 'legal-action',
    guide: 'context: "mentions of legal action … go straight to appropriate stakeholders", regardless of confidence',
    expect: { band: 'auto_approve_audit', tier: 'executive_review', route: 'review', eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1, triggers: ['legal_action'] },
    prediction: {
      ...SUPPORT, category: 'customer_complaint', recommendation: 'offer_voucher', probability: 0.9, riskLevel: 'low',
      reasoning: 'Late delivery; a voucher resolved similar cases.',
      input: { ticketId: 'TCK-G-1011', text: 'This is the third late order. I will take legal action if it happens again.' },
      signals: { trainingDataCoverage: 0.9, edgeCaseIndicators: 0.05 },
    },
  },
  {
    key: 'media-exposure',
    guide: 'context: "mentions of … media exposure" go straight to senior review',
    expect: { band: 'auto_approve_audit', tier: 'executive_review', route: 'review', eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1, triggers: ['media_exposure'] },
    prediction: {
      ...SUPPORT, category: 'customer_complaint', recommendation: 'offer_voucher', probability: 0.9, riskLevel: 'low',
      reasoning: 'Late delivery; a voucher resolved similar cases.',
      input: { ticketId: 'TCK-G-1012', text: 'A journalist contacted me about your delivery problems for a news story.' },
      signals: { trainingDataCoverage: 0.9, edgeCaseIndicators: 0.05 },
    },
  },
  {
    key: 'vip-customer',
    guide: 'context: "… or VIP customers": a confident refund a person still sees',
    expect: { band: 'auto_approve', tier: 'single_approver', route: 'review', eligibleRoles: ['support_lead', 'account_manager'], requiredApprovals: 1, triggers: ['vip_customer'] },
    prediction: {
      ...SUPPORT, category: 'refund', recommendation: 'approve', probability: 0.98, value: 30, currency: 'USD', riskLevel: 'low', tags: ['vip'],
      reasoning: 'Customer is within the 30-day return window with a positive history.',
      input: { orderId: 'ORD-G-1013', reason: 'Wrong size', accountAgeYears: 7.5, previousRefunds: 1 },
      signals: { trainingDataCoverage: 0.97, edgeCaseIndicators: 0.02 },
    },
  },
  {
    key: 'safety-concern',
    guide: 'critical override: safety_concern escalates at once, whatever the confidence',
    expect: { band: 'auto_approve_audit', tier: 'executive_review', route: 'review', eligibleRoles: ['director', 'legal_counsel'], requiredApprovals: 1, triggers: ['safety_concern'] },
    prediction: {
      producer: 'triage-ai', modelVersion: 'triage-1.9', category: 'medical_triage', recommendation: 'urgent', probability: 0.93, riskLevel: 'high', tags: ['safety_concern'],
      reasoning: 'Chest pain with low oxygen saturation maps to the urgent protocol.',
      input: { encounterId: 'ENC-G-1014', heartRate: 118, spo2: 90, symptoms: ['chest pain'] },
      signals: { trainingDataCoverage: 0.9, edgeCaseIndicators: 0.2 },
    },
  },
];

/** The example as a prediction of this demo run. */
export function guidePrediction(example: GuideExample, runId: string, now = new Date()): Prediction {
  return { ...example.prediction, predictionId: `guide-${runId}-${example.key}`, submittedAt: now.toISOString(), round: 1 };
}

/** What the platform did with one prediction, as far as its first stop. */
export interface Observation {
  predictionId: string;
  category?: string;
  value?: number;
  currency?: string;
  overall?: number;
  band?: Band;
  triggers?: string[];
  review?: { tier: Tier; eligibleRoles: string[]; requiredApprovals: number; reason: string; priority: number; dueAt: string };
  finalized?: { outcome: string; decidedBy: string; tier: Tier; band: Band; latencyMs: number; auditSampled?: boolean };
  dead?: string;
}

/** The ways an observation differs from what the guide says; empty when it lands where it should. */
export function mismatches(expect: GuideExpectation, seen: Observation): string[] {
  const problems: string[] = [];
  const band = seen.finalized?.band ?? seen.band;
  const tier = seen.finalized?.tier ?? seen.review?.tier;
  const route = seen.finalized?.decidedBy === 'auto' ? 'auto' : seen.review ? 'review' : seen.finalized ? 'human' : undefined;
  if (seen.dead) problems.push(`dead-lettered: ${seen.dead}`);
  if (band !== expect.band) problems.push(`band ${band ?? 'unknown'}, guide: ${expect.band}`);
  if (tier !== expect.tier) problems.push(`tier ${tier ?? 'unknown'}, guide: ${expect.tier}`);
  if (route !== expect.route) problems.push(`route ${route ?? 'none yet'}, guide: ${expect.route}`);
  if (expect.eligibleRoles && seen.review && !sameSet(expect.eligibleRoles, seen.review.eligibleRoles)) {
    problems.push(`roles ${seen.review.eligibleRoles.join('|')}, guide: ${expect.eligibleRoles.join('|')}`);
  }
  if (expect.requiredApprovals !== undefined && seen.review && seen.review.requiredApprovals !== expect.requiredApprovals) {
    problems.push(`approvals ${seen.review.requiredApprovals}, guide: ${expect.requiredApprovals}`);
  }
  if (!sameSet(expect.triggers ?? [], seen.triggers ?? [])) problems.push(`triggers ${(seen.triggers ?? []).join(',') || 'none'}, guide: ${(expect.triggers ?? []).join(',') || 'none'}`);
  return problems;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
