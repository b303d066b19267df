import type { Request } from 'express';
import type { RequestOrigin } from '../audit-trail';

/** Who asked from where: the client address (behind a proxy, trust proxy decides) and its agent. */
export function originOf(req: Request): RequestOrigin {
  const userAgent = req.get('user-agent');
  return { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) };
}
