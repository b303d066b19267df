import { createParamDecorator, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './authenticator';
import { SESSION_COOKIE, Sessions } from './session';

type WithPrincipal = Request & { principal?: Principal };

/** The session token from the cookie (browser) or `Authorization: Bearer` (API clients). */
export function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
}

/** 401 without a valid session (expired, ended by logout, or none); otherwise the principal is on the request for @CurrentUser(). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: Sessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    const principal = await this.sessions.verify(tokenOf(req));
    if (!principal) throw new UnauthorizedException('log in first: no valid session (cookie hitl_session or Authorization: Bearer)');
    req.principal = principal;
    return true;
  }
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<WithPrincipal>().principal!;
});
