import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { readBusinessFigures } from '../db/business-figures';
import { isLoopback, metricsTokenMatches, type ApiMetrics } from '../lib/metrics';
import { problemResponse } from './problem';
import { clientAddress, trustedProxyList } from './rate-limit';
import type { AppDeps, AppEnv } from './types';

/** No handler route matched (a 404 or 405): one label, whatever the path was. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route pattern that answered, e.g. `/v1/complaints/:requestNumber` — never the path, which
 * holds consumer and Request Numbers. Middleware (`app.use`) is registered as method ALL; the last
 * matched route of another method is the handler, also when a middleware answered before it (401, 429).
 */
export function routePattern(c: Context): string {
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
  return handler?.path ?? UNMATCHED_ROUTE;
}

/** Counts and times every request (after the response is made), by method, route pattern and status. */
export function measureRequests(metrics: ApiMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.observeRequest(
        c.req.method,
        routePattern(c),
        c.res.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}

/**
 * GET /metrics (Prometheus text format). Mounted before the access log, the rate limit and bearer
 * identification: a scraper every 15 s is not a request worth a log line, and its token is no JWT.
 * With `METRICS_TOKEN` the scraper sends `Authorization: Bearer <token>` (401 otherwise); without
 * it (development only: production requires it) only loopback callers are answered (403 otherwise).
 */
export function metricsHandler(
  deps: Pick<AppDeps, 'config' | 'db' | 'logger'>,
  metrics: ApiMetrics,
): (c: Context<AppEnv>) => Promise<Response> {
  const token = deps.config.observability.metricsToken;
  const trusted = trustedProxyList(deps.config.http.trustedProxies);
  return async (c) => {
    if (token) {
      if (!metricsTokenMatches(token, c.req.header('authorization')))
        return problemResponse(c, 401, 'send the METRICS_TOKEN as Authorization: Bearer <token>', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
    } else if (!isLoopback(clientAddress(c, trusted))) {
      return problemResponse(c, 403, 'metrics answer loopback callers only until METRICS_TOKEN is set');
    }
    await metrics
      .collectBusiness(() => readBusinessFigures(deps.db, deps.config.channels.claimLeaseMs))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'metrics: the business gauges could not be read'),
      );
    return c.body(await metrics.registry.metrics(), 200, {
      'content-type': metrics.registry.contentType,
      'cache-control': 'no-store',
    });
  };
}
