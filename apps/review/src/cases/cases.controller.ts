import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/authenticator';
import { CurrentUser, SessionGuard } from '../auth/session.guard';
import { originOf } from '../http/origin';
import { CaseErrors, ErrorBody, ZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod.pipe';
import { ApproveBody, DecideBody, EscalateBody, OverrideBody, QueueQuery, RequestInfoBody } from './bodies';
import { ReviewService } from './review.service';
import { detailOf, summaryOf } from './views';

const CaseId = ApiParam({ name: 'caseId', description: 'The case id (= predictionId)' });

@ApiTags('review')
@ApiCookieAuth()
@UseGuards(SessionGuard)
@Controller('api')
export class CasesController {
  constructor(private readonly review: ReviewService) {}

  @Get('queue')
  @ApiOperation({ summary: 'The cases waiting for you: your roles, not voted on by you; by priority, then due time' })
  @ApiQuery({ name: 'tier', required: false, enum: ['automatic', 'single_approver', 'dual_approval', 'executive_review'] })
  // The same bounds as QueueQuery, which checks them: the document promises what is accepted.
  @ApiQuery({ name: 'category', required: false, schema: { type: 'string', pattern: '^[a-z][a-z0-9_.-]*$' } })
  @ApiQuery({ name: 'minPriority', required: false, schema: { type: 'integer', minimum: 0, maximum: 100 } })
  @ApiQuery({ name: 'dueBefore', required: false, description: 'ISO 8601 time', schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'escalated', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 20', schema: { type: 'integer', minimum: 1, maximum: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: 100_000 } })
  @ApiOkResponse({ description: 'A page of your queue: total, limit, offset, items' })
  @CaseErrors(400)
  async queue(@CurrentUser() user: Principal, @Query(new ZodPipe(QueueQuery)) query: QueueQuery) {
    const now = new Date();
    const { items, total } = this.review.queue(user, query);
    return { total, limit: query.limit, offset: query.offset, items: items.map((item) => summaryOf(item, now)) };
  }

  @Post('next')
  @ApiOperation({
    summary: 'Your next case, claimed for you',
    description:
      'The first case in queue order (priority, then due time) that one of your roles may act on, in your skills (the users file), that nobody holds. It is claimed for you as POST /cases/{id}/claim would. Two reviewers asking at once never get the same case.',
  })
  @ApiOkResponse({ description: 'The case as the queue lists it, with your claim' })
  @ApiNoContentResponse({ description: 'No case waits for you' })
  @ApiResponse({ status: 401, description: 'no valid session', schema: ErrorBody })
  @ApiResponse({ status: 409, description: 'you already hold your capacity of cases (REVIEW_CAPACITY, or your own in the users file)', schema: ErrorBody })
  async next(@CurrentUser() user: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const item = await this.review.next(user, originOf(req));
    if (!item) {
      res.status(204);
      return undefined;
    }
    res.status(200);
    return summaryOf(item, new Date());
  }

  /** GET must be safe (RFC 9110): a prefetched link would claim cases. Said plainly instead of a 404. */
  @Get('next')
  @ApiExcludeEndpoint()
  nextByGet(@Res({ passthrough: true }) res: Response): never {
    res.setHeader('Allow', 'POST');
    throw new HttpException({ statusCode: 405, message: 'use POST /api/next: asking for your next case claims it', error: 'Method Not Allowed' }, HttpStatus.METHOD_NOT_ALLOWED);
  }

  @Get('cases/:caseId')
  @CaseId
  @ApiOperation({ summary: 'The case: prediction, input, AI recommendation and reasoning, confidence with factors, routing explanation, history, similar past cases' })
  @ApiOkResponse({ description: 'The case as the review screen shows it' })
  @CaseErrors()
  async detail(@CurrentUser() user: Principal, @Param('caseId') caseId: string) {
    return detailOf(await this.review.detail(user, caseId), new Date());
  }

  @Post('cases/:caseId/claim')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Work on the case: a lease others see; claiming again renews it' })
  @ApiOkResponse({ description: 'The case as the queue lists it, with your claim' })
  @CaseErrors(409)
  async claim(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Req() req: Request) {
    return summaryOf(await this.review.claim(user, caseId, originOf(req)), new Date());
  }

  @Delete('cases/:caseId/claim')
  @HttpCode(204)
  @CaseId
  @ApiOperation({ summary: 'Let go of the case' })
  @ApiNoContentResponse({ description: 'The case is free again' })
  @CaseErrors(409)
  async release(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Req() req: Request): Promise<void> {
    await this.review.release(user, caseId, originOf(req));
  }

  @Post('cases/:caseId/approve')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Agree with the AI: one call, no body needed' })
  @ZodBody(ApproveBody, false)
  @ApiOkResponse({ description: 'The review.decided event your action published' })
  @CaseErrors(400, 409, 503)
  approve(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Body(new ZodPipe(ApproveBody)) body: ApproveBody, @Req() req: Request) {
    return this.review.act(user, caseId, { action: 'approve', body }, originOf(req));
  }

  @Post('cases/:caseId/override')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Decide otherwise than the AI: outcome and reason required' })
  @ZodBody(OverrideBody)
  @ApiOkResponse({ description: 'The review.decided event your action published' })
  @CaseErrors(400, 409, 422, 503)
  override(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Body(new ZodPipe(OverrideBody)) body: OverrideBody, @Req() req: Request) {
    return this.review.act(user, caseId, { action: 'override', body }, originOf(req));
  }

  @Post('cases/:caseId/decide')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Decide a case reviewed blind (rollout stage shadow): the outcome, and a reason if you like' })
  @ZodBody(DecideBody)
  @ApiOkResponse({ description: 'The review.decided event your action published' })
  @CaseErrors(400, 409, 422, 503)
  decide(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Body(new ZodPipe(DecideBody)) body: DecideBody, @Req() req: Request) {
    return this.review.act(user, caseId, { action: 'decide', body }, originOf(req));
  }

  @Post('cases/:caseId/request-info')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Ask the producer a question (a revision round)' })
  @ZodBody(RequestInfoBody)
  @ApiOkResponse({ description: 'The review.decided event your action published' })
  @CaseErrors(400, 409, 503)
  requestInfo(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Body(new ZodPipe(RequestInfoBody)) body: RequestInfoBody, @Req() req: Request) {
    return this.review.act(user, caseId, { action: 'request_info', body }, originOf(req));
  }

  @Post('cases/:caseId/escalate')
  @HttpCode(200)
  @CaseId
  @ApiOperation({ summary: 'Hand the case up the escalation ladder: reason required' })
  @ZodBody(EscalateBody)
  @ApiOkResponse({ description: 'The review.decided event your action published' })
  @CaseErrors(400, 409, 503)
  escalate(@CurrentUser() user: Principal, @Param('caseId') caseId: string, @Body(new ZodPipe(EscalateBody)) body: EscalateBody, @Req() req: Request) {
    return this.review.act(user, caseId, { action: 'escalate', body }, originOf(req));
  }
}
