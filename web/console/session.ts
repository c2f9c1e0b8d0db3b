import { defaultLanguage } from '../offered-languages';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../../api/types';
import {
  CONSOLE_SESSION_TTL_MS,
  createConsoleSession,
  endConsoleSession,
  readConsoleSession,
  type TConsoleSession,
} from '../../db/console-sessions';
import { activeStaffMember } from '../../db/staff';
import { isLanguage, type TLanguage } from '../../domain/languages';
import { ZRole } from '../../domain/roles-schema';
import { anonymousCsrfToken, cookieOptions } from '../session';
import type { ConsoleEnv } from './env';
import { CONSOLE_PREFIX } from './paths';

export const CONSOLE_COOKIES = { session: 'seva_console', language: 'seva_console_lang' } as const;

type Deps = Pick<AppDeps, 'config' | 'db'>;

/** The portal's cookie rules (HttpOnly, SameSite=Lax, Secure outside development), for /console only. */
export const consoleCookieOptions = (deps: Deps, maxAgeSeconds?: number) => ({
  ...cookieOptions(deps, maxAgeSeconds),
  path: CONSOLE_PREFIX,
});

export const chosenConsoleLanguage = (c: Context): TLanguage | undefined => {
  const v = getCookie(c, CONSOLE_COOKIES.language);
  return isLanguage(v) ? v : undefined;
};

/**
 * Every console request: a live session of a person still active in the staff directory becomes
 * the same staff principal a bearer token gives the JSON API (subject, role, office), so
 * use-cases/access.ts applies unchanged. The page's CSRF token and language are settled here too.
 */
export function consoleContext(deps: Deps, now: () => Date): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const token = getCookie(c, CONSOLE_COOKIES.session);
    const session = token ? await readConsoleSession(deps.db, token, now()) : undefined;
    const member = session ? await activeStaffMember(deps.db, session.subject) : undefined;
    const role = ZRole.exclude(['consumer']).safeParse(session?.role);
    if (token && (!session || !member || !role.success))
      deleteCookie(c, CONSOLE_COOKIES.session, consoleCookieOptions(deps));
    else if (token && session && member && role.success) {
      c.set('consoleSession', { ...session, token, name: member.name });
      c.set('principal', {
        kind: 'staff',
        subject: session.subject,
        role: role.data,
        officeId: session.officeId,
      });
    }
    const signedIn = c.get('consoleSession');
    c.set('csrfToken', signedIn?.csrfToken ?? anonymousCsrfToken(c, deps));
    c.set(
      'language',
      chosenConsoleLanguage(c) ??
        (signedIn && isLanguage(member?.language) ? member.language : defaultLanguage()),
    );
    await next();
  };
}

export async function startConsoleSession(
  c: Context,
  deps: Deps,
  who: Pick<TConsoleSession, 'subject' | 'role' | 'officeId' | 'via'>,
  now: Date,
) {
  const session = await createConsoleSession(deps.db, who, now);
  setCookie(
    c,
    CONSOLE_COOKIES.session,
    session.token,
    consoleCookieOptions(deps, CONSOLE_SESSION_TTL_MS / 1000),
  );
}

export async function endConsoleSessionOf(c: Context<ConsoleEnv>, deps: Deps) {
  const session = c.get('consoleSession');
  if (session) await endConsoleSession(deps.db, session.token);
  deleteCookie(c, CONSOLE_COOKIES.session, consoleCookieOptions(deps));
}
