import { existsSync, mkdirSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { and, asc, eq, ne } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSessions, consumers, signingKeys, staff, staffInbox } from '../db/schema';
import { freePort } from '../scripts/lib/ports';
import { makePng } from '../scripts/lib/sample-files';
import { consoleMessages } from '../web/console/messages';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The back-office console in a real browser (Debian's Chromium through playwright-core) against the
 * app on a free port over the suite's Temporal and PostgreSQL. Decisions are signed in the page
 * with a WebCrypto Ed25519 key the page makes and enrols itself. Screenshots (desktop and a
 * 390 px phone) land in .data/screenshots/console-*.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '.data/screenshots';
const EXEC = 'exec-pattom';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);
/** The notice a page shows after an action: a navigation each time, so waiting for it waits for that page. */
const done = (action: string) => en('request.done', { action: en(`actionDone.${action}`) });
const ml = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('ml', key, values);

let stack: TestStack;
let server: ServerType;
let base: string;
let browser: Browser;
/** consumers of sec-pattom this file has to itself (from the end of the office's list) */
let pattom: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ env: { PUBLIC_URL: base } });
  server = serve({ fetch: stack.app.fetch, hostname: '127.0.0.1', port });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
  const admin = await stack.token({ role: 'admin', office: 'hq' });
  const type = (code: string, overrides: Record<string, unknown>) =>
    stack.call('PUT', `/v1/catalogue/service-types/${code}`, {
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
        translations: {
          ml: {
            name: 'വിലാസം മാറ്റൽ (കൺസോൾ പരീക്ഷണം)', // its own name: the portal's tests list the catalogue too
            steps: { 'document-review': 'രേഖാ പരിശോധന' },
            fields: { newAddress: { label: 'പുതിയ വിലാസം' }, pinCode: { label: 'പിൻ കോഡ്' } },
          },
        },
        ...overrides,
      },
    });
  for (const res of [
    await type('test-console-address', {}),
    await type('test-console-timers', { tat: '4s', warnAtShare: 0.5 }),
  ])
    expect(res.status, res.text).toBe(200);
  const rows = await stack.db
    .select({ n: consumers.consumerNumber })
    .from(consumers)
    .where(eq(consumers.sectionOfficeId, 'sec-pattom'))
    .orderBy(asc(consumers.consumerNumber));
  pattom = rows.slice(-6).map((r) => r.n);
});
afterAll(async () => {
  await browser?.close();
  server?.close();
  await stack?.stop();
});

const shoot = async (page: Page, name: string) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/console-${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/console-${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
};

/** A request of the consumer's with a PNG proof of address, through the JSON API as the consumer. */
async function submitRequest(consumerNumber: string, type = 'test-console-address') {
  const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
  const form = new FormData();
  form.set('consumerNumber', consumerNumber);
  form.set('kind', 'address');
  form.set(
    'file',
    new Blob([makePng(640, 420, Number(consumerNumber.slice(-3)) + type.length)], { type: 'image/png' }),
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
      type,
      consumerNumber,
      form: { newAddress: 'TC 12/345, Pattom Palace Road, Thiruvananthapuram', pinCode: '695004' },
      documents: [{ documentId, kind: 'address', fileName: 'proof.png' }],
    },
  });
  expect(res.status, res.text).toBe(201);
  const requestNumber = res.json.requestNumber as string;
  // The work queue's read model follows the workflow within moments.
  const executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: EXEC });
  await waitFor(
    () => stack.call('GET', '/v1/work-items?pageSize=200', { token: executive }),
    (r) => r.json.items.some((i: any) => i.requestNumber === requestNumber),
  );
  return { requestNumber, documentId };
}

/** A browser signed in to the console as a demo user, with its signing key made and enrolled. */
async function signIn(subject: string) {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByRole('heading', { name: en('signIn.title') }).waitFor();
  await page.getByLabel(en('signIn.demoUser')).selectOption(subject);
  await page.getByRole('button', { name: en('signIn.submit') }).click();
  await page.waitForURL(`${base}/console/queue`);
  // The console speaks the person's language from the directory (exec-pattom: Malayalam); the
  // switch sets English for this browser.
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
  }
  await page.locator('#key-status[data-state="ready"]').waitFor();
  return { context, page };
}

const csrfOf = (page: Page) => page.locator('body').getAttribute('data-csrf');

describe('the back-office console', () => {
  it('an executive signs in, the page makes and enrols a key, accepts the document and approves: completed, with verified signatures', async () => {
    const { requestNumber } = await submitRequest(pattom[0]!);

    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.getByRole('heading', { name: en('signIn.title') }).waitFor();
    await shoot(page, 'sign-in');
    const keysBefore = await stack.db.select().from(signingKeys).where(eq(signingKeys.subject, EXEC));
    await page.getByLabel(en('signIn.demoUser')).selectOption(EXEC);
    await page.getByRole('button', { name: en('signIn.submit') }).click();
    await page.waitForURL(`${base}/console/queue`);
    // The directory has exec-pattom in Malayalam; this browser switches to English.
    expect(await page.locator('html').getAttribute('lang')).toBe('ml');
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
    await page.locator('#key-status[data-state="ready"]').waitFor();

    // The session cookie: HttpOnly, for /console, only its hash stored.
    const cookie = (await context.cookies()).find((c) => c.name === 'seva_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console' });
    const sessions = await stack.db.select().from(consoleSessions).where(eq(consoleSessions.subject, EXEC));
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => s.tokenHash === cookie.value)).toBe(false);
    expect(sessions[0]).toMatchObject({ role: 'executive', officeId: 'sec-pattom' });

    // A new key, registered to the executive; its private half stays in the page (not extractable).
    // (other test files enrol keys for exec-pattom at the same time: look for the one this page shows)
    const keysAfter = await stack.db.select().from(signingKeys).where(eq(signingKeys.subject, EXEC));
    const keyShown = await page.locator('#key-status').innerText();
    const enrolled = keysAfter.find(
      (k) => !keysBefore.some((b) => b.keyId === k.keyId) && keyShown.includes(k.keyId.slice(0, 12)),
    )!;
    expect(enrolled).toBeDefined();
    expect(await page.locator('#key-status').innerText()).toContain(enrolled.keyId.slice(0, 12));
    const extractable = await page.evaluate(
      () =>
        new Promise<boolean>((resolve, reject) => {
          const open = (globalThis as any).indexedDB.open('seva-console', 1);
          open.onerror = () => reject(new Error(String(open.error)));
          open.onsuccess = () => {
            const get = open.result.transaction('keys').objectStore('keys').get('exec-pattom');
            get.onsuccess = () => resolve(get.result.privateKey.extractable);
          };
        }),
    );
    expect(extractable).toBe(false);

    // The queue: my office's requests, with counts per status; the request is there.
    const main = page.locator('main');
    await main.getByRole('link', { name: requestNumber }).waitFor();
    expect(await main.innerText()).toContain(en('status.in-progress'));
    await shoot(page, 'queue');

    await main.getByRole('link', { name: requestNumber }).click();
    await page.waitForURL(`${base}/console/requests/${requestNumber}`);
    await page.locator('#key-status[data-state="ready"]').waitFor();
    const text = await main.innerText();
    expect(text).toContain('TC 12/345, Pattom Palace Road');
    expect(text).toContain(en('clock.running'));
    // The document is shown inline, fetched with the session.
    const image = main.locator('.c-document img');
    await expect.poll(() => image.evaluate((i: any) => i.naturalWidth)).toBe(640);
    await shoot(page, 'request');

    await main.getByRole('button', { name: en('document.accept') }).click();
    await page.getByText(done('decide-document')).waitFor();
    expect(await main.innerText()).toContain(en('document.accepted'));
    await main.getByRole('button', { name: en('action.approve') }).click();
    await page.getByText(done('approve-step')).waitFor();
    // Completion (account change, receipt) follows the approval within moments: reload until shown.
    const shown = await waitFor(
      async () => {
        await page.reload();
        return main.innerText();
      },
      (t) => t.includes(en('status.completed')),
    );
    expect(shown).toContain(en('status.completed'));
    const trail = page.locator('#decision-trail tbody tr');
    expect(await trail.count()).toBe(2);
    for (const row of await trail.all()) expect(await row.innerText()).toContain(en('trail.verified'));
    await shoot(page, 'request-completed');

    // The API agrees: completed, both decisions signed by the browser's key and verified.
    const executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: EXEC });
    const status = await stack.call('GET', `/v1/service-requests/${requestNumber}`, { token: executive });
    expect(status.json.status).toBe('completed');
    const decisions = await stack.call('GET', `/v1/service-requests/${requestNumber}/decisions`, {
      token: executive,
    });
    expect(decisions.json.items.map((d: any) => [d.verified, d.signature.keyId])).toEqual([
      [true, enrolled.keyId],
      [true, enrolled.keyId],
    ]);

    // The key page shows this browser's key and when it was enrolled.
    await page.getByRole('link', { name: en('layout.key') }).click();
    await page.locator('#browser-key-id').getByText(enrolled.keyId).waitFor();
    await page.locator(`tr[data-key-id="${enrolled.keyId}"] .c-this-browser:not([hidden])`).waitFor();
    await shoot(page, 'key');
    await context.close();
  });

  it('asks for more documents: the console shows the clock paused; a decision the workflow refuses is said next to its form', async () => {
    const { requestNumber } = await submitRequest(pattom[1]!);
    const { context, page } = await signIn(EXEC);
    await page.goto(`${base}/console/requests/${requestNumber}`);
    await page.locator('#key-status[data-state="ready"]').waitFor();
    const main = page.locator('main');
    // Asking without a message: the field is named next to the form.
    await main.locator('#request-documents').getByLabel('proof of identity').check();
    await main.getByRole('button', { name: en('action.ask') }).click();
    await page.locator('#failure-request-documents').waitFor();
    await main.locator('#request-documents').getByLabel('proof of identity').check();
    await main.getByLabel(en('action.message')).fill('Please upload your Aadhaar as proof of identity.');
    await main.getByRole('button', { name: en('action.ask') }).click();
    await page.getByText(done('request-documents')).waitFor();
    expect(await page.locator('#clock-state').innerText()).toContain(en('clock.paused'));
    expect(await main.innerText()).toContain(en('status.awaiting-consumer'));
    await page.locator('#document-request').waitFor();
    await shoot(page, 'request-paused');

    // Approving while the consumer is asked for documents: the workflow refuses, and the page says why.
    await main.getByRole('button', { name: en('action.approve') }).click();
    const refusal = page.locator('#failure-approve-step');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(en('failure.refused', { reason: '' }).trim());
    await context.close();
  });

  it('an executive of another office can neither see nor act on the request by URL; a form without its CSRF token is refused', async () => {
    const { requestNumber } = await submitRequest(pattom[2]!);
    const [other] = await stack.db
      .select()
      .from(staff)
      .where(and(eq(staff.role, 'executive'), ne(staff.officeId, 'sec-pattom'), eq(staff.active, true)))
      .limit(1);
    const { context, page } = await signIn(other!.subject);
    const seen = await page.goto(`${base}/console/requests/${requestNumber}`);
    expect(seen!.status()).toBe(403);
    expect(await page.locator('#refusal').innerText()).toContain(`outside your office ${other!.officeId}`);
    expect(await page.locator('main').innerText()).not.toContain('Pattom Palace Road');
    await shoot(page, 'refused');
    const document = await context.request.get(
      `${base}/console/requests/${requestNumber}/documents/anything`,
    );
    expect(document.status()).toBe(403);
    const acted = await context.request.post(`${base}/console/requests/${requestNumber}/approve-step`, {
      form: { _csrf: (await csrfOf(page))!, stepId: 'document-review' },
      headers: { origin: base },
    });
    expect(acted.status()).toBe(403);

    // Without the token (same origin, signed in): refused before anything is looked at.
    const own = await signIn(EXEC);
    const forged = await own.context.request.post(`${base}/console/requests/${requestNumber}/approve-step`, {
      form: { stepId: 'document-review' },
      headers: { origin: base },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain(en('errors.csrfTitle'));
    // …and with another site's origin, even with the token.
    const crossSite = await own.context.request.post(
      `${base}/console/inbox/00000000-0000-0000-0000-000000000000/read`,
      {
        form: { _csrf: (await csrfOf(own.page))! },
        headers: { origin: 'https://evil.example' },
      },
    );
    expect(crossSite.status()).toBe(403);
    const executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: EXEC });
    const status = await stack.call('GET', `/v1/service-requests/${requestNumber}`, { token: executive });
    expect(status.json.steps[0].status).toBe('active');
    await Promise.all([context.close(), own.context.close()]);
  });

  it('the inbox shows the TAT warning with the unread count in the header, links to the request and marks it read', async () => {
    const { requestNumber } = await submitRequest(pattom[3]!, 'test-console-timers');
    const [alert] = await waitFor(
      () =>
        stack.db
          .select()
          .from(staffInbox)
          .where(and(eq(staffInbox.subject, EXEC), eq(staffInbox.noticeKey, `${requestNumber}/tat-warning`))),
      (rows) => rows.length > 0,
    );
    expect(alert).toBeDefined();
    const { context, page } = await signIn(EXEC);
    const unread = Number(await page.locator('#unread-count [aria-hidden]').innerText());
    expect(unread).toBeGreaterThan(0);
    await page.getByRole('link', { name: new RegExp(en('layout.inbox')) }).click();
    await page.waitForURL(`${base}/console/inbox`);
    const item = page.locator('li.c-alert', { hasText: requestNumber }).first();
    await item.waitFor();
    expect(await item.getAttribute('data-template')).toBe('tat-warning');
    expect(await item.getByRole('link').getAttribute('href')).toBe(`/console/requests/${requestNumber}`);
    await shoot(page, 'inbox');
    await item.getByRole('button', { name: en('inbox.markRead') }).click();
    await page.waitForURL(`${base}/console/inbox`);
    const [read] = await stack.db.select().from(staffInbox).where(eq(staffInbox.id, alert!.id));
    expect(read!.readAt).not.toBeNull();
    expect(Number(await page.locator('#unread-count [aria-hidden]').innerText())).toBeLessThan(unread);
    // The alert leads to its request, where the warning is marked.
    await page.locator('li.c-alert', { hasText: requestNumber }).first().getByRole('link').click();
    await page.waitForURL(`${base}/console/requests/${requestNumber}`);
    const clock = await page.locator('#clock-state').innerText();
    expect(clock.includes(en('flag.warned')) || clock.includes(en('flag.breached'))).toBe(true);
    await context.close();
  });

  it('speaks Malayalam: the queue, the request page and the eForm labels', async () => {
    const { requestNumber } = await submitRequest(pattom[4]!);
    const { context, page } = await signIn(EXEC);
    await page.getByRole('button', { name: 'മലയാളം' }).click();
    await page.getByRole('heading', { name: ml('queue.title') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ml');
    expect(await page.locator('main').innerText()).toContain(ml('status.in-progress'));
    await shoot(page, 'ml-queue');
    await page.goto(`${base}/console/requests/${requestNumber}`);
    const text = await page.locator('main').innerText();
    for (const words of [
      ml('request.eform'),
      ml('request.clock'),
      ml('clock.running'),
      'പുതിയ വിലാസം',
      'വിലാസം മാറ്റൽ',
    ])
      expect(text).toContain(words);
    expect(await page.getByRole('button', { name: ml('document.accept') }).count()).toBe(1);
    await shoot(page, 'ml-request');
    await context.close();
  });

  it('a complaint: assign a crew and resolve it', async () => {
    const consumerNumber = pattom[5]!;
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const res = await stack.call('POST', '/v1/complaints', {
      token,
      body: { type: 'meter-defective', consumerNumber, channel: 'web', description: 'Meter display blank' },
    });
    expect(res.status, res.text).toBe(201);
    const rn = res.json.requestNumber as string;
    const { context, page } = await signIn(EXEC);
    await waitFor(
      async () => {
        await page.goto(`${base}/console/queue?kind=complaints`);
        return page.locator('main').innerText();
      },
      (t) => t.includes(rn),
    );
    await page.getByRole('link', { name: rn }).click();
    await page.waitForURL(`${base}/console/complaints/${rn}`);
    await page.getByLabel(en('queue.crew')).fill('Pattom line crew 2');
    await page.getByRole('button', { name: en('complaint.assign') }).click();
    await page.getByText(done('assign-crew')).waitFor();
    expect(await page.locator('main').innerText()).toContain(en('status.assigned'));
    await shoot(page, 'complaint');
    await page.getByLabel(en('complaint.resolution')).fill('Meter replaced');
    await page.getByRole('button', { name: en('complaint.resolve') }).click();
    await page.getByText(done('resolve')).waitFor();
    expect(await page.locator('main').innerText()).toContain(en('status.resolved'));
    await context.close();
  });
});
