import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Database } from '../db/client';
import type { TPrincipal, TRole } from '../domain/roles';
import { TokenError, type TokenVerifier } from '../lib/auth-tokens';
import * as access from '../use-cases/access';
import { HttpProblem, problemResponses } from './problem';
import type { AppEnv } from './types';
import { isPortalPath } from '../web/paths';
import { isConsolePath } from '../web/console/paths';

/** Paths reachable without a bearer token. Everything else is denied unless a route grants a role. */
export function isPublicPath(path: string): boolean {
  return (
    path === '/healthz' ||
    path === '/readyz' ||
    path === '/openapi.json' ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    // The Temporal UI cannot send our bearer header; its codec URL carries the token in the path,
    // and that route verifies it itself.
    path.startsWith('/codec/ui/') ||
    // Feedback links carry their own signed, expiring token for one request.
    path.startsWith('/v1/feedback/') ||
    // Anyone holding a receipt may check it; these routes show no personal data.
    path.startsWith('/v1/receipts/') ||
    // Provider webhooks authenticate with their own signatures (Standard Webhooks HMAC).
    path.startsWith('/v1/webhooks/') ||
    // The consumer portal's pages and assets: its session cookie is checked by the pages (web/).
    isPortalPath(path) ||
    // The back-office console: its staff session cookie is checked by its pages (web/console/).
    isConsolePath(path)
  );
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export async function verifyOrThrow(verify: TokenVerifier, token: string | undefined): Promise<TPrincipal> {
  if (!token)
    throw new HttpProblem(401, 'send Authorization: Bearer <token>', {
      headers: { 'www-authenticate': 'Bearer' },
    });
  try {
    return await verify(token);
  } catch (error) {
    const detail = error instanceof TokenError ? error.message : 'token invalid';
    throw new HttpProblem(401, detail, { headers: { 'www-authenticate': `Bearer error="invalid_token"` } });
  }
}

/**
 * Global, first: who is calling. A valid bearer token on a protected path sets the principal
 * (which the rate limit then counts by); a missing or bad one is kept for `authenticate` to refuse,
 * so that refusals are counted against the caller's address like any other request.
 */
export function identify(verify: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || isPublicPath(c.req.path)) return next();
    try {
      c.set('principal', await verifyOrThrow(verify, bearerToken(c.req.header('authorization'))));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      c.set('authProblem', error);
    }
    await next();
  };
}

/** Global: every non-public request must carry a valid token (read by `identify`). */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const refused = c.get('authProblem');
    if (refused) throw refused;
    await next();
  };
}

export function requireRoles(roles: readonly TRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new HttpProblem(401, 'send Authorization: Bearer <token>');
    access.assertRole(principal, roles);
    await next();
  };
}

/**
 * Every protected route is declared through this helper: `roles` is required, the role check is
 * wired in as route middleware, and the roles are published in the OpenAPI document as `x-roles`.
 */
export function secureRoute<const R extends Omit<RouteConfig, 'middleware' | 'security'>>(
  route: R & { roles: readonly TRole[] },
) {
  const { roles, ...rest } = route;
  return createRoute({
    ...rest,
    security: [{ bearer: [] }],
    'x-roles': [...roles],
    middleware: [requireRoles(roles)] as const,
    // Any route may refuse text that cannot be stored (400) or a caller over budget (429).
    responses: { ...problemResponses(400, 401, 403, 429), ...rest.responses },
  } as unknown as R & { middleware: [MiddlewareHandler<AppEnv>]; security: { bearer: string[] }[] });
}

/*
 * The access rules live in use-cases/access.ts, where the use cases call them; these adapters read
 * the principal from the request for the routes that call them directly.
 */
export const assertOfficeAccess = (c: Context<AppEnv>, db: Database, officeId: string) =>
  access.assertOfficeAccess(db, c.get('principal'), officeId);

export const assertConsumerAccess = (c: Context<AppEnv>, db: Database, consumerNumber: string) =>
  access.assertConsumerAccess(db, c.get('principal'), consumerNumber);

export const queueScope = (c: Context<AppEnv>, db: Database, requested: string | undefined) =>
  access.queueScope(db, c.get('principal'), requested);
