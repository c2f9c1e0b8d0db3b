import type { Browser, Page } from 'playwright-core';
import { eq, gt } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { createTokenVerifier } from '../lib/auth-tokens';
import { consoleOidcAttempts, consoleSessions, staff } from '../db/schema';
import { consoleMessages } from '../web/console/messages';
import { startIdentityProvider } from './helpers/oidc-idp';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';

/**
 * Staff sign-in to the console with OpenID Connect against a real identity provider
 * (oidc-provider, started here on a free port): authorization code with PKCE, in Chromium, through
 * the provider's own login and consent pages. The people are sec-vizhinjam's and sec-vyttila's.
 */
const CLIENT_ID = 'seva-console-test';
/** In the directory; the provider asserts role and office as claims (taken as the API takes them). */
const OFFICER = 'exec-vizhinjam';
/** In the directory; the provider asserts no role or office (the directory's are taken). */
const SUPERVISOR = 'sup-vyttila';
/** Known to the provider, not in Seva's staff directory. */
const GHOST = 'ghost-officer-vizhinjam';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);

let stack: TestStack;
let base: string;
let browser: Browser;
let idp: Awaited<ReturnType<typeof startIdentityProvider>> | undefined;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal({
    env: async (at) => {
      idp = await startIdentityProvider({
        clientId: CLIENT_ID,
        redirectUri: `${at}/console/sign-in/oidc/callback`,
        postLogoutRedirectUri: `${at}/console/sign-in`,
        accounts: [
          {
            sub: OFFICER,
            name: 'Vizhinjam Executive',
            claims: { role: 'executive', office: 'sec-vizhinjam' },
          },
          { sub: SUPERVISOR, name: 'Vyttila Supervisor' },
          { sub: GHOST, name: 'Nobody Here', claims: { role: 'executive', office: 'sec-vizhinjam' } },
        ],
      });
      return {
        OIDC_ISSUER_URL: idp.issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_SCOPES: 'openid profile staff',
        OIDC_POST_LOGOUT_REDIRECT_URI: `${at}/console/sign-in`,
      };
    },
  });
  ({ stack, base, browser } = portal);
}, 120_000);
afterAll(async () => {
  await portal?.stop();
  await idp?.stop();
});

const sessionsOf = (subject: string) =>
  stack.db.select().from(consoleSessions).where(eq(consoleSessions.subject, subject));

/** From the console's sign-in page to the identity provider's login form. */
async function toIdentityProvider() {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  let authorize: URL | undefined;
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === idp!.issuer && u.searchParams.has('client_id')) authorize ??= u;
  });
  await page.goto(`${base}/console/sign-in`);
  await page.getByRole('link', { name: en('signIn.oidc') }).click();
  await page.waitForURL(`${idp!.issuer}/**`, { waitUntil: 'domcontentloaded' }).catch(async (e) => {
    throw new Error(`at ${page.url()}: ${(await page.content()).slice(0, 2000)}`, { cause: e });
  });
  return { context, page, authorize: authorize! };
}

/**
 * Log in at the provider and give consent. Returns the URL the provider redirected to (the
 * callback with code and state). With `stopAtCallback` the browser does not go there: Chromium's
 * own interception (CDP Fetch) catches the redirect, which Playwright's routes do not see.
 */
async function loginAtProvider(page: Page, login: string, options: { stopAtCallback?: boolean } = {}) {
  let callbackUrl: string | undefined;
  const seen = (url: string) => {
    if (url.startsWith(`${base}/console/sign-in/oidc/callback`)) callbackUrl ??= url;
  };
  page.on('request', (r) => seen(r.url()));
  const cdp = options.stopAtCallback ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    cdp.on('Fetch.requestPaused', (event: { requestId: string; request: { url: string } }) => {
      seen(event.request.url);
      void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' });
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${base}/console/sign-in/oidc/callback*` }] });
  }
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: the dev login takes any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page
    .getByRole('button', { name: 'Continue' })
    .click()
    .catch(() => undefined);
  await expect.poll(() => callbackUrl, { timeout: 15_000 }).toBeTruthy();
  if (cdp) await cdp.detach();
  else await page.waitForURL((u) => u.origin === base && !u.pathname.endsWith('/callback'));
  return () => callbackUrl!;
}

/** Who the console's header says is signed in. */
const signedInAs = async (page: Page) => page.locator('.c-who').innerText();
const nameOf = async (subject: string) =>
  (await stack.db.select().from(staff).where(eq(staff.subject, subject)))[0]!.name;

describe('staff sign-in with OpenID Connect', () => {
  it('an executive signs in at the identity provider (PKCE) and lands on the queue as that officer; the callback cannot be replayed', async () => {
    const { context, page, authorize } = await toIdentityProvider();
    // The authorization request: code flow, PKCE S256, state and nonce, the registered redirect URI.
    const asked = Object.fromEntries(authorize.searchParams);
    expect(asked).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${base}/console/sign-in/oidc/callback`,
      scope: 'openid profile staff',
      code_challenge_method: 'S256',
    });
    expect(asked.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(asked.state).toBeTruthy();
    expect(asked.nonce).toBeTruthy();
    const callback = await loginAtProvider(page, OFFICER);
    await page.waitForURL(`${base}/console/queue`);
    // The directory's language for this officer is Malayalam; the test reads English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    const header = await signedInAs(page);
    expect(header).toContain(await nameOf(OFFICER));
    expect(header).toContain('executive · sec-vizhinjam');
    expect(header).toContain('sec-vizhinjam');
    await page.locator('#key-status[data-state="ready"]').waitFor();
    await shoot(page, 'console-oidc-queue');
    const [session] = await sessionsOf(OFFICER);
    expect(session).toMatchObject({ via: 'oidc', role: 'executive', officeId: 'sec-vizhinjam' });
    const url = new URL(callback());
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(url.searchParams.get('state')).toBe(asked.state);

    // The same callback again, in this browser and in another: refused, nobody new signed in.
    const again = await page.goto(callback());
    expect(again!.status()).toBe(400);
    expect(await page.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.expired'));
    const other = await browser.newContext();
    const stranger = await other.newPage();
    const stolen = await stranger.goto(callback());
    expect(stolen!.status()).toBe(400);
    expect(await stranger.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.expired'));
    expect(await sessionsOf(OFFICER)).toHaveLength(1);
    await other.close();

    // Signing out ends the console session and links to the provider's own sign-out.
    await page.goto(`${base}/console/queue`);
    await page.getByRole('button', { name: en('layout.signOut') }).click();
    await page.waitForURL(`${base}/console/sign-in?signed-out=oidc`);
    const link = page.locator('#idp-sign-out a');
    expect(await link.innerText()).toBe(en('signIn.idpSignOut'));
    const href = new URL((await link.getAttribute('href'))!);
    expect(`${href.origin}${href.pathname}`).toBe(`${idp!.issuer}/session/end`);
    expect(href.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(await sessionsOf(OFFICER)).toHaveLength(0);
    await shoot(page, 'console-oidc-signed-out');
    await context.close();
  }, 90_000);

  it('a person the provider names without role claims gets the directory role and office', async () => {
    const { context, page } = await toIdentityProvider();
    await loginAtProvider(page, SUPERVISOR);
    await page.waitForURL(`${base}/console/queue`);
    const header = await signedInAs(page);
    expect(header).toContain(await nameOf(SUPERVISOR));
    expect(header).toContain('sec-vyttila');
    expect(await sessionsOf(SUPERVISOR)).toMatchObject([
      { via: 'oidc', role: 'supervisor', officeId: 'sec-vyttila' },
    ]);
    await context.close();
  });

  it('refuses a tampered state, an error from the provider, and a person not in the staff directory', async () => {
    // Tampered state: the callback's state is not the one this browser sent.
    {
      const { context, page } = await toIdentityProvider();
      const callback = await loginAtProvider(page, OFFICER, { stopAtCallback: true });
      const tampered = new URL(callback());
      tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
      const res = await page.goto(tampered.toString());
      expect(res!.status()).toBe(400);
      expect(await page.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.state'));
      await shoot(page, 'console-oidc-refused');
      // The attempt is spent: the genuine answer after a tampered one is refused too.
      const genuine = await page.goto(callback());
      expect(genuine!.status()).toBe(400);
      expect(await page.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.expired'));
      await context.close();
    }
    // Too long at the provider: the attempt has expired by the time the answer comes.
    {
      const { context, page } = await toIdentityProvider();
      const callback = await loginAtProvider(page, OFFICER, { stopAtCallback: true });
      await stack.db
        .update(consoleOidcAttempts)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(gt(consoleOidcAttempts.expiresAt, new Date()));
      const res = await page.goto(callback());
      expect(res!.status()).toBe(400);
      expect(await page.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.expired'));
      expect(await sessionsOf(OFFICER)).toHaveLength(0);
      await context.close();
    }
    // The provider answers with an error (the person cancelled): its code is named, 401.
    {
      const { context, page } = await toIdentityProvider();
      const callback = await loginAtProvider(page, OFFICER, { stopAtCallback: true });
      const denied = new URL(`${base}/console/sign-in/oidc/callback`);
      denied.searchParams.set('error', 'access_denied');
      denied.searchParams.set('state', new URL(callback()).searchParams.get('state')!);
      const res = await page.goto(denied.toString());
      expect(res!.status()).toBe(401);
      expect(await page.locator('#sign-in-error').innerText()).toBe(
        en('signIn.refused.idp-error', { error: 'access_denied' }),
      );
      await context.close();
    }
    // A valid ID token for someone Seva's staff directory does not have: 403, no session.
    {
      const { context, page } = await toIdentityProvider();
      const callback = await loginAtProvider(page, GHOST, { stopAtCallback: true });
      const res = await page.goto(callback());
      expect(res!.status()).toBe(403);
      expect(await page.locator('#sign-in-error').innerText()).toBe(en('signIn.refused.unknown-staff'));
      expect(await sessionsOf(GHOST)).toHaveLength(0);
      await context.close();
    }
  }, 90_000);

  it('keeps no attempt it has finished, and in production offers no demo picker', async () => {
    const left = await stack.db.select().from(consoleOidcAttempts);
    expect(left.every((a) => a.expiresAt.getTime() > Date.now())).toBe(true);
    const production = createApp({
      config: { ...stack.config, env: 'production' },
      db: stack.db,
      temporal: stack.client,
      logger: pino({ level: 'silent' }),
      verifyToken: createTokenVerifier(stack.config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    // A provider that cannot be reached: the page says so (503), nothing breaks.
    const { freePort } = await import('../scripts/lib/ports');
    const nowhere = createApp({
      config: {
        ...stack.config,
        oidc: { ...stack.config.oidc!, issuer: `http://127.0.0.1:${await freePort()}` },
      },
      db: stack.db,
      temporal: stack.client,
      logger: pino({ level: 'silent' }),
      verifyToken: createTokenVerifier(stack.config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    const down = await nowhere.request('/console/sign-in/oidc');
    expect(down.status).toBe(503);
    expect(await down.text()).toContain(en('signIn.refused.unreachable'));
    const page = await production.request('/console/sign-in');
    const html = await page.text();
    expect(html).toContain('href="/console/sign-in/oidc"');
    expect(html).not.toContain('name="subject"');
    // Even a well-formed picker form (same origin, its CSRF token) signs nobody in.
    const csrf = 'c'.repeat(43);
    const picked = await production.request('/console/sign-in', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        cookie: `seva_csrf=${csrf}`,
      },
      body: `_csrf=${csrf}&subject=${OFFICER}`,
    });
    expect(picked.status).toBe(404);
    expect(picked.headers.get('set-cookie') ?? '').not.toContain('seva_console=');
  });
});
