import { ServiceMetrics } from '@hitl/platform';
import { BadRequestException, Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { prometheusText } from './health/health';
import { weeklyMarkdown, type WeeklyReport } from './report/weekly';
import { FeedbackService } from './feedback.service';
import { TrustLoop } from './trust/trust-loop';
import { trustMetricsText } from './trust/trust-metrics';

const HealthQuery = z.strictObject({
  days: z.coerce.number({ message: 'expected a whole number of days' }).int({ message: 'expected a whole number of days' }).min(1).max(90).default(7),
  category: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'expected a category name').optional(),
});

function parse(query: unknown): z.output<typeof HealthQuery> {
  const parsed = HealthQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: issue.path.join('.') || 'query', message: `${issue.path.join('.') || 'query'}: ${issue.message}` });
  }
  return parsed.data;
}

/** The guide's health dashboard as data: JSON for people and tools, Prometheus for alerting. */
@Controller()
export class HealthMetricsController {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly trustLoop: TrustLoop,
    metrics: ServiceMetrics,
  ) {
    // The service's GET /metrics also carries the health figures (7 days) as gauges, overall (category="all") and per category.
    metrics.addText(async () => {
      const health = await this.feedback.health(7);
      return prometheusText([{ category: 'all', metrics: health.overall }, ...health.categories]);
    });
    metrics.addText(async () => trustMetricsText(await this.trustLoop.all()));
  }

  /** GET /api/health-metrics?days=7&category=refund — each metric with its value, sample, status and the guide's target. */
  @Get('api/health-metrics')
  async metrics(@Query() query: unknown) {
    const { days, category } = parse(query);
    return this.feedback.health(days, category);
  }

  /** GET /api/health-series?days=14&category=refund — the metrics day by day (trend lines). */
  @Get('api/health-series')
  async series(@Query() query: unknown) {
    const { days, category } = parse({ days: '14', ...(query as object) });
    return this.feedback.series(days, category);
  }

  /** GET /api/loop-events — the latest retraining triggers and calibration proposals. */
  @Get('api/loop-events')
  async loopEvents() {
    return this.feedback.loopEvents();
  }

  /** GET /api/trust — earned trust of every category and model: state, certified threshold, evidence, audit rate, stop. */
  @Get('api/trust')
  async trust() {
    return { trust: await this.trustLoop.all() };
  }

  /** GET /api/reviewers?days=7 — reviewer quality: agreement with the AI and peers, median review time, rubber-stamp flag, kappa. */
  @Get('api/reviewers')
  async reviewers(@Query() query: unknown) {
    const { days, category } = parse(query);
    if (category) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: 'category', message: 'category: not supported here' });
    return this.feedback.reviewers(days);
  }

  /** GET /api/rollout?days=30 — the gradual rollout per category: what automation would have done against people, and whether to automate. */
  @Get('api/rollout')
  async rollout(@Query() query: unknown) {
    const { days, category } = parse({ days: '30', ...(query as object) });
    if (category) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: 'category', message: 'category: not supported here' });
    return this.feedback.rollout(days);
  }

  /** GET /api/reviewers/{id}?days=30 — one reviewer's own page: figures, catches, calibration exercises, and what their feedback moved. */
  @Get('api/reviewers/:reviewerId')
  async reviewer(@Param('reviewerId') reviewerId: string, @Query() query: unknown) {
    const { days, category } = parse({ days: '30', ...(query as object) });
    if (category) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: 'category', message: 'category: not supported here' });
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,199}$/.test(reviewerId)) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: 'reviewerId', message: 'reviewerId: expected a user id' });
    return this.feedback.reviewer(reviewerId, days);
  }

  /** GET /api/weekly-report[?format=markdown] — the guide's weekly analysis and its five questions, as JSON or Markdown. */
  @Get('api/weekly-report')
  async weekly(@Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response): Promise<WeeklyReport | string> {
    if (format !== undefined && format !== 'json' && format !== 'markdown') {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: 'format', message: 'format: expected json or markdown' });
    }
    const report = await this.feedback.weekly();
    if (format !== 'markdown') return report;
    res.type('text/markdown; charset=utf-8');
    return weeklyMarkdown(report);
  }

}
