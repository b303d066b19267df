import { Topics } from '@hitl/contracts';
import { EventPublisher } from '@hitl/messaging';
import { ADMIN_ROLE } from '@hitl/policy';
import { Body, Controller, ForbiddenException, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AUDIT_TRAIL, type AuditTrail } from '../audit-trail';
import type { Principal } from '../auth/authenticator';
import { CurrentUser, SessionGuard } from '../auth/session.guard';
import { CaseErrors, ZodBody } from '../http/openapi';
import { originOf } from '../http/origin';
import { ZodPipe } from '../http/zod.pipe';

// The same patterns as the OpenAPI document states, so what it calls valid is accepted.
const CATEGORY = '^[a-z0-9][a-z0-9_.-]{0,99}$';
const MODEL_VERSION = '^[A-Za-z0-9][A-Za-z0-9._+:-]{0,99}$';
export const AutomationControlParams = z.strictObject({
  category: z.string().regex(new RegExp(CATEGORY), 'expected a category (lower-case letters, digits, _ . -)'),
  modelVersion: z.string().regex(new RegExp(MODEL_VERSION), 'expected a model version (letters, digits, . _ + : -)'),
  action: z.enum(['stop', 'lift'], { error: 'action must be stop or lift' }),
});
export const AutomationControlBody = z
  // The pattern and lengths hold before trimming, so the OpenAPI document promises what is accepted.
  .strictObject({ reason: z.string({ error: 'reason is required' }).min(3, 'reason must say why (at least 3 characters)').max(1_000).regex(/\S/, 'reason must not be blank').trim() })
  .describe('Why automation is stopped or restarted: required, and kept in the audit log.');
type AutomationControlBody = z.infer<typeof AutomationControlBody>;

/**
 * The stop button of human oversight: an admin stops automation of a category and model now, or
 * lifts a stop the circuit breaker (or an admin) put there. Published as trust.control (feedback
 * applies it and publishes the resulting trust.updated, which scoring gates on) and recorded in
 * the hash-chained audit log with the reason.
 */
@ApiTags('admin')
@ApiCookieAuth()
@UseGuards(SessionGuard)
@Controller('api/admin/automation')
export class AutomationController {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
  ) {}

  @Post(':category/:modelVersion/:action')
  @HttpCode(202)
  @ApiParam({ name: 'category', schema: { type: 'string', pattern: CATEGORY } })
  @ApiParam({ name: 'modelVersion', schema: { type: 'string', pattern: MODEL_VERSION } })
  @ApiParam({ name: 'action', enum: ['stop', 'lift'] })
  @ApiOperation({ summary: 'Stop automation of a category and model now, or lift a stop (admins only; audited)' })
  @ZodBody(AutomationControlBody)
  @ApiAcceptedResponse({ description: 'Published; feedback applies it within moments (see GET /api/trust on the feedback service)' })
  @CaseErrors(400, 403)
  async control(@CurrentUser() user: Principal, @Param(new ZodPipe(AutomationControlParams)) params: z.infer<typeof AutomationControlParams>, @Body(new ZodPipe(AutomationControlBody)) body: AutomationControlBody, @Req() req: Request) {
    if (!user.roles.includes(ADMIN_ROLE)) throw new ForbiddenException('only an admin may stop or restart automation');
    const controlId = randomUUID();
    const requestedAt = new Date().toISOString();
    await this.publisher.publish(Topics.TrustControl, { ...params, reason: body.reason, by: { reviewerId: user.id, role: ADMIN_ROLE }, controlId, requestedAt }, { id: `trust-control:${controlId}` });
    await this.audit.record({ actor: user, action: params.action === 'stop' ? 'automation_stop' : 'automation_lift', target: `${params.category}|${params.modelVersion}`, from: originOf(req), details: { reason: body.reason, controlId } });
    return { accepted: true, controlId, ...params };
  }
}
