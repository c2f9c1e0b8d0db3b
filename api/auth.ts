import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Context, MiddlewareHandler } from 'hono';
import { and, eq, inArray, like, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { consumers, offices } from '../db/schema';
import { UNSCOPED_ROLES, type TPrincipal, type TRole } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import { TokenError, type TokenVerifier } from '../lib/auth-tokens';
import { HttpProblem, problemResponses } from './problem';
import type { AppEnv } from './types';
import { isPortalPath } from '../web/paths';

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
    isPortalPath(path)
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
    if (!roles.includes(principal.role)) {
      throw new HttpProblem(403, `role "${principal.role}" may not call this; allowed: ${roles.join(', ')}`);
    }
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

/** Is `targetOfficeId` the staff member's office or one of its sub-offices? Uses the materialised path. */
export async function officeWithinScope(
  db: Database,
  staffOfficeId: string,
  targetOfficeId: string,
): Promise<boolean> {
  if (staffOfficeId === targetOfficeId) return true;
  const rows = await db
    .select({ id: offices.id, path: offices.path })
    .from(offices)
    .where(inArray(offices.id, [staffOfficeId, targetOfficeId]));
  const staff = rows.find((r) => r.id === staffOfficeId);
  const target = rows.find((r) => r.id === targetOfficeId);
  return Boolean(staff && target && target.path.startsWith(`${staff.path}/`));
}

/** Staff: the office scope rule. Unscoped roles (ops, admin) see every office. */
export async function assertOfficeAccess(c: Context<AppEnv>, db: Database, officeId: string): Promise<void> {
  const principal = c.get('principal');
  if (principal.kind !== 'staff') throw new HttpProblem(403, 'staff only');
  if (UNSCOPED_ROLES.has(principal.role)) return;
  if (!(await officeWithinScope(db, principal.officeId, officeId))) {
    throw new HttpProblem(403, `office ${officeId} is outside your office ${principal.officeId}`);
  }
}

/**
 * A consumer acts only on their own consumer numbers; staff only on consumers of their offices.
 * Returns the consumer's section office. Unknown numbers are 404 for staff, 403 for consumers
 * (a consumer cannot probe which numbers exist).
 */
export async function assertConsumerAccess(
  c: Context<AppEnv>,
  db: Database,
  consumerNumber: string,
): Promise<string> {
  const principal = c.get('principal');
  if (principal.kind === 'consumer' && !principal.consumerNumbers.includes(consumerNumber)) {
    throw new HttpProblem(403, 'this consumer number is not yours');
  }
  const [row] = await db
    .select({ sectionOfficeId: consumers.sectionOfficeId })
    .from(consumers)
    .where(and(eq(consumers.consumerNumber, consumerNumber)));
  if (!row) throw new HttpProblem(404, `no consumer ${consumerNumber}`);
  if (principal.kind === 'staff') await assertOfficeAccess(c, db, row.sectionOfficeId);
  return row.sectionOfficeId;
}

/**
 * The office a work queue is asked for (the caller's own by default), checked against the caller's
 * scope; `within` selects the ids of that office and its sub-offices, for use in a query.
 * Undefined: an unscoped role (ops, admin) asked for no office, and sees them all.
 */
export async function queueScope(
  c: Context<AppEnv>,
  db: Database,
  requested: string | undefined,
): Promise<{ officeId: string; within: ReturnType<typeof officesWithin> } | undefined> {
  const principal = c.get('principal');
  // Head-office roles see every office unless they ask for one.
  if (!requested && UNSCOPED_ROLES.has(principal.role)) return undefined;
  const officeId = requested ?? (principal.kind === 'staff' ? principal.officeId : undefined);
  if (!officeId)
    throw new HttpProblem(400, 'pass officeId', {
      errors: [{ field: 'query.officeId', message: 'required' }],
    });
  const [office] = await db.select().from(offices).where(eq(offices.id, officeId));
  if (!office) throw new HttpProblem(404, `no office ${officeId}`);
  await assertOfficeAccess(c, db, officeId);
  return { officeId, within: officesWithin(db, office.path) };
}

const officesWithin = (db: Database, path: string) =>
  db
    .select({ id: offices.id })
    .from(offices)
    .where(or(eq(offices.path, path), like(offices.path, `${path}/%`)));

/**
 * A request's or complaint's workflow, if the caller may see it: who it belongs to comes from its
 * search attributes, then the caller's scope applies. Access is checked before anything else is
 * looked at, and a consumer gets one answer for "not yours" and "no such number" — the numbers of
 * other consumers cannot be told from missing ones. Staff are told it is another office's, so they
 * can send the caller there.
 */
export async function authoriseWorkflow<H extends WorkflowHandle>(
  c: Context<AppEnv>,
  db: Database,
  handle: H,
  expected: { workflowType: string; noun: string },
): Promise<{ handle: H; running: boolean; consumerNumber: string }> {
  const notVisible = () => new HttpProblem(404, `no ${expected.noun} with this number that you may see`);
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) throw notVisible();
    throw error;
  });
  const consumerNumber = description.typedSearchAttributes.get(SA.ConsumerNumber);
  if (description.type !== expected.workflowType || !consumerNumber) throw notVisible();
  await assertConsumerAccess(c, db, consumerNumber).catch((error: unknown) => {
    const consumer = c.get('principal').kind === 'consumer';
    if (consumer && error instanceof HttpProblem && (error.status === 403 || error.status === 404))
      throw notVisible();
    throw error;
  });
  return { handle, running: description.status.name === 'RUNNING', consumerNumber };
}
