import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LoginBody } from '../cases/bodies';
import { originOf } from '../http/origin';
import { LoginErrors, SessionErrors, ZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod.pipe';
import { REVIEW_SETTINGS, type ReviewSettings } from '../review-settings';
import type { Principal } from './authenticator';
import { LoginService, LoginThrottledException } from './login.service';
import { SESSION_COOKIE, Sessions } from './session';
import { CurrentUser, SessionGuard, tokenOf } from './session.guard';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly logins: LoginService,
    private readonly sessions: Sessions,
    @Inject(REVIEW_SETTINGS) private readonly settings: ReviewSettings,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; sets the session cookie and returns the token for API clients. After REVIEW_LOGIN_MAX_FAILURES failed logins of a name (or REVIEW_LOGIN_MAX_FAILURES_PER_ADDRESS from an address) within REVIEW_LOGIN_WINDOW_SECONDS: 429 with Retry-After' })
  @ZodBody(LoginBody)
  @ApiOkResponse({ description: 'The reviewer, their session token (also set as the session cookie) and how long it lasts' })
  @LoginErrors()
  async login(@Body(new ZodPipe(LoginBody)) body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ user: Principal; token: string; expiresInMinutes: number }> {
    const session = await this.logins.login(body.username, body.password, originOf(req)).catch((error: unknown) => {
      if (error instanceof LoginThrottledException) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    });
    if (!session) throw new UnauthorizedException('wrong username or password');
    setSessionCookie(res, session.token, this.sessions.ttlMinutes, this.settings.REVIEW_COOKIE_SECURE);
    return { ...session, expiresInMinutes: this.sessions.ttlMinutes };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session ended; the cookie is cleared' })
  @SessionErrors()
  @ApiOperation({ summary: 'Log out: ends the session on the server (the token and cookie are refused from now on by every replica) and clears the cookie' })
  @UseGuards(SessionGuard)
  @ApiCookieAuth()
  async logout(@CurrentUser() user: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(tokenOf(req));
    await this.logins.logout(user, originOf(req));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @SessionErrors()
  @UseGuards(SessionGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ description: 'The logged-in reviewer and their roles' })
  me(@CurrentUser() user: Principal): Principal {
    return user;
  }
}

export function setSessionCookie(res: Response, token: string, ttlMinutes: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, maxAge: ttlMinutes * 60_000, path: '/' });
}
