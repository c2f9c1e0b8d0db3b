import { defaultLanguage } from './offered-languages';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { csrf } from 'hono/csrf';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../api/types';
import { consumers } from '../db/schema';
import {
  createPortalSession,
  endPortalSession,
  PORTAL_SESSION_TTL_MS,
  readPortalSession,
} from '../db/portal-sessions';
import { isLanguage, type TLanguage } from '../domain/languages';
import type { WebEnv } from './env';

export const COOKIES = {
  session: 'seva_session',
  csrf: 'seva_csrf',
  signIn: 'seva_sign_in',
  language: 'seva_lang',
} as const;

type Deps = Pick<AppDeps, 'config' | 'db'>;

/** HttpOnly, SameSite=Lax, Secure everywhere but development (plain http://127.0.0.1 there). */
export const cookieOptions = (deps: Deps, maxAgeSeconds?: number) => ({
  httpOnly: true,
  secure: deps.config.env !== 'development',
  sameSite: 'Lax' as const,
  path: '/',
  ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
});

/** The language the switch chose, when it chose one. */
export const chosenLanguage = (c: Context): TLanguage | undefined => {
  const v = getCookie(c, COOKIES.language);
  return isLanguage(v) ? v : undefined;
};

export async function storedLanguage(deps: Deps, consumerNumber: string): Promise<TLanguage | undefined> {
  const [row] = await deps.db
    .select({ language: consumers.language })
    .from(consumers)
    .where(eq(consumers.consumerNumber, consumerNumber));
  return isLanguage(row?.language) ? row.language : undefined;
}

/**
 * The CSRF token of a visitor without a session (double submit: an HttpOnly cookie and the same
 * value in each form), made on first sight.
 */
export function anonymousCsrfToken(c: Context, deps: Deps): string {
  const existing = getCookie(c, COOKIES.csrf);
  if (existing && /^[\w-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, COOKIES.csrf, token, cookieOptions(deps));
  return token;
}

/**
 * Every portal request: the session (if the cookie names a live one) becomes the same consumer
 * principal a consumer's bearer token gives the JSON API, so the API's authorisation applies
 * unchanged; the page's CSRF token and language are settled here too.
 */
export function portalContext(deps: Deps, now: () => Date): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const token = getCookie(c, COOKIES.session);
    const session = token ? await readPortalSession(deps.db, token, now()) : undefined;
    if (token && !session) deleteCookie(c, COOKIES.session, cookieOptions(deps));
    if (session && token) {
      c.set('portalSession', {
        token,
        consumerNumbers: session.consumerNumbers,
        csrfToken: session.csrfToken,
      });
      c.set('principal', {
        kind: 'consumer',
        subject: `portal:${session.consumerNumbers[0]}`,
        role: 'consumer',
        consumerNumbers: session.consumerNumbers,
      });
    }
    c.set('csrfToken', session?.csrfToken ?? anonymousCsrfToken(c, deps));
    const language =
      chosenLanguage(c) ??
      (session ? await storedLanguage(deps, session.consumerNumbers[0]!) : undefined) ??
      defaultLanguage();
    c.set('language', language);
    // htmx swaps the body only: a boosted page that lands in another language (signed in, or a
    // new stored language) is loaded whole instead, so that `<html lang>` is right.
    const shown = c.req.header('x-page-language');
    if (c.req.method === 'GET' && c.req.header('hx-request') === 'true' && shown && shown !== language) {
      const url = new URL(c.req.url);
      return c.body(null, 200, { 'hx-redirect': `${url.pathname}${url.search}` });
    }
    await next();
  };
}

export async function startSession(c: Context, deps: Deps, consumerNumber: string, now: Date) {
  const session = await createPortalSession(deps.db, [consumerNumber], now);
  setCookie(c, COOKIES.session, session.token, cookieOptions(deps, PORTAL_SESSION_TTL_MS / 1000));
}

export async function endSession(c: Context<WebEnv>, deps: Deps) {
  const session = c.get('portalSession');
  if (session) await endPortalSession(deps.db, session.token);
  deleteCookie(c, COOKIES.session, cookieOptions(deps));
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * CSRF, twice: Hono's `csrf` refuses a form whose Origin (or Sec-Fetch-Site) is not this site, and
 * the form must carry the page's token in `_csrf` — the session's own token once signed in, the
 * anonymous double-submit cookie before. Either check alone refuses; `refuse` draws the page.
 */
export function verifyCsrf(
  deps: Deps,
  refuse: (c: Context<WebEnv>) => Response | Promise<Response>,
): MiddlewareHandler<WebEnv> {
  const publicOrigin = new URL(deps.config.http.publicUrl).origin;
  const sameOrigin = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
  });
  return async (c, next) => {
    if (/^(GET|HEAD|OPTIONS)$/.test(c.req.method)) return next();
    try {
      await sameOrigin(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return refuse(c);
      throw error;
    }
    const type = c.req.header('content-type') ?? '';
    const body = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)
      ? await c.req.parseBody({ all: true })
      : {};
    const sent = body._csrf;
    if (typeof sent !== 'string' || !sameToken(sent, c.get('csrfToken'))) return refuse(c);
    await next();
  };
}

/**
 * The CSRF token for a page drawn outside the portal's middleware (the feedback link): the
 * session's when a live session cookie comes along, else the anonymous one — what the language
 * switch will be checked against.
 */
export async function pageCsrfToken(c: Context, deps: Deps, now: Date): Promise<string> {
  const token = getCookie(c, COOKIES.session);
  const session = token ? await readPortalSession(deps.db, token, now) : undefined;
  return session?.csrfToken ?? anonymousCsrfToken(c, deps);
}
