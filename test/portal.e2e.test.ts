import { desc, eq } from 'drizzle-orm';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, devOutbox, notifications, portalSessions } from '../db/schema';
import { createFeedbackLinks } from '../lib/feedback-links';
import { makePng } from '../scripts/lib/sample-files';
import { portalMessages } from '../web/messages';
import { shoot as shootBoth, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The consumer portal in a real browser: Debian's Chromium driven by playwright-core, against the
 * Hono app on a free port over the suite's real Temporal and PostgreSQL. Screenshots of each page
 * (desktop and a 390 px phone) land in .data/screenshots/.
 */
const SIGN_IN = '1161100000003';
const PREFERENCES = '1161100000007';
const FEEDBACK = '1161100000008';
const en = (key: string, values?: Record<string, string | number>) =>
  portalMessages.format('en', key, values);
const ml = (key: string, values?: Record<string, string | number>) =>
  portalMessages.format('ml', key, values);

let stack: TestStack;
let portal: Awaited<ReturnType<typeof startPortal>>;
let base: string;
let browser: Browser;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  const admin = await stack.token({ role: 'admin', office: 'hq' });
  const type = await stack.call('PUT', '/v1/catalogue/service-types/test-portal-address', {
    token: admin,
    body: {
      version: 1,
      name: 'Address change',
      form: [
        { name: 'newAddress', label: 'New address', type: 'longText', kyc: 'address' },
        { name: 'pinCode', label: 'PIN code', type: 'pincode', kyc: 'pinCode' },
      ],
      documents: [{ kind: 'address', required: true }],
      steps: [{ id: 'document-review', name: 'Document review', performer: 'executive', tat: '48h' }],
      tat: '168h',
      calendar: '24x7',
      escalation: [{ level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '168h' }],
      apply: { kind: 'update-consumer', set: { address: 'newAddress' } },
      receiptName: 'Address change',
    },
  });
  expect(type.status, type.text).toBe(200);
});
afterAll(async () => portal?.stop());

/** A fresh browser profile; a step that waits fails within 10 s, naming what it waited for. */
const newContext = async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  return context;
};

const setConsumer = (consumerNumber: string, set: Partial<typeof consumers.$inferInsert>) =>
  stack.db.update(consumers).set(set).where(eq(consumers.consumerNumber, consumerNumber));

/** A service request of the consumer's, through the JSON API as the consumer. */
async function submitRequest(consumerNumber: string) {
  const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
  const form = new FormData();
  form.set('consumerNumber', consumerNumber);
  form.set('kind', 'address');
  form.set(
    'file',
    new Blob([makePng(800, 600, Number(consumerNumber.slice(-3)))], { type: 'image/png' }),
    'proof.png',
  );
  const doc = await stack.app.request('/v1/documents', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const { documentId } = (await doc.json()) as { documentId: string };
  const res = await stack.call('POST', '/v1/service-requests', {
    token,
    body: {
      type: 'test-portal-address',
      consumerNumber,
      form: { newAddress: 'TC 12/345, Balaramapuram, Thiruvananthapuram', pinCode: '695501' },
      documents: [{ documentId, kind: 'address', fileName: 'proof.png' }],
    },
  });
  expect(res.status, res.text).toBe(201);
  return { requestNumber: res.json.requestNumber as string, documentId };
}

const shoot = shootBoth;

/** The code the sandbox "sent" to this recipient last. */
async function codeSentTo(recipient: string, after: Date) {
  const rows = await waitFor(
    () =>
      stack.db
        .select()
        .from(devOutbox)
        .where(eq(devOutbox.recipient, recipient))
        .orderBy(desc(devOutbox.createdAt)),
    (r) => r.some((m) => m.createdAt > after),
  );
  const message = rows.find((m) => m.createdAt > after);
  return /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
}

async function askForCode(page: Page, consumerNumber: string) {
  await page.goto(`${base}/`);
  await page.getByLabel(en('signIn.numberLabel')).fill(consumerNumber);
  await page.getByRole('button', { name: en('signIn.sendCode') }).click();
  await page.getByRole('heading', { name: en('signIn.codeTitle') }).waitFor();
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel(en('signIn.codeLabel')).fill(code);
  await page.getByRole('button', { name: en('signIn.verify'), exact: true }).click();
}

/** A browser signed in as the consumer, with the code read from the sandbox outbox. */
async function signedIn(consumerNumber: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext();
  const page = await context.newPage();
  const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, consumerNumber));
  const since = new Date(Date.now() - 1000);
  await askForCode(page, consumerNumber);
  const code = await codeSentTo(
    row!.preferredChannel === 'email' && row!.email ? row!.email : row!.phone,
    since,
  );
  await enterCode(page, code!);
  await page.waitForURL(`${base}/home`);
  return { context, page };
}

describe('sign-in with a one-time code', () => {
  it('signs in with the code from the outbox and shows home with the open request and complaint', async () => {
    await setConsumer(SIGN_IN, { preferredChannel: 'sms', language: 'en', optOuts: [] });
    const { requestNumber } = await submitRequest(SIGN_IN);
    const token = await stack.token({ role: 'consumer', consumers: [SIGN_IN] });
    const complaint = await stack.call('POST', '/v1/complaints', {
      token,
      body: { type: 'low-voltage', consumerNumber: SIGN_IN, channel: 'web' },
    });
    expect(complaint.status, complaint.text).toBe(201);
    const complaintNumber = complaint.json.requestNumber as string;
    // The read models follow the workflows within moments.
    await waitFor(
      () => stack.call('GET', `/v1/consumers/${SIGN_IN}/requests?status=open`, { token }),
      (r) => r.json.items.filter((i: any) => i.dueAt).length === 2,
    );

    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await shoot(page, 'sign-in');
    const since = new Date(Date.now() - 1000);
    await askForCode(page, SIGN_IN);
    await shoot(page, 'sign-in-code');
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, SIGN_IN));
    const code = await codeSentTo(row!.phone, since);
    expect(code).toMatch(/^\d{6}$/);
    await enterCode(page, code!);
    await page.waitForURL(`${base}/home`);
    await page.getByRole('heading', { name: en('home.greeting', { name: row!.name }) }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain(requestNumber);
    expect(text).toContain(complaintNumber);
    expect(text).toContain(en('status.in-progress'));
    expect(text).toContain(en('home.latestBill'));
    expect(text).toContain(en('home.outagesNone'));
    // The due date, in words of the language (e.g. "8 Dec 2026, 4:05 pm").
    expect(text).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{1,2}:\d{2} [ap]m/);
    await shoot(page, 'home');

    const cookie = (await context.cookies()).find((c) => c.name === 'seva_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    expect(cookie.expires * 1000).toBeGreaterThan(Date.now() + 3_600_000);
    // Only the token's hash is stored.
    const stored = await stack.db.select().from(portalSessions);
    expect(stored.some((s) => s.tokenHash === cookie.value)).toBe(false);

    // The code is single-use: the same code again does not sign in a second browser.
    const again = await newContext();
    const second = await again.newPage();
    await askForCode(second, SIGN_IN);
    await enterCode(second, code!);
    await second.getByRole('alert').waitFor();
    expect(second.url()).toBe(`${base}/sign-in/code`);

    // Sign out: the session is gone.
    await page.getByRole('button', { name: en('layout.signOut') }).click();
    await page.getByText(en('signIn.signedOut')).waitFor();
    await page.goto(`${base}/home`);
    expect(page.url()).toBe(`${base}/`);
    await Promise.all([context.close(), again.close()]);
  });

  it('gives a wrong code and an unknown number the same message', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await askForCode(page, SIGN_IN);
    const knownIntro = (await page.locator('main p.lead').innerText()).replace(SIGN_IN, '#');
    await enterCode(page, '000000');
    const wrong = await page.getByRole('alert').innerText();

    await askForCode(page, '1161199999999');
    const unknownIntro = (await page.locator('main p.lead').innerText()).replace('1161199999999', '#');
    await enterCode(page, '123456');
    const unknown = await page.getByRole('alert').innerText();
    expect(unknown).toBe(wrong);
    expect(wrong).toBe(en('signIn.failed'));
    expect(unknownIntro).toBe(knownIntro);
    await shoot(page, 'sign-in-failed');

    // A malformed number is told so at the field.
    await page.goto(`${base}/`);
    await page.getByLabel(en('signIn.numberLabel')).fill('12345');
    await page.getByRole('button', { name: en('signIn.sendCode') }).click();
    await page.getByText(en('signIn.numberInvalid')).waitFor();
    expect(await page.getByLabel(en('signIn.numberLabel')).getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('limits the tries of one code', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const since = new Date(Date.now() - 1000);
    await askForCode(page, SIGN_IN);
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, SIGN_IN));
    const code = await codeSentTo(row!.phone, since);
    for (let i = 0; i < 5; i++) await enterCode(page, code === '999999' ? '999998' : '999999');
    // The sixth try, with the right code, is refused: the code is spent.
    await enterCode(page, code!);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toBe(en('signIn.failed'));
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await context.close();
  });
});

describe('language', () => {
  it('switches the page to Malayalam, and back', async () => {
    await setConsumer(SIGN_IN, { language: 'en' });
    const { context, page } = await signedIn(SIGN_IN);
    await page.getByRole('button', { name: 'മലയാളം' }).click();
    await page.locator('html[lang=ml]').waitFor({ state: 'attached' });
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, SIGN_IN));
    await page.getByRole('heading', { name: ml('home.greeting', { name: row!.name }) }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain(ml('home.latestBill'));
    expect(text).toContain(ml('layout.signOut'));
    expect(text).toContain(ml('status.in-progress'));
    expect(text).not.toContain(en('home.latestBill'));
    await shoot(page, 'home-ml');
    // Devanagari too (the screenshot shows whether it is shaped).
    await page.getByRole('button', { name: 'हिन्दी' }).click();
    await page.locator('html[lang=hi]').waitFor({ state: 'attached' });
    await shoot(page, 'home-hi');
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang=en]').waitFor({ state: 'attached' });
    await context.close();
  });
});

describe('preferences', () => {
  it('saves the preferences, and shows a bad value next to its field', async () => {
    await setConsumer(PREFERENCES, { email: null, preferredChannel: 'sms', optOuts: [], language: 'en' });
    const { context, page } = await signedIn(PREFERENCES);
    await page.getByRole('link', { name: en('layout.preferences') }).click();
    await page.getByRole('heading', { name: en('preferences.title') }).waitFor();

    // The API's rule: no e-mail address on record, so e-mail cannot be the preferred channel.
    await page
      .getByRole('group', { name: en('preferences.channel') })
      .getByLabel(en('preferences.email'))
      .check();
    await page.getByRole('button', { name: en('preferences.save') }).click();
    const channelGroup = page.getByRole('group', { name: en('preferences.channel') });
    await channelGroup.getByText(en('preferences.noEmail')).waitFor();
    expect(await channelGroup.getAttribute('aria-invalid')).toBe('true');
    await shoot(page, 'preferences-error');

    // The API's schema: a language it does not know (a tampered form) is named at its field.
    await page.evaluate("document.querySelector('input[name=language][value=en]').value = 'fr'");
    await page
      .getByRole('group', { name: en('preferences.channel') })
      .getByLabel(en('preferences.sms'))
      .check();
    await page.getByRole('button', { name: en('preferences.save') }).click();
    await page
      .getByRole('group', { name: en('preferences.language') })
      .getByText(en('preferences.languageInvalid'))
      .waitFor();

    // Opting out of the preferred channel is refused at the opt-outs.
    await page
      .getByRole('group', { name: en('preferences.language') })
      .getByText('हिन्दी')
      .click();
    await page
      .getByRole('group', { name: en('preferences.channel') })
      .getByLabel(en('preferences.whatsapp'))
      .check();
    await page
      .getByRole('group', { name: en('preferences.optOuts') })
      .getByLabel(en('preferences.whatsapp'))
      .check();
    await page.getByRole('button', { name: en('preferences.save') }).click();
    await page
      .getByRole('group', { name: en('preferences.optOuts') })
      .getByText(en('preferences.preferredOptedOut', { channel: en('preferences.whatsapp') }))
      .waitFor();

    await page
      .getByRole('group', { name: en('preferences.optOuts') })
      .getByLabel(en('preferences.whatsapp'))
      .uncheck();
    await page
      .getByRole('group', { name: en('preferences.optOuts') })
      .getByLabel(en('preferences.voice'))
      .check();
    await page.getByRole('button', { name: en('preferences.save') }).click();
    // Saved; with no language chosen by the switch, the page now speaks the stored language.
    await page.getByText(portalMessages.format('hi', 'preferences.saved')).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('hi');
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, PREFERENCES));
    expect(row).toMatchObject({ language: 'hi', preferredChannel: 'whatsapp', optOuts: ['voice'] });
    await shoot(page, 'preferences');
    await context.close();
  });

  it('refuses a form without its CSRF token, and one from another origin', async () => {
    const { context, page } = await signedIn(PREFERENCES);
    await page.goto(`${base}/preferences`);
    const token = await page.locator('form[action="/preferences"] input[name=_csrf]').inputValue();
    await page.evaluate(`document.querySelector('form[action="/preferences"] input[name=_csrf]').remove()`);
    const answer = page.waitForResponse(
      (r) => r.url() === `${base}/preferences` && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: portalMessages.format('hi', 'preferences.save') }).click();
    expect((await answer).status()).toBe(403);
    await page.getByText(portalMessages.format('hi', 'errors.csrf')).waitFor();
    await shoot(page, 'csrf-refused');

    // The right token from a page of another origin is refused too (Origin check).
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const foreign = await stack.app.request(`${base}/preferences`, {
      method: 'POST',
      headers: {
        cookie,
        origin: 'https://attacker.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: token, language: 'en', preferredChannel: 'sms' }).toString(),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-type')).toMatch(/text\/html/);
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, PREFERENCES));
    expect(row!.preferredChannel).toBe('whatsapp');
    await context.close();
  });
});

describe('feedback link', () => {
  it('opens the feedback page of a completed request in Malayalam, and an invalid or expired link as an error page', async () => {
    await setConsumer(FEEDBACK, { language: 'ml', preferredChannel: 'sms', optOuts: [] });
    const { requestNumber, documentId } = await submitRequest(FEEDBACK);
    const executive = await stack.token({
      role: 'executive',
      office: 'sec-balaramapuram',
      subject: 'exec-balaramapuram',
    });
    for (const [action, body] of [
      ['decide-document', { documentId, decision: 'accept' }],
      ['approve-step', { stepId: 'document-review' }],
    ] as const) {
      const res = await stack.call('POST', `/v1/service-requests/${requestNumber}/${action}`, {
        token: executive,
        body: await stack.sign(executive, requestNumber, action, body),
      });
      expect(res.status, res.text).toBe(200);
    }
    const completed = await waitFor(
      () =>
        stack.db
          .select()
          .from(notifications)
          .then((rows) =>
            rows.find((n) => n.key.startsWith(`${requestNumber}/`) && n.template === 'request-completed'),
          ),
      (n) => Boolean(n?.params.feedbackUrl),
    );
    const link = completed!.params.feedbackUrl as string;
    expect(link.startsWith(`${base}/v1/feedback/`)).toBe(true);

    const context = await newContext();
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('html').getAttribute('lang')).toBe('ml');
    await page.getByRole('heading', { name: ml('feedback.title') }).waitFor();
    expect(await page.locator('main').innerText()).toContain(ml('status.completed'));
    await shoot(page, 'feedback-ml');

    // No rating (the browser's own check taken away): the field error, in Malayalam, with 400.
    await page.evaluate(
      "document.querySelectorAll('input[name=rating]').forEach((el) => el.removeAttribute('required'))",
    );
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: ml('feedback.send') }).click();
    expect((await refused).status()).toBe(400);
    await page.getByText(ml('feedback.ratingInvalid')).waitFor();

    await page.getByText(ml('feedback.rating5')).click();
    await page.getByLabel(ml('feedback.comment')).fill('വേഗത്തിൽ ചെയ്തു, നന്ദി');
    await page.getByRole('button', { name: ml('feedback.send') }).click();
    await page.getByText(ml('feedback.thanks', { requestNumber })).waitFor();
    await shoot(page, 'feedback-thanks-ml');

    // A tampered link, and an expired one: a page, not JSON, with 401.
    const tampered = await page.goto(`${link}x`);
    expect(tampered!.status()).toBe(401);
    expect(tampered!.headers()['content-type']).toMatch(/text\/html/);
    await page.getByText(en('errors.linkInvalid')).waitFor();
    await shoot(page, 'feedback-invalid');
    const expired = await createFeedbackLinks(stack.config).create({
      requestNumber,
      consumerNumber: FEEDBACK,
      ttlSeconds: -60,
    });
    const old = await page.goto(expired);
    expect(old!.status()).toBe(401);
    await page.getByText(en('errors.linkInvalid')).waitFor();
    // …and in the language the switch chose.
    await page.getByRole('button', { name: 'മലയാളം' }).click();
    await page.locator('html[lang=ml]').waitFor({ state: 'attached' });
    await page.getByText(ml('errors.linkInvalid')).waitFor();
    await context.close();
  });
});
