/** @jsxImportSource hono/jsx */
import { defaultLanguage, isOfferedLanguage } from './offered-languages';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { eq } from 'drizzle-orm';
import { assertConsumerAccess } from '../api/auth';
import { clientAddress, trustedProxyList } from '../api/rate-limit';
import { HttpProblem } from '../api/problem';
import type { AppDeps, AppEnv } from '../api/types';
import { readAccountSummary } from '../db/account';
import { listComplaintTypes, listServiceTypes } from '../db/catalogue';
import { requestsOfConsumer } from '../db/consumer-requests';
import { outagesAffecting } from '../db/outages';
import { changePreferences, readPreferences } from '../db/preferences';
import { createSignInCode, redeemSignInCode, SIGN_IN_CODE_TTL_MS } from '../db/portal-sessions';
import { consumers, portalSignInCodes } from '../db/schema';
import { ZConsumerNumber } from '../domain/consumer';
import type { TLanguage } from '../domain/languages';
import { ZPreferences, type TPreferences } from '../domain/preferences';
import { createNoticeProviders } from '../lib/notice-providers';
import type { WebEnv } from './env';
import { complaintTypeName, serviceTypeName } from './catalogue-words';
import { PORTAL_PAGE_PATTERNS, PORTAL_PATHS } from './paths';
import { LedgerPage } from './pages/ledger';
import { readLedger } from '../use-cases/read-ledger';
import { isNotFound, refusalOf } from './refusals';
import { addServicePages } from './service-pages';
import { documentOf, type TPage } from './layout';
import { translator } from './messages';
import { ErrorPage } from './pages/error';
import { HomePage, type THomeAccount } from './pages/home';
import { PreferencesPage, type TPreferenceErrors } from './pages/preferences';
import { CodePage, numberWords, SignInPage } from './pages/sign-in';
import {
  chosenLanguage,
  COOKIES,
  cookieOptions,
  endSession,
  portalContext,
  startSession,
  storedLanguage,
  verifyCsrf,
} from './session';

/**
 * Pages: scripts and styles from this origin only (htmx and one CSS file), no inline script or
 * style, forms to this origin only, never framed.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The frame every page is drawn in, for this request. */
export const pageOf = (c: Context<WebEnv>, utility: string, path = c.req.path): TPage => ({
  // Before the portal's middleware has run (a failure there), in English and without a token.
  language: c.get('language') ?? defaultLanguage(),
  t: translator(c.get('language') ?? defaultLanguage()),
  utility,
  csrfToken: c.get('csrfToken') ?? '',
  path,
  signedIn: c.get('portalSession')?.consumerNumbers,
});

/** An HTML page with the page CSP. */
export const htmlPage = (c: Context, element: unknown, status: ContentfulStatusCode = 200) =>
  c.html(documentOf(element), status, {
    'content-security-policy': PAGE_CSP,
    'cache-control': 'no-store',
  });

/** A part of a page, for htmx to swap in (the answer to an upload), with the page CSP. */
export const htmlFragment = (c: Context, element: unknown, status: ContentfulStatusCode = 200) =>
  c.html(String(element), status, {
    'content-security-policy': PAGE_CSP,
    'cache-control': 'no-store',
  });

/** Files the pages load, served from node_modules and web/ by the app itself (no CDN, no bundler). */
function assets() {
  const require = createRequire(import.meta.url);
  const file = (path: string | URL) => readFileSync(path);
  return new Map([
    [
      'htmx.min.js',
      { body: file(require.resolve('htmx.org/dist/htmx.min.js')), type: 'text/javascript; charset=utf-8' },
    ],
    ['portal.css', { body: file(new URL('./portal.css', import.meta.url)), type: 'text/css; charset=utf-8' }],
    [
      'upload-progress.js',
      {
        body: file(new URL('./upload-progress.js', import.meta.url)),
        type: 'text/javascript; charset=utf-8',
      },
    ],
    ['icon.svg', { body: file(new URL('./icon.svg', import.meta.url)), type: 'image/svg+xml' }],
  ]);
}

/** The JSON API's authorisation reads only the principal, which the session has set. */
const asApi = (c: Context<WebEnv>) => c as unknown as Context<AppEnv>;

/** A path of this site to come back to after the language switch (never another origin). */
const localPath = (v: unknown) => (typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) ? v : '/');

/**
 * The consumer portal: sign-in with a one-time code, home, preferences and the language switch.
 * Pages call the same db/ and domain/ functions and the same authorisation as the JSON API.
 */
export function createPortalRoutes(deps: AppDeps) {
  const app = new Hono<WebEnv>();
  const now = deps.now ?? (() => new Date());
  const utility = deps.config.utilityName;
  const providers = createNoticeProviders(deps.config, deps.db);
  const secret = deps.config.auth.jwtSecret;
  const trusted = trustedProxyList(deps.config.http.trustedProxies);
  const files = assets();

  // Attempts: codes sent per consumer number and per address, codes tried per number and per address.
  const window = 15 * 60;
  const limits = {
    sendsPerNumber: new RateLimiterMemory({ points: 5, duration: window }),
    sendsPerAddress: new RateLimiterMemory({ points: 20, duration: window }),
    triesPerNumber: new RateLimiterMemory({ points: 10, duration: window }),
    triesPerAddress: new RateLimiterMemory({ points: 30, duration: window }),
  };
  /** Spends a point in each bucket; the minutes to wait when one is empty. */
  const spend = async (...buckets: [RateLimiterMemory, string][]) => {
    for (const [limiter, key] of buckets) {
      try {
        await limiter.consume(key);
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        return Math.max(1, Math.ceil(refused.msBeforeNext / 60_000));
      }
    }
    return undefined;
  };

  const page = (c: Context<WebEnv>, path?: string) => pageOf(c, utility, path);
  const errorPage = (c: Context<WebEnv>, status: ContentfulStatusCode, key: string, values = {}) =>
    htmlPage(c, <ErrorPage page={page(c, '/')} message={page(c).t(key, values)} />, status);

  app.get('/assets/:name', (c) => {
    const asset = files.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });

  for (const path of [...PORTAL_PATHS, ...PORTAL_PAGE_PATTERNS.map((p) => p.hono)])
    app.use(
      path,
      portalContext(deps, now),
      verifyCsrf(deps, (c) => errorPage(c, 403, 'errors.csrf')),
    );
  app.onError((error, c) => {
    // The API's "not yours" and "no such consumer" are one page here, as they are one 404 there.
    if (error instanceof HttpProblem && (error.status === 403 || error.status === 404))
      return errorPage(c, 404, 'errors.notFound');
    // The use cases' and workflows' refusals, as the JSON API answers them: not yours is not found.
    const refusal = refusalOf(error);
    if (refusal && isNotFound(refusal)) return errorPage(c, 404, 'errors.notFound');
    if (refusal?.type === 'Conflict') return errorPage(c, 409, 'errors.conflict');
    if (refusal?.type === 'Unavailable') return errorPage(c, 503, 'errors.busy');
    (c.get('logger') ?? deps.logger).error({ err: error, path: c.req.path }, 'portal page failed');
    return errorPage(c, 500, 'errors.generic', { requestId: c.get('requestId') });
  });

  /** The signed-in consumer numbers, or a redirect to sign-in. */
  const signedIn = (c: Context<WebEnv>) => c.get('portalSession')?.consumerNumbers;

  app.get('/', (c) => {
    if (signedIn(c)) return c.redirect('/home', 303);
    const notice = c.req.query('signed-out') !== undefined ? page(c).t('signIn.signedOut') : undefined;
    return htmlPage(c, <SignInPage page={page(c)} notice={notice} />);
  });

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const typed = typeof form.consumerNumber === 'string' ? form.consumerNumber.replace(/[\s-]/g, '') : '';
    const t = page(c, '/').t;
    const parsed = ZConsumerNumber.safeParse(typed);
    if (!parsed.success)
      return htmlPage(
        c,
        <SignInPage
          page={page(c, '/')}
          consumerNumber={typed}
          error={t('signIn.numberInvalidFor', numberWords(page(c, '/').language))}
        />,
        400,
      );
    const consumerNumber = parsed.data;
    const wait = await spend(
      [limits.sendsPerNumber, consumerNumber],
      [limits.sendsPerAddress, clientAddress(c, trusted)],
    );
    if (wait)
      return htmlPage(
        c,
        <SignInPage
          page={page(c, '/')}
          consumerNumber={typed}
          error={t('signIn.tooMany', { minutes: wait })}
        />,
        429,
      );

    const [consumer] = await deps.db
      .select({
        phone: consumers.phone,
        email: consumers.email,
        preferredChannel: consumers.preferredChannel,
      })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    // An unknown number gets a code as well, which nobody is sent: every answer from here is the same.
    const channel = !consumer
      ? 'none'
      : consumer.preferredChannel === 'email' && consumer.email
        ? 'email'
        : 'sms';
    const { id, code } = await createSignInCode(deps.db, secret, { consumerNumber, channel, now: now() });
    if (consumer) {
      const language: TLanguage =
        chosenLanguage(c) ?? (await storedLanguage(deps, consumerNumber)) ?? defaultLanguage();
      const words = translator(language);
      const to = channel === 'email' ? consumer.email! : consumer.phone;
      try {
        await providers[channel === 'email' ? 'email' : 'sms'].send({
          channel: channel === 'email' ? 'email' : 'sms',
          to,
          subject: words('signIn.messageSubject', { utility }),
          text: words('signIn.message', { code, utility }),
          language,
          reference: `portal-sign-in/${id}`,
          consumerNumber,
        });
      } catch (error) {
        // Said to nobody but the log: the page must look the same as for a number that does not exist.
        c.get('logger').warn({ err: error, channel }, 'sign-in code could not be sent');
      }
    }
    setCookie(c, COOKIES.signIn, id, cookieOptions(deps, SIGN_IN_CODE_TTL_MS / 1000));
    return c.redirect('/sign-in/code', 303);
  });

  /** The pending sign-in of this browser: which number the code is for. */
  const pending = async (c: Context<WebEnv>) => {
    const id = getCookie(c, COOKIES.signIn);
    if (!id) return undefined;
    const [row] = await deps.db
      .select({ id: portalSignInCodes.id, consumerNumber: portalSignInCodes.consumerNumber })
      .from(portalSignInCodes)
      .where(eq(portalSignInCodes.id, id));
    return row;
  };

  app.get('/sign-in/code', async (c) => {
    const row = await pending(c);
    if (!row) return c.redirect('/', 303);
    return htmlPage(c, <CodePage page={page(c)} consumerNumber={row.consumerNumber} />);
  });

  app.post('/sign-in/code', async (c) => {
    const row = await pending(c);
    if (!row) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    const t = page(c).t;
    const wait = await spend(
      [limits.triesPerNumber, row.consumerNumber],
      [limits.triesPerAddress, clientAddress(c, trusted)],
    );
    if (wait)
      return htmlPage(
        c,
        <CodePage
          page={page(c)}
          consumerNumber={row.consumerNumber}
          error={t('signIn.tooMany', { minutes: wait })}
        />,
        429,
      );
    const code = typeof form.code === 'string' ? form.code.replace(/\s/g, '') : '';
    const consumerNumber = /^\d{6}$/.test(code)
      ? await redeemSignInCode(deps.db, secret, { id: row.id, code, now: now() })
      : undefined;
    if (!consumerNumber)
      return htmlPage(
        c,
        <CodePage page={page(c)} consumerNumber={row.consumerNumber} error={t('signIn.failed')} />,
        400,
      );
    deleteCookie(c, COOKIES.signIn, cookieOptions(deps));
    await startSession(c, deps, consumerNumber, now());
    return c.redirect('/home', 303);
  });

  app.post('/sign-out', async (c) => {
    await endSession(c, deps);
    return c.redirect('/?signed-out', 303);
  });

  app.post('/language', async (c) => {
    const form = await c.req.parseBody();
    if (isOfferedLanguage(form.lang))
      setCookie(c, COOKIES.language, form.lang, { ...cookieOptions(deps, 365 * 86_400) });
    return c.redirect(localPath(form.next), 303);
  });

  /** Every catalogue type's name in the reader's language, by code (the read models carry the code). */
  const typeNames = async (language: TLanguage): Promise<Record<string, string>> => {
    const [services, complaints] = await Promise.all([
      listServiceTypes(deps.db),
      listComplaintTypes(deps.db),
    ]);
    const names: Record<string, string> = {};
    for (const t of services) names[t.code] = serviceTypeName(t, language);
    for (const t of complaints) names[t.code] = complaintTypeName(t, language);
    return names;
  };

  app.get('/home', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const at = now();
    const accounts: THomeAccount[] = [];
    for (const consumerNumber of numbers) {
      // The JSON API's rule: a consumer reads only their own numbers.
      await assertConsumerAccess(asApi(c), deps.db, consumerNumber);
      const [summary, requests, outages] = await Promise.all([
        readAccountSummary(deps.db, consumerNumber),
        requestsOfConsumer(deps.db, consumerNumber, { openOnly: true, limit: 20 }),
        outagesAffecting(deps.db, consumerNumber, at),
      ]);
      if (summary) accounts.push({ summary, requests, outages, names: await typeNames(page(c).language) });
    }
    return htmlPage(c, <HomePage page={page(c)} accounts={accounts} now={at} />);
  });

  app.get('/ledger', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const asked = c.req.query('consumer');
    const consumerNumber = asked && numbers.includes(asked) ? asked : numbers[0]!;
    const pageNo = Math.min(10_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const pageSize = 20;
    // The JSON API's use case and rule: a consumer reads only their own ledger.
    const ledger = await readLedger(deps, asApi(c).get('principal'), {
      consumerNumber,
      page: pageNo,
      pageSize,
    });
    return htmlPage(
      c,
      <LedgerPage page={page(c)} view={{ consumerNumber, numbers, ...ledger, page: pageNo, pageSize }} />,
    );
  });

  app.get('/preferences', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    await assertConsumerAccess(asApi(c), deps.db, numbers[0]!);
    const found = await readPreferences(deps.db, numbers[0]!);
    if (!found) return errorPage(c, 404, 'errors.notFound');
    return htmlPage(
      c,
      <PreferencesPage
        page={page(c)}
        values={found.preferences}
        saved={c.req.query('saved') !== undefined}
      />,
    );
  });

  app.post('/preferences', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const consumerNumber = numbers[0]!;
    await assertConsumerAccess(asApi(c), deps.db, consumerNumber);
    const form = await c.req.parseBody({ all: true });
    const list = (v: unknown): unknown[] =>
      Array.isArray(v) ? (v as unknown[]) : v === undefined ? [] : [v];
    const sent = {
      language: form.language,
      preferredChannel: form.preferredChannel,
      optOuts: list(form.optOuts),
    };
    const t = page(c).t;
    const shown = {
      language: typeof sent.language === 'string' ? sent.language : '',
      preferredChannel: typeof sent.preferredChannel === 'string' ? sent.preferredChannel : '',
      optOuts: sent.optOuts.filter((v): v is string => typeof v === 'string'),
    };
    // The API's schema, then the API's rules across fields.
    const parsed = ZPreferences.safeParse(sent);
    const errors: TPreferenceErrors = {};
    const invalid: Record<keyof TPreferences, string> = {
      language: 'preferences.languageInvalid',
      preferredChannel: 'preferences.channelInvalid',
      optOuts: 'preferences.optOutsInvalid',
    };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof TPreferences;
        if (field in invalid) errors[field] ??= t(invalid[field]);
      }
      return htmlPage(c, <PreferencesPage page={page(c)} values={shown} errors={errors} />, 400);
    }
    const result = await changePreferences(deps.db, consumerNumber, parsed.data, now());
    if (result.ok) return c.redirect('/preferences?saved', 303);
    if (result.notFound) return errorPage(c, 404, 'errors.notFound');
    for (const e of result.errors)
      errors[e.field] =
        e.code === 'no-email'
          ? t('preferences.noEmail')
          : t('preferences.preferredOptedOut', { channel: t(`preferences.${parsed.data.preferredChannel}`) });
    return htmlPage(c, <PreferencesPage page={page(c)} values={shown} errors={errors} />, 400);
  });

  addServicePages(app, deps, {
    page,
    htmlPage,
    fragment: htmlFragment,
    errorPage: (c, status, key) => errorPage(c, status, key),
  });

  return app;
}
