import { Topics, type EventOf } from '@hitl/contracts';
import { contextOf, EventPublisher } from '@hitl/messaging';
import { outcomeRefusal, rulesFor, type Policy } from '@hitl/policy';
import { ConflictException, ForbiddenException, HttpException, Inject, Injectable, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/authenticator';
import { REVIEWER_DIRECTORY, type ReviewerDirectory } from '../auth/reviewer-directory';
import { AUDIT_TRAIL, type AuditTrail, type RequestOrigin } from '../audit-trail';
import { revealOf } from '../queue/exercises';
import { activeClaim, finalOf, missingRoles, onDecided, rolesTheQuorumNeedsOf, type QueueItem } from '../queue/queue-item';
import { QueueStore } from '../queue/queue-store';
import { REVIEW_SETTINGS, type ReviewSettings } from '../review-settings';
import type { ApproveBody, DecideBody, EscalateBody, OverrideBody, QueueQuery, RequestInfoBody } from './bodies';
import { similarCases, type PastCase } from './similar';

type ReviewDecided = EventOf<typeof Topics.ReviewDecided>;

export type Action =
  | { action: 'approve'; body: ApproveBody }
  | { action: 'override'; body: OverrideBody }
  | { action: 'decide'; body: DecideBody }
  | { action: 'request_info'; body: RequestInfoBody }
  | { action: 'escalate'; body: EscalateBody };

export interface CaseDetail {
  item: QueueItem;
  claim: QueueItem['claim'];
  similar: PastCase[];
  /** The caller's role for acting, or why they cannot act now. */
  canAct: { role: string } | { reason: string };
  /** What the policy lets a person decide on this case (the override form's lists). */
  choices: Choices;
}

export interface Choices {
  /** Outcomes to choose from, the AI's recommendation first (blind: the list alone). */
  outcomes: string[];
  /** Whether another outcome may be typed in. */
  freeText: boolean;
  /** The policy's override reason codes; one is required for an override when any are listed. */
  overrideReasons: { code: string; label: string }[];
}

/** Candidates POST /api/next tries, in queue order, before it answers that none waits (each lost one is a case someone else just took). */
const NEXT_CANDIDATES = 50;

/**
 * The reviewer's door: what they may see, claim and decide. Every rule that can refuse is
 * checked inside the case's compare-and-set, so two reviewers (or two replicas) racing on the
 * same case cannot both win.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly store: QueueStore,
    private readonly publisher: EventPublisher,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(REVIEW_SETTINGS) private readonly settings: ReviewSettings,
    @Inject('POLICY') private readonly policy: Policy,
    @Inject(REVIEWER_DIRECTORY) private readonly directory: ReviewerDirectory,
  ) {}

  /** Answered from this replica's in-memory view (see QueueView). */
  queue(user: Principal, q: QueueQuery): { items: QueueItem[]; total: number } {
    return this.store.view.query({ ...q, roles: user.roles, userId: user.id });
  }

  /**
   * Refuses from the in-memory view, without the database, what is plainly refused: the wrong
   * role, a case decided, waiting for the producer, voted by the caller, or claimed by someone
   * else (measured: 200 reviewers on the same 20 cases queued 18 s of database reads without
   * it). With several replicas a claim released on another one shows here until the next view
   * refresh; acting still re-checks everything against the database.
   */
  private refuseEarly(user: Principal, caseId: string, now: Date): void {
    const viewed = this.store.view.get(caseId);
    if (!viewed) return;
    const refusal = visibility(viewed, user, caseId) ?? actRefusal(viewed, user, now);
    if (refusal) throw refusal;
  }

  /** A case that is not in the queue: finalized (409 to act on), or unknown (404). */
  private async notOpen(user: Principal, caseId: string): Promise<HttpException> {
    const closed = await this.store.get(caseId);
    return visibility(closed ?? undefined, user, caseId) ?? actRefusal(closed!, user, new Date()) ?? new NotFoundException(`no case ${caseId} waits for review`);
  }

  /** The case as the caller may see it; the first view records when they started on it. */
  async detail(user: Principal, caseId: string): Promise<CaseDetail> {
    const now = new Date();
    let problem: HttpException | undefined;
    let found: QueueItem | undefined;
    const changed = await this.store.change(caseId, (item) => {
      found = item;
      problem = visibility(item, user, caseId);
      if (problem || !item || item.openedBy[user.id]) return undefined;
      return { ...item, openedBy: { ...item.openedBy, [user.id]: now.toISOString() } };
    });
    const item = changed ?? found ?? (await this.store.get(caseId)) ?? undefined;
    problem = visibility(item, user, caseId);
    if (problem) throw problem;
    const similar = similarCases(item!, await this.store.pastCases(item!.category));
    const refusal = actRefusal(item!, user, now);
    return { item: item!, claim: activeClaim(item!, now) ?? null, similar, canAct: refusal ? { reason: refusal.message } : { role: actingRole(item!, user)! }, choices: choicesOf(item!, this.policy) };
  }

  /** One reviewer works a case at a time: a lease, renewed by claiming again, released by acting. */
  claim(user: Principal, caseId: string, from: RequestOrigin): Promise<QueueItem> {
    return this.exclusively(user, caseId, () => this.claimNow(user, caseId, from));
  }

  private async claimNow(user: Principal, caseId: string, from: RequestOrigin, via?: 'next'): Promise<QueueItem> {
    const now = new Date();
    let problem: HttpException | undefined;
    let missing = false;
    const item = await this.store.change(caseId, (current) => {
      missing = !current;
      problem = current ? (visibility(current, user, caseId) ?? actRefusal(current, user, now)) : undefined;
      if (problem || !current) return undefined;
      const mine = activeClaim(current!, now)?.by === user.id ? current!.claim! : undefined;
      return { ...current!, claim: { by: user.id, name: user.name, at: mine?.at ?? now.toISOString(), until: new Date(now.getTime() + this.settings.REVIEW_LEASE_SECONDS * 1_000).toISOString() } };
    });
    if (missing) throw await this.notOpen(user, caseId);
    if (problem) throw problem;
    await this.audit.record({ actor: user, action: 'claim', target: caseId, from, details: { until: item!.claim!.until, ...(via ? { via } : {}) } });
    return item!;
  }

  /**
   * The reviewer's next case, claimed for them: the first in queue order (priority, then due time)
   * that their roles may act on, in their skills, that nobody holds; null when none waits. Refused
   * (409) while they hold their capacity of cases. Two reviewers asking at once never get the same
   * case: each claim is the case's compare-and-set, and a candidate lost to someone else is skipped.
   */
  async next(user: Principal, from: RequestOrigin): Promise<QueueItem | null> {
    const now = new Date();
    const profile = this.directory.get(user.id) ?? {};
    const capacity = profile.capacity ?? this.settings.REVIEW_CAPACITY;
    const held = this.store.view.heldBy(user.id, now);
    if (held >= capacity) throw new ConflictException(`you hold ${held} case${held === 1 ? '' : 's'}, your capacity: decide or release one before taking another`);
    for (const candidate of this.store.view.assignable({ id: user.id, roles: user.roles, skills: profile.skills }, now, NEXT_CANDIDATES)) {
      try {
        // exclusively refuses early, from the view, what the person may not take (e.g. a quorum's role).
        return await this.exclusively(user, candidate._id, () => this.claimNow(user, candidate._id, from, 'next'));
      } catch (error) {
        // Taken, decided or changed since the view saw it: the next candidate.
        if (error instanceof ConflictException || error instanceof ForbiddenException || error instanceof NotFoundException) continue;
        throw error;
      }
    }
    return null;
  }

  async release(user: Principal, caseId: string, from: RequestOrigin): Promise<void> {
    const now = new Date();
    let problem: HttpException | undefined;
    let missing = false;
    await this.store.change(caseId, (current) => {
      missing = !current;
      problem = current ? visibility(current, user, caseId) : undefined;
      if (problem || !current) return undefined;
      const claim = activeClaim(current, now);
      if (!claim) return undefined;
      if (claim.by !== user.id) {
        problem = new ConflictException(`case ${caseId} is claimed by ${claim.name}, not by you`);
        return undefined;
      }
      return { ...current, claim: null };
    });
    if (missing) throw await this.notOpen(user, caseId);
    if (problem) throw problem;
    await this.audit.record({ actor: user, action: 'release', target: caseId, from });
  }

  /**
   * Approve, override, request info or escalate: reserve the case (a lease marked with the
   * decision in flight), publish review.decided, then record the vote. Routing decides what the
   * vote means; a crash after publishing is repaired by our own consumer of review.decided.
   */
  act(user: Principal, caseId: string, act: Action, from: RequestOrigin): Promise<ReviewDecided & { reveal?: ReturnType<typeof revealOf> }> {
    return this.exclusively(user, caseId, () => this.actNow(user, caseId, act, from));
  }

  /**
   * One claim or action per case at a time in this replica, and the plain refusals first, both
   * from memory: under load most attempts on a popular case end here instead of queueing for
   * the database.
   */
  private async exclusively<T>(user: Principal, caseId: string, work: () => Promise<T>): Promise<T> {
    this.refuseEarly(user, caseId, new Date());
    const holder = this.store.view.begin(caseId, user.name);
    if (holder !== undefined) throw new ConflictException(`${holder === user.name ? 'you are' : `${holder} is`} acting on case ${caseId} right now`);
    try {
      return await work();
    } finally {
      this.store.view.end(caseId);
    }
  }

  private async actNow(user: Principal, caseId: string, act: Action, from: RequestOrigin): Promise<ReviewDecided & { reveal?: ReturnType<typeof revealOf> }> {
    const now = new Date();
    const decisionId = randomUUID();
    let problem: HttpException | undefined;
    let decided: ReviewDecided | undefined;
    let reveal: ReturnType<typeof revealOf>;
    let traceOfCase: string | undefined;
    let missing = false;
    await this.store.change(caseId, (item) => {
      missing = !item;
      problem = item ? (visibility(item, user, caseId) ?? actRefusal(item, user, now, act.body.role, act.action) ?? blindRefusal(item, act.action) ?? auditRefusal(item, act.action) ?? choiceRefusal(item, act, this.policy)) : undefined;
      if (problem || !item) return undefined;
      const current = item;
      const mine = activeClaim(current, now)?.by === user.id ? current.claim! : undefined;
      const decision = decisionOf(act, current.recommendation);
      decided = {
        caseId,
        decisionId,
        reviewerId: user.id,
        role: actingRole(current, user, act.body.role)!,
        ...decision,
        ...(current.exercise ? { exercise: true as const } : {}),
        round: current.round,
        startedAt: earliest(current.openedBy[user.id], mine?.at, now.toISOString()),
        decidedAt: now.toISOString(),
      };
      if (decision.action === 'approve' || decision.action === 'override') reveal = revealOf(current, decision.outcome);
      traceOfCase = current.trace;
      const until = new Date(now.getTime() + this.settings.REVIEW_LEASE_SECONDS * 1_000).toISOString();
      return { ...current, claim: { by: user.id, name: user.name, at: mine?.at ?? now.toISOString(), until, acting: decisionId, actingSince: now.toISOString() } };
    });
    if (missing) throw await this.notOpen(user, caseId);
    if (problem) throw problem;
    try {
      // The case's trace continues through the person's action (stored with its request).
      await this.publisher.publish(Topics.ReviewDecided, decided!, { id: decisionId, ...(traceOfCase ? { traceContext: contextOf(traceOfCase) } : {}) });
    } catch (error) {
      await this.store.change(caseId, (item) => (item?.claim?.acting === decisionId ? { ...item, claim: { ...item.claim, acting: undefined } } : undefined));
      throw new ServiceUnavailableException(`could not publish the decision, nothing was recorded; try again (${error instanceof Error ? error.message : String(error)})`);
    }
    await this.store.change(caseId, (item) => onDecided(item, decided!, this.policy.arbitration));
    await this.audit.record({ actor: user, action: decided!.action, target: caseId, from, details: { decisionId, ...(act.action === 'decide' ? { blind: true } : {}), role: decided!.role, round: decided!.round, ...(decided!.outcome ? { outcome: decided!.outcome } : {}), ...(decided!.reason ? { reason: decided!.reason } : {}), ...(decided!.reasonCode ? { reasonCode: decided!.reasonCode } : {}) } });
    // A calibration exercise tells the reviewer at once what it was, and whether they caught the AI's mistake.
    return reveal ? { ...decided!, reveal } : decided!;
  }
}

/**
 * What the action says in review.decided terms. A blind decision is an approval when the person
 * reached the AI's recommendation on their own, an override otherwise (its reason says it was
 * blind unless they gave one): the override rate means the same in every stage.
 */
function decisionOf(act: Action, recommendation: string): Pick<ReviewDecided, 'action' | 'outcome' | 'reason' | 'agreesWithAi'> {
  switch (act.action) {
    case 'approve':
      return { action: 'approve', outcome: recommendation, ...(act.body.comment ? { reason: act.body.comment } : {}), agreesWithAi: true };
    case 'override':
      return { action: 'override', outcome: act.body.outcome, reason: act.body.reason, ...(act.body.reasonCode ? { reasonCode: act.body.reasonCode } : {}), agreesWithAi: false };
    case 'decide':
      return act.body.outcome === recommendation
        ? { action: 'approve', outcome: recommendation, ...(act.body.reason ? { reason: act.body.reason } : {}), agreesWithAi: true }
        : { action: 'override', outcome: act.body.outcome, reason: act.body.reason || BLIND_OVERRIDE_REASON, ...(act.body.reasonCode ? { reasonCode: act.body.reasonCode } : {}), agreesWithAi: false };
    case 'request_info':
      return { action: 'request_info', reason: act.body.question, agreesWithAi: false };
    case 'escalate':
      return { action: 'escalate', reason: act.body.reason, agreesWithAi: true };
  }
}

export const BLIND_OVERRIDE_REASON = 'decided blind (shadow stage): the AI recommended otherwise';

export function choicesOf(item: Pick<QueueItem, 'category' | 'recommendation' | 'blind'>, policy: Policy): Choices {
  const rules = rulesFor(policy, item.category);
  const outcomes = item.blind === true ? rules.outcomes : [...new Set([item.recommendation, ...rules.outcomes])];
  return { outcomes, freeText: rules.freeTextOutcomes, overrideReasons: policy.overrideReasons };
}

/**
 * What a person decides must be what the policy offers: an outcome from the category's list
 * (or the AI's recommendation; free text only where the policy allows it), and for an override
 * a reason code from the policy's overrideReasons when it lists any. A 422 names the field: the
 * body is well formed, but the policy does not offer that choice for this case.
 */
function choiceRefusal(item: QueueItem, act: Action, policy: Policy): HttpException | undefined {
  if (act.action !== 'override' && act.action !== 'decide') return undefined;
  const bad = (field: string, message: string) => new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field, message: `${field}: ${message}` });
  const outcome = outcomeRefusal(rulesFor(policy, item.category), act.body.outcome, item.recommendation, item.blind === true);
  if (outcome) return bad('outcome', outcome);
  const codes = policy.overrideReasons.map((r) => r.code);
  if (act.body.reasonCode !== undefined && !codes.includes(act.body.reasonCode)) {
    return bad('reasonCode', codes.length > 0 ? `${JSON.stringify(act.body.reasonCode)} is not one of the policy's override reasons: ${codes.join(', ')}` : 'the policy lists no override reasons');
  }
  // A blind decision cannot know it overrides (the recommendation is hidden): its code is optional.
  if (act.action === 'override' && codes.length > 0 && act.body.reasonCode === undefined) return bad('reasonCode', `an override needs one of the policy's reason codes: ${codes.join(', ')}`);
  return undefined;
}

/** A blind case is decided with `decide` (approving an unseen recommendation means nothing); a seen one with approve or override. */
function blindRefusal(item: QueueItem, action: Action['action']): HttpException | undefined {
  if (item.blind === true && (action === 'approve' || action === 'override')) {
    return new ConflictException(`case ${item._id} is reviewed blind (rollout stage shadow): decide it with POST /api/cases/${item._id}/decide and the outcome`);
  }
  if (item.blind !== true && action === 'decide') {
    return new ConflictException(`case ${item._id} shows the AI's recommendation: approve or override it`);
  }
  return undefined;
}

/**
 * An audit checks an auto-approval that is final already: there is no producer round to ask for
 * (routing would refuse it, and the audit would wait for an answer forever). Approve (the AI was
 * right) or override (the AI was wrong) gives the verdict; escalating hands it up.
 */
function auditRefusal(item: QueueItem, action: Action['action']): HttpException | undefined {
  if (item.reason === 'audit' && action === 'request_info') {
    return new ConflictException(`case ${item._id} is an audit of an auto-approval that is final already: approve it if the AI was right, override it with the right outcome and a reason if it was wrong`);
  }
  return undefined;
}

/** 404 for an unknown case, 403 when none of the caller's roles may see it. */
function visibility(item: QueueItem | undefined, user: Principal, caseId: string): HttpException | undefined {
  if (!item) return new NotFoundException(`no case ${caseId} waits for review`);
  if (!item.eligibleRoles.some((r) => user.roles.includes(r))) {
    return new ForbiddenException(`case ${caseId} is for ${item.eligibleRoles.join(', ')}; your roles: ${user.roles.join(', ')}`);
  }
  return undefined;
}

/** How long an action's mark blocks another action on the case. */
export const ACTING_STALE_MS = 60_000;

/** Why the caller cannot act on the case now (409 for the case's state, 403 for separation of duties). */
export function actRefusal(item: QueueItem, user: Principal, now: Date, wantedRole?: string, action?: Action['action']): HttpException | undefined {
  if (item.status === 'finalized') return new ConflictException(finalizedRefusal(item));
  if (item.status === 'deciding') return new ConflictException(`case ${item._id} is already decided; waiting for the final decision`);
  if (item.status === 'waiting_producer') return new ConflictException(`case ${item._id} is waiting for the producer's answer to a request for information`);
  if (item.voters.includes(user.id)) {
    return new ForbiddenException(
      item.reason === 'disagreement'
        ? `separation of duties: you cannot arbitrate a disagreement you are part of (case ${item._id})`
        : `separation of duties: you already gave an approval on case ${item._id}; the next one must come from someone else`,
    );
  }
  if (wantedRole !== undefined && !actingRole(item, user, wantedRole)) {
    return new ForbiddenException(`you cannot act as ${wantedRole} on case ${item._id}: eligible roles are ${item.eligibleRoles.join(', ')}`);
  }
  // The quorum's roles: once the approvals left are all needed for missing roles, only those vote.
  const missing = item.reason === 'disagreement' || action === 'escalate' || action === 'request_info' ? [] : rolesTheQuorumNeedsOf(item);
  if (missing.length > 0 && !missing.some((r) => user.roles.includes(r) && (wantedRole === undefined || wantedRole === r))) {
    return new ForbiddenException(`four eyes: case ${item._id} still needs a vote from ${missing.map((r) => r.replace(/_/g, ' ')).join(' and ')}; your roles: ${user.roles.join(', ')}`);
  }
  const claim = activeClaim(item, now);
  if (claim && claim.by !== user.id) return new ConflictException(`case ${item._id} is claimed by ${claim.name} until ${claim.until}`);
  // A replica killed between marking and publishing leaves the mark behind: after
  // ACTING_STALE_MS it no longer blocks (found by the chaos run: the case stayed locked for the
  // claim's whole lease). Publishing gives up well before that (kafkajs' request timeout is 30 s);
  // were it ever slower, routing still takes one vote per person and round.
  if (claim?.acting && now.getTime() - Date.parse(claim.actingSince ?? claim.at) < ACTING_STALE_MS) return new ConflictException(`an action on case ${item._id} is already in progress`);
  return undefined;
}

function finalizedRefusal(item: QueueItem): string {
  const final = finalOf(item);
  if (item.reason === 'audit') return `case ${item._id} is already finalized: its audit was given (the auto-approval ${final?.outcome ?? item.recommendation} stands)`;
  return final ? `case ${item._id} is already finalized (${final.outcome})` : `case ${item._id} is already finalized`;
}

function actingRole(item: QueueItem, user: Principal, wanted?: string): string | undefined {
  if (wanted !== undefined) return user.roles.includes(wanted) && item.eligibleRoles.includes(wanted) ? wanted : undefined;
  // A role the quorum still needs first: a manager who is also a compliance officer fills the gap.
  const missing = missingRoles(item);
  return user.roles.find((r) => missing.includes(r) && item.eligibleRoles.includes(r)) ?? user.roles.find((r) => item.eligibleRoles.includes(r));
}

function earliest(...times: (string | undefined)[]): string {
  return times.filter((t): t is string => t !== undefined).sort()[0];
}
