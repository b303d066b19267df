import { exampleOf, Topics, type EventOf } from '@hitl/contracts';

type ReviewRequested = EventOf<typeof Topics.ReviewRequested>;

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A reviewer talking to the review API over HTTP, with their own session token. */
export class ReviewClient {
  private constructor(
    private readonly url: string,
    readonly token: string | null,
  ) {}

  static anonymous(url: string): ReviewClient {
    return new ReviewClient(url, null);
  }

  static async login(url: string, username: string, password = 'review-demo'): Promise<ReviewClient> {
    const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = (await response.json()) as { token?: string; message?: string };
    if (response.status !== 200 || !body.token) throw new Error(`login ${username}: ${response.status} ${body.message}`);
    return new ReviewClient(url, body.token);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return this.call<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<Answer<T>> {
    return this.call<T>('POST', path, body);
  }

  act(caseId: string, action: 'approve' | 'override' | 'decide' | 'request-info' | 'escalate', body: unknown = {}): Promise<Answer> {
    return this.post(`/api/cases/${encodeURIComponent(caseId)}/${action}`, body);
  }
}

/** A review request as routing would send it. */
export function reviewRequest(caseId: string, overrides: Partial<ReviewRequested> = {}): ReviewRequested {
  const base = exampleOf(Topics.ReviewRequested);
  const now = new Date();
  return {
    ...base,
    caseId,
    predictionId: caseId,
    tier: 'single_approver',
    requiredApprovals: 1,
    eligibleRoles: ['support_lead', 'account_manager'],
    reason: 'band',
    priority: 30,
    round: 1,
    requestedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + 3_600_000).toISOString(),
    ...overrides,
  };
}
