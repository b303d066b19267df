import { Tiers, type HealthReport, type HealthSeries, type LoopEvents, type ReviewerDetail, type ReviewersReport, type RolloutReport, type TrustUpdatedV1 } from '@hitl/contracts';
import { Body, Controller, Get, Header, HttpException, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { setSessionCookie } from '../auth/auth.controller';
import type { Principal } from '../auth/authenticator';
import { LoginService, LoginThrottledException } from '../auth/login.service';
import { SESSION_COOKIE, Sessions } from '../auth/session';
import { tokenOf } from '../auth/session.guard';
import { QueueQuery } from '../cases/bodies';
import { ReviewService } from '../cases/review.service';
import { detailOf, summaryOf } from '../cases/views';
import { originOf } from '../http/origin';
import { REVIEW_SETTINGS, type ReviewSettings } from '../review-settings';
import { CLIENT_CSS, CLIENT_JS } from './assets';
import { html } from './html';
import { tracePage, type JaegerTraces } from './trace-view';
import { casePage, dashboardPage, layout, loginPage, myFeedbackPage, queuePage, queueTable, type QueueFilters } from './pages';

const PAGE_SIZE = 25;

/** A check mark in a rounded square: the workbench's colour. */
const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e79"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * The reviewer's web UI: server-rendered pages (no build step, usable without a mouse, fast on
 * any device) that the small script in ./assets enhances with the live queue and the keys.
 * Pages use the same ReviewService as the JSON API, so the rules are the same.
 */
@ApiExcludeController()
@Controller()
export class UiController {
  constructor(
    private readonly review: ReviewService,
    private readonly logins: LoginService,
    private readonly sessions: Sessions,
    @Inject(REVIEW_SETTINGS) private readonly settings: ReviewSettings,
  ) {}

  @Get('assets/app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return CLIENT_JS;
  }

  @Get('assets/app.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return CLIENT_CSS;
  }

  /** The tab's icon (pages link it; a browser that asks for /favicon.ico gets it too, not a 404). */
  @Get(['favicon.svg', 'favicon.ico'])
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  favicon(): string {
    return FAVICON_SVG;
  }

  @Get('login')
  @Header('content-type', 'text/html; charset=utf-8')
  loginForm(): string {
    return loginPage().value;
  }

  @Post('login')
  async login(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    let session;
    try {
      session = username && password ? await this.logins.login(username, password, originOf(req)) : null;
    } catch (error) {
      if (!(error instanceof LoginThrottledException)) throw error;
      res.status(429).setHeader('Retry-After', String(error.retryAfterSeconds));
      res.type('html').send(loginPage(`Too many failed logins; try again in ${Math.ceil(error.retryAfterSeconds / 60)} min.`, username).value);
      return;
    }
    if (!session) {
      res.status(401).type('html').send(loginPage('Wrong username or password.', username).value);
      return;
    }
    setSessionCookie(res, session.token, this.sessions.ttlMinutes, this.settings.REVIEW_COOKIE_SECURE);
    res.redirect(303, '/');
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.sessions.verify(tokenOf(req));
    await this.sessions.end(tokenOf(req));
    if (user) await this.logins.logout(user, originOf(req));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }

  @Get()
  async queue(@Query() raw: Record<string, string>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.userOr(req, res);
    if (!user) return;
    const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
    const parsed = QueueQuery.safeParse({ limit: PAGE_SIZE, ...cleaned });
    const query = parsed.success ? parsed.data : QueueQuery.parse({ limit: PAGE_SIZE });
    const filters: QueueFilters = { tier: query.tier, category: query.category, escalated: query.escalated, minPriority: query.minPriority };
    const { items, total } = this.review.queue(user, query);
    const now = new Date();
    const table = queueTable(items.map((item) => summaryOf(item, now)), total, query.offset, query.limit, filters);
    res.type('html');
    if (req.get('x-fragment') === 'queue') {
      res.send(table.value);
      return;
    }
    const warning = parsed.success ? '' : html`<p class="error" role="alert">Filter ignored: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}</p>`;
    res.send(queuePage(user, html`${warning}${table}`, filters, Tiers).value);
  }

  @Get('cases/:caseId')
  async casePage(@Param('caseId') caseId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.userOr(req, res);
    if (!user) return;
    try {
      const detail = detailOf(await this.review.detail(user, caseId), new Date());
      const { items } = this.review.queue(user, QueueQuery.parse({ limit: 100 }));
      const ids = items.map((i) => i._id);
      const at = ids.indexOf(caseId);
      const neighbours = at >= 0 ? { prev: ids[at - 1], next: ids[at + 1] } : { next: ids[0] };
      res.type('html').send(casePage(user, detail, neighbours).value);
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const message = typeof error.getResponse() === 'string' ? String(error.getResponse()) : error.message;
      res.status(error.getStatus()).type('html').send(layout('Case', user, html`<h1>${error.getStatus() === 404 ? 'No such case' : 'Not for you'}</h1><p>${message}</p><p><a href="/">Back to the queue</a></p>`).value);
    }
  }

  /**
   * The guide's health dashboard, from the feedback service (REVIEW_FEEDBACK_URL). Any reviewer
   * may look: the figures are about the system, not about a person.
   */
  @Get('dashboard')
  async dashboard(@Query('days') rawDays: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.userOr(req, res);
    if (!user) return;
    const days = Math.min(90, Math.max(1, Number.parseInt(rawDays ?? '7', 10) || 7));
    const [health, reviewers, rollout, series, loop, trust] = await Promise.all([
      this.fromFeedback<HealthReport>(`/api/health-metrics?days=${days}`),
      this.fromFeedback<ReviewersReport>(`/api/reviewers?days=${days}`),
      this.fromFeedback<RolloutReport>('/api/rollout?days=30'),
      this.fromFeedback<HealthSeries>(`/api/health-series?days=${Math.max(days, 14)}`),
      this.fromFeedback<LoopEvents>('/api/loop-events'),
      this.fromFeedback<{ trust: TrustUpdatedV1[] }>('/api/trust'),
    ]);
    res
      .status(health.body ? 200 : 502)
      .type('html')
      .send(dashboardPage(user, health.body, health.problem, days, { reviewers: reviewers.body, rollout: rollout.body, series: series.body, loop: loop.body, trust: trust.body?.trust }).value);
  }

  /**
   * A case's trace, from the trace store (Jaeger's query API; its own UI is not in the module
   * this project builds it from): every service's spans about the case as one waterfall.
   */
  @Get('traces/:caseId')
  async trace(@Param('caseId') caseId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.userOr(req, res);
    if (!user) return;
    const tags = encodeURIComponent(JSON.stringify({ 'hitl.case_id': caseId }));
    let traces: JaegerTraces | undefined;
    let problem: string | undefined;
    try {
      // Any service that handled the case finds its trace: routing handles every case.
      const response = await fetch(new URL(`/api/traces?service=hitl-routing&tags=${tags}&limit=5`, this.settings.REVIEW_TRACES_URL), { signal: AbortSignal.timeout(5_000) });
      if (response.ok) traces = (await response.json()) as JaegerTraces;
      else problem = `it answered ${response.status}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    res.status(traces ? 200 : 502).type('html').send(tracePage(user, caseId, traces, problem, this.settings.REVIEW_TRACES_URL).value);
  }

  /** The reviewer's own page: catches, calibration exercises, and what their feedback changed. */
  @Get('me')
  async me(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.userOr(req, res);
    if (!user) return;
    const detail = await this.fromFeedback<ReviewerDetail>(`/api/reviewers/${encodeURIComponent(user.id)}?days=30`);
    res.status(detail.body ? 200 : 502).type('html').send(myFeedbackPage(user, detail.body, detail.problem).value);
  }

  private async fromFeedback<T>(path: string): Promise<{ body?: T; problem?: string }> {
    try {
      const response = await fetch(new URL(path, this.settings.REVIEW_FEEDBACK_URL), { signal: AbortSignal.timeout(5_000) });
      return response.ok ? { body: (await response.json()) as T } : { problem: `the feedback service answered ${response.status}` };
    } catch (error) {
      return { problem: `the feedback service at ${this.settings.REVIEW_FEEDBACK_URL} did not answer (${error instanceof Error ? error.message : String(error)})` };
    }
  }

  /** The logged-in reviewer, or a redirect to the login page. */
  private async userOr(req: Request, res: Response): Promise<Principal | null> {
    const user = await this.sessions.verify(tokenOf(req));
    if (!user) res.redirect(303, '/login');
    return user;
  }
}
