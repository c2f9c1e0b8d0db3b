import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePattern } from './metrics';
import type { AppEnv } from './types';

/**
 * One server span per request, the parent of everything the request does: the Temporal client's
 * StartWorkflow / update spans (its interceptor reads the active context) and through their
 * headers the workflow's and activities' spans. Named `METHOD /route/:pattern`; no path, query or
 * body goes into it (they hold consumer numbers). A caller's `traceparent` is continued. Only
 * installed when tracing is configured (lib/tracing.ts).
 */
export function traceRequests(tracer: Tracer): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.raw.headers, {
      get: (headers, key) => headers.get(key) ?? undefined,
      keys: (headers) => [...headers.keys()],
    });
    const span = tracer.startSpan(
      c.req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': c.req.method, 'seva.request_id': c.get('requestId') },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routePattern(c);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
