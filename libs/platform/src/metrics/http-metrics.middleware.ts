import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ServiceMetrics } from './metrics';

/** Times every HTTP request; labelled by the matched route pattern, `unmatched` for a 404 outside any route. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ServiceMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.metrics.observeHttp(req.method, route, res.statusCode, (performance.now() - started) / 1_000);
    });
    next();
  }
}
