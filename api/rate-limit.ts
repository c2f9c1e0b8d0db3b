import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from './problem';
import type { AppEnv } from './types';

/**
 * Fixed one-minute window per caller (bearer token, else forwarded client address). Provider
 * webhooks (`/v1/webhooks/…`) count apart, with their own budget: one SMS gateway relays a whole
 * outage storm and must not be throttled like one person. In-process: with several API replicas,
 * put a shared limiter in front as well.
 */
export function rateLimit(
  limits: { perMinute: number; webhooksPerMinute: number },
  now: () => number = Date.now,
): MiddlewareHandler<AppEnv> {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const auth = c.req.header('authorization');
    const address = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? 'anonymous';
    const webhook = c.req.path.startsWith('/v1/webhooks/');
    const perMinute = webhook ? limits.webhooksPerMinute : limits.perMinute;
    const who = webhook
      ? `webhook:${address}`
      : auth
        ? createHash('sha256').update(auth).digest('base64url').slice(0, 22)
        : address;
    const t = now();
    let w = windows.get(who);
    if (!w || t - w.start >= 60_000) {
      if (windows.size > 50_000) windows.clear();
      w = { start: t, count: 0 };
      windows.set(who, w);
    }
    w.count += 1;
    c.header('ratelimit-limit', String(perMinute));
    c.header('ratelimit-remaining', String(Math.max(0, perMinute - w.count)));
    if (w.count > perMinute) {
      const retryAfter = Math.ceil((w.start + 60_000 - t) / 1000);
      throw new HttpProblem(429, `limit is ${perMinute} requests a minute; retry in ${retryAfter}s`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    await next();
  };
}
