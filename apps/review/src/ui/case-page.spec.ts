import type { Principal } from '../auth/authenticator';
import { detailOf } from '../cases/views';
import type { CaseDetail } from '../cases/review.service';
import { exampleOf, Topics } from '@hitl/contracts';
import { onDecided as onDecidedBy, onFinalized, onRequested, type QueueItem, type ReviewDecided } from '../queue/queue-item';
import { reviewRequest } from '../review-client.test-helper';
import { casePage, money } from './pages';

/** The policy's arbitration roles (an audit's arbiter after two different overturns). */
const onDecided = (item: QueueItem | undefined, e: ReviewDecided) => onDecidedBy(item, e, { roles: ['senior_reviewer'], overturnConfirmations: 1 });

const now = new Date('2026-01-06T10:00:00Z');
const sam: Principal = { id: 'sam', name: 'Sam Support', roles: ['support_lead'] };
const freeText = { outcomes: [], freeText: true, overrideReasons: [] };
const page = (item: QueueItem, canAct: { role: string } | { reason: string } = { role: 'support_lead' }, choices: CaseDetail['choices'] = freeText) => casePage(sam, detailOf({ item, claim: null, similar: [], canAct, choices }, now), {}).value;
const verdict = (action: 'approve' | 'override'): ReviewDecided => ({
  caseId: 'c1',
  decisionId: `d-${action}`,
  reviewerId: 'jamie',
  role: 'support_lead',
  action,
  outcome: action === 'approve' ? 'approve_refund' : 'deny_refund',
  ...(action === 'override' ? { reason: 'receipt forged' } : {}),
  agreesWithAi: action === 'approve',
  round: 1,
  startedAt: now.toISOString(),
  decidedAt: now.toISOString(),
});

describe('the case screen of an audit of an auto-approval', () => {
  const audit = onRequested(undefined, 'ev-1', reviewRequest('c1', { reason: 'audit', recommendation: 'approve_refund' }), now)!;

  it('says it is an audit of a final auto-approval, and offers approve (the AI was right) or override (the AI was wrong)', () => {
    const html = page(audit);
    expect(html).toContain('Audit of an auto-approval.');
    expect(html).toContain('The AI decided “approve_refund” on its own');
    expect(html).toContain('Approve “approve_refund”: the AI was right');
    expect(html).toContain('Override: the AI was wrong');
    expect(html).toContain('The right outcome');
    // Nothing to ask a producer: the decision is final.
    expect(html).not.toContain('id="info-question"');
    expect(html).toContain('id="escalate-reason"');
  });

  it.each([
    ['approve', 'verdict: upheld'],
    ['override', 'verdict: overturned → deny_refund'],
  ] as const)('after an %s it shows the verdict, and that the auto-approval stands', (action, text) => {
    const html = page(onDecided(audit, verdict(action))!, { reason: 'finalized' });
    expect(html).toContain('the auto-approval “approve_refund” stands');
    expect(html).toContain(text);
  });

  it("an overturn that needs a second person's word says so, and is no verdict yet; the second overturn is", () => {
    const confirming = onRequested(undefined, 'ev-1', reviewRequest('c1', { reason: 'audit', recommendation: 'approve_refund', confirmOverride: true }), now)!;
    const once = onDecided(confirming, verdict('override'))!;
    const html = page(once, { role: 'support_lead' });
    expect(html).toContain("jamie found the AI wrong (“deny_refund”: <q>receipt forged</q>); a second person's word makes it the verdict");
    expect(html).not.toContain('id="audit-verdict"');
    const twice = onDecided(once, { ...verdict('override'), decisionId: 'd-second', reviewerId: 'kim' })!;
    const confirmed = page(twice, { reason: 'finalized' });
    expect(confirmed).toContain('Verdict by kim: overturned');
    expect(confirmed).not.toContain('id="audit-pending"');
  });

  it('two overturns with different answers say so, and that a senior arbiter gives the verdict', () => {
    const confirming = onRequested(undefined, 'ev-1', reviewRequest('c1', { reason: 'audit', recommendation: 'approve_refund', confirmOverride: true }), now)!;
    const twice = onDecided(onDecided(confirming, verdict('override'))!, { ...verdict('override'), decisionId: 'd-second', reviewerId: 'kim', outcome: 'store_credit', reason: 'credit was offered' })!;
    const html = page(twice, { role: 'senior_reviewer' });
    expect(html).toContain('jamie found the AI wrong (“deny_refund”: <q>receipt forged</q>); kim found it wrong too, but said “store_credit”: <q>credit was offered</q>. Three answers: a senior arbiter who took no part gives the verdict.');
    expect(html).not.toContain('id="audit-verdict"');
    const arbitrated = page(onDecided(twice, { ...verdict('approve'), decisionId: 'd-third', reviewerId: 'ria', role: 'senior_reviewer' })!, { reason: 'finalized' });
    expect(arbitrated).toContain('Verdict by ria: upheld');
    expect(arbitrated).not.toContain('id="audit-pending"');
  });

  it('with two confirmations it says who confirmed and how many more it needs; a split goes to a senior arbiter', () => {
    const two = { roles: ['senior_reviewer'], overturnConfirmations: 2 };
    const confirming = onRequested(undefined, 'ev-1', reviewRequest('c1', { reason: 'audit', recommendation: 'approve_refund', confirmOverride: true }), now)!;
    const once = onDecidedBy(confirming, verdict('override'), two)!;
    expect(page(once)).toContain("jamie found the AI wrong (“deny_refund”: <q>receipt forged</q>); 2 more people must confirm it before it is the verdict");
    const twice = onDecidedBy(once, { ...verdict('override'), decisionId: 'd-second', reviewerId: 'kim' }, two)!;
    expect(page(twice)).toContain("jamie found the AI wrong (“deny_refund”: <q>receipt forged</q>); kim confirmed it; one more person must confirm it before it is the verdict");
    const split = onDecidedBy(twice, { ...verdict('approve'), decisionId: 'd-third', reviewerId: 'lee' }, two)!;
    expect(page(split, { role: 'senior_reviewer' })).toContain('kim confirmed it; lee upheld the AI. Split: a senior arbiter who took no part gives the verdict.');
  });

  it('a live case keeps its usual screen', () => {
    const html = page(onRequested(undefined, 'ev-1', reviewRequest('c1', { recommendation: 'approve_refund' }), now)!);
    expect(html).not.toContain('Audit of an auto-approval');
    expect(html).toContain('Approve “approve_refund” <kbd>');
    expect(html).toContain('id="info-question"');
  });
});

describe('the case screen, as a person reads it', () => {
  it('writes amounts as their currency does', () => {
    expect([money(127.5), money(24_000), money(1200, 'EUR'), money(1200, 'JPY'), money(12.5, 'XYZ'), money(undefined)]).toEqual(['$127.50', '$24,000.00', '€1,200.00', '¥1,200', 'XYZ\u00a012.50', '']);
  });

  it("offers the policy's outcomes as a list (the AI's own left out) and its reason codes, required for an override", () => {
    const item = onRequested(undefined, 'ev-1', reviewRequest('c1', { recommendation: 'approve' }), now)!;
    const reasons = [{ code: 'missed_evidence', label: 'The AI missed evidence' }, { code: 'other', label: 'Other' }];
    const listed = page(item, undefined, { outcomes: ['approve', 'deny', 'store_credit'], freeText: false, overrideReasons: reasons });
    expect(listed).toContain('<select id="override-outcome" name="outcome" required aria-keyshortcuts="o"><option value="">Choose an outcome…</option><option value="deny">deny</option><option value="store_credit">store_credit</option></select>');
    expect(listed).toContain('<label for="override-code">Reason code (required)</label>');
    expect(listed).toContain('<select id="override-code" name="reasonCode" required><option value="">Choose a reason…</option><option value="missed_evidence">The AI missed evidence</option><option value="other">Other</option></select>');
    // Free text beside the list: typing is allowed, the list is a suggestion.
    const typed = page(item, undefined, { outcomes: ['approve', 'deny'], freeText: true, overrideReasons: [] });
    expect(typed).toContain('<input id="override-outcome" name="outcome" required maxlength="500" list="override-outcome-list"');
    expect(typed).toContain('<datalist id="override-outcome-list"><option value="deny"></option></datalist>');
    // No list, no codes: the text field alone.
    const free = page(item);
    expect(free).toContain('<input id="override-outcome" name="outcome" required maxlength="500" aria-keyshortcuts="o">');
    expect(free).not.toContain('reasonCode');
  });

  it('labels the approve button with the recommendation, unless the recommendation is approve itself', () => {
    expect(page(onRequested(undefined, 'ev-1', reviewRequest('c1', { recommendation: 'approve' }), now)!)).toContain('id="approve" aria-keyshortcuts="a">Approve <kbd>');
    expect(page(onRequested(undefined, 'ev-1', reviewRequest('c1', { recommendation: 'fulfil' }), now)!)).toContain('Approve “fulfil” <kbd>');
  });

  it('once finalized, says who backed the outcome and who dissented, and the history ends with it', () => {
    const open = onRequested(undefined, 'ev-1', reviewRequest('c1', { recommendation: 'approve_refund' }), now)!;
    const done = onFinalized(open, 'ev-2', {
      ...exampleOf(Topics.DecisionFinalized),
      caseId: 'c1',
      outcome: 'deny_refund',
      decidedBy: 'human',
      approvers: [
        { reviewerId: 'casey', role: 'manager' },
        { reviewerId: 'riley', role: 'senior_reviewer' },
      ],
      dissenters: [{ reviewerId: 'quinn', role: 'compliance_officer' }],
      finalizedAt: '2026-01-06T10:05:00.000Z',
    })!;
    const html = page(done, { reason: 'finalized' });
    expect(html).toMatch(/<strong>finalized<\/strong> — deny_refund, backed by <span id="backers">casey \(manager\), riley \(senior reviewer\)<\/span>; dissent: <span id="dissenters">quinn \(compliance officer\)<\/span>/);
    expect(html).toMatch(/finalized: deny_refund<\/li>\s*<\/ol>/);
    expect(html).not.toContain('id="release"');
  });
});
