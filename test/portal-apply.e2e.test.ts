import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { desc, eq, inArray } from 'drizzle-orm';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, devOutbox, serviceRequests } from '../db/schema';
import { findServiceType } from '../db/catalogue';
import { PHRASES } from '../domain/notice-templates';
import { formatRequestNumber } from '../domain/request-number';
import { makePdf } from '../scripts/lib/sample-files';
import { portalMessages } from '../web/messages';
import { SHOTS, shoot as shootBoth, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The rest of the consumer portal in a real browser (Debian's Chromium through playwright-core,
 * the real stack): apply with a PDF, follow the request to its signed receipt, answer the
 * office's request for documents from the request page, a complaint during an outage, refusals,
 * and the eForm and timeline in Malayalam. Consumers of sec-kalamassery (1560200000001–30), which
 * no other test uses. Screenshots of each page land in .data/screenshots/portal-*.png.
 */
const APPLY = '1560200000004';
const ASKED = '1560200000005';
const COMPLAINT = '1560200000007';
const STRANGER = '1560200000010';
const MALAYALAM = '1560200000011';
type Values = Record<string, string | number>;
const en = (key: string, values?: Values) => portalMessages.format('en', key, values);
const ml = (key: string, values?: Values) => portalMessages.format('ml', key, values);

let stack: TestStack;
let portal: Awaited<ReturnType<typeof startPortal>>;
let base: string;
let browser: Browser;
let executive: string;
let dispatcher: string;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  executive = await stack.token({
    role: 'executive',
    office: 'sec-kalamassery',
    subject: 'exec-kalamassery',
  });
  dispatcher = await stack.token({
    role: 'dispatcher',
    office: 'sec-kalamassery',
    subject: 'dispatch-kalamassery',
  });
  for (const n of [APPLY, ASKED, COMPLAINT, STRANGER])
    await stack.db
      .update(consumers)
      .set({ language: 'en', preferredChannel: 'sms', optOuts: [] })
      .where(eq(consumers.consumerNumber, n));
  await stack.db
    .update(consumers)
    .set({ language: 'ml', preferredChannel: 'sms', optOuts: [] })
    .where(eq(consumers.consumerNumber, MALAYALAM));
});
afterAll(async () => portal?.stop());

const newContext = async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  return context;
};

const shoot = (page: Page, name: string) => shootBoth(page, `portal-${name}`);

/** A browser signed in as the consumer, with the code read from the sandbox outbox. */
async function signedIn(consumerNumber: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext();
  const page = await context.newPage();
  const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, consumerNumber));
  const since = new Date(Date.now() - 1000);
  await page.goto(`${base}/`);
  await page.locator('input[name=consumerNumber]').fill(consumerNumber);
  await page.locator('form[action="/sign-in"] button[type=submit]').click();
  await page.waitForURL(`${base}/sign-in/code`);
  const rows = await waitFor(
    () =>
      stack.db
        .select()
        .from(devOutbox)
        .where(eq(devOutbox.recipient, row!.phone))
        .orderBy(desc(devOutbox.createdAt)),
    (r) => r.some((m) => m.createdAt > since),
  );
  const code = /\b(\d{6})\b/.exec(rows.find((m) => m.createdAt > since)?.body ?? '')?.[1];
  await page.locator('input[name=code]').fill(code!);
  await page.locator('form[action="/sign-in/code"] button[type=submit]').click();
  await page.waitForURL(`${base}/home`);
  return { context, page };
}

/** An executive's signed decision on a request, through the API. */
async function decide(rn: string, action: string, body: Record<string, unknown>) {
  const res = await stack.call('POST', `/v1/service-requests/${rn}/${action}`, {
    token: executive,
    body: await stack.sign(executive, rn, action, body),
  });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

const state = async (rn: string) =>
  (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;

/** A PDF file on disk for the file chooser (each consumer's differs, so it is a document of its own). */
async function pdfFile(name: string, pages = 1) {
  const path = `${SHOTS}/../${name}`;
  await writeFile(path, makePdf(pages));
  return path;
}

/** Fills the address-change eForm and uploads the proof of address from the form. */
async function fillAddressChange(page: Page, t: typeof en, pdf: string) {
  const type = (await findServiceType(stack.db, 'address-change'))!;
  const label = (name: string) => {
    const field = type.form.find((f) => f.name === name)!;
    const language = t === en ? 'en' : 'ml';
    return language === 'en' ? field.label : (type.translations.ml?.fields?.[name]?.label ?? field.label);
  };
  await page.getByLabel(label('newAddress')).fill('Flat 4B, Marine Towers, HMT Road, Kalamassery');
  await page.getByLabel(label('pinCode')).fill('683104');
  const slot = page.locator('#doc-address');
  await slot.locator('input[type=file]').setInputFiles(pdf);
  await slot.getByRole('button', { name: t('apply.upload') }).click();
  await slot.locator('.verdict-ok').waitFor();
  return slot;
}

describe('apply for a service and follow it to the receipt', () => {
  it('applies for an address change with a PDF, gets the Request Number at once, and downloads the verified receipt when done', async () => {
    const { context, page } = await signedIn(APPLY);
    await page.locator('main a.action[href="/apply"]').click();
    await page.getByRole('heading', { name: en('apply.title'), level: 1 }).waitFor();
    const types = await (await import('../db/catalogue')).listServiceTypes(stack.db);
    const listed = await page.locator('.service-list h2').allInnerTexts();
    for (const type of types.filter((t) => !t.code.startsWith('test-'))) expect(listed).toContain(type.name);
    await shoot(page, 'apply');

    await page.locator('a[href="/apply/address-change"]').click();
    await page.getByRole('heading', { name: 'Address change', level: 1 }).waitFor();
    expect(await page.locator('#doc-address legend .document-kind').textContent()).toBe(
      PHRASES.format('en', 'document-kind.address'),
    );
    // A field error from the use case, next to its field: a PIN code that is not one.
    await page.getByLabel('New address').fill('Flat 4B, Marine Towers, HMT Road, Kalamassery');
    await page.getByLabel('PIN code').fill('12345');
    await page.getByRole('button', { name: en('apply.submit') }).click();
    await page
      .locator('.field.has-error')
      .filter({ hasText: en('apply.invalid.pincode') })
      .waitFor();
    expect(await page.getByLabel('PIN code').getAttribute('aria-invalid')).toBe('true');
    // Once the form is right, the missing proof of address is told at its slot.
    await page.getByLabel('PIN code').fill('683104');
    await page.getByRole('button', { name: en('apply.submit') }).click();
    await page.locator('#doc-address').getByText(en('apply.documentMissing')).waitFor();
    await shoot(page, 'apply-errors');

    const pdf = await pdfFile('portal-proof-apply.pdf', 2);
    const slot = await fillAddressChange(page, en, pdf);
    expect(await slot.locator('.verdict-ok').innerText()).toContain(
      en('apply.accepted', { fileName: 'portal-proof-apply.pdf' }),
    );
    expect(await slot.locator('.verdict-ok').innerText()).toMatch(/application\/pdf, 2 page/);
    // the progress bar ran and is put away; the file input is empty again (the form will not resend it)
    expect(await slot.locator('progress').isHidden()).toBe(true);
    expect(await page.evaluate("document.querySelector('#doc-address input[type=file]').files.length")).toBe(
      0,
    );
    await shoot(page, 'apply-form');

    // A double submit makes one request: the same form sent twice at once, then clicked.
    const twice = await page.evaluate<(string | undefined)[]>(`(async () => {
      const form = document.querySelector('#eform');
      const send = () => fetch(form.action, { method: 'POST', body: new FormData(form) }).then((r) => r.text());
      const answers = await Promise.all([send(), send()]);
      return answers.map((html) => /[SC]R-\\d{4}-\\d{6,9}-\\d/.exec(html)?.[0]);
    })()`);
    expect(twice[0]).toMatch(/^SR-/);
    expect(twice[1]).toBe(twice[0]);
    await page.getByRole('button', { name: en('apply.submit') }).click();
    await page.locator('#request-number').waitFor();
    const rn = (await page.locator('#request-number').innerText()).trim();
    expect(rn).toBe(twice[0]);
    expect(await page.locator('main').innerText()).toMatch(
      /We aim to finish it by \d{1,2} [A-Z][a-z]{2} \d{4}/,
    );
    await shoot(page, 'submitted');
    const rows = await waitFor(
      () => stack.db.select().from(serviceRequests).where(eq(serviceRequests.consumerNumber, APPLY)),
      (r) => r.length > 0,
    );
    expect(rows.map((r) => r.requestNumber)).toEqual([rn]);

    // The executive accepts the document and approves (signed, through the API).
    await page.getByRole('link', { name: en('submitted.track') }).click();
    await page.getByRole('heading', { name: en('request.timeline') }).waitFor();
    expect(await page.locator('.timeline').innerText()).toContain(en('timeline.submitted'));
    await shoot(page, 'request');
    const documentId = (await state(rn)).documents[0].documentId as string;
    await decide(rn, 'decide-document', { documentId, decision: 'accept' });
    await decide(rn, 'approve-step', { stepId: 'document-review' });
    await waitFor(
      () => state(rn),
      (s) => Boolean(s.receipt),
    );

    await page.reload();
    await page
      .locator('.badge', { hasText: en('status.completed') })
      .first()
      .waitFor();
    const timeline = await page.locator('.timeline').innerText();
    expect(timeline).toContain(en('timeline.document-accepted'));
    expect(timeline).toContain(en('timeline.completed'));
    expect(await page.getByRole('link', { name: en('request.feedback') }).getAttribute('href')).toMatch(
      /\/v1\/feedback\//,
    );
    await shoot(page, 'request-completed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: en('request.receipt') }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${rn}-receipt-0.pdf`);
    const receipt = readFileSync(await download.path());
    expect(receipt.subarray(0, 5).toString()).toBe('%PDF-');
    const verdict = await stack.call('POST', '/v1/receipts/verify', {
      body: receipt,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(verdict.json).toMatchObject({ valid: true, requestNumber: rn });

    // Home lists it no more (closed), and links the open ones.
    await context.close();
  });
});

describe('the office asks for documents', () => {
  it('lets the consumer upload the document asked for from the request page, and the request moves on', async () => {
    const token = await stack.token({ role: 'consumer', consumers: [ASKED] });
    const form = new FormData();
    form.set('consumerNumber', ASKED);
    form.set('kind', 'address');
    form.set('file', new Blob([makePdf(3)], { type: 'application/pdf' }), 'first-proof.pdf');
    const doc = await stack.app.request('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const { documentId } = (await doc.json()) as { documentId: string };
    const submitted = await stack.call('POST', '/v1/service-requests', {
      token,
      body: {
        type: 'address-change',
        consumerNumber: ASKED,
        form: { newAddress: 'Door 12, Seaport Airport Road, Kalamassery', pinCode: '683104' },
        documents: [{ documentId, kind: 'address', fileName: 'first-proof.pdf' }],
      },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const rn = submitted.json.requestNumber as string;
    await decide(rn, 'request-documents', {
      kinds: ['address'],
      message: 'The bill you sent is older than three months; send a recent one',
    });

    const { context, page } = await signedIn(ASKED);
    // Home links the request; its row opens the request page.
    await page.getByRole('link', { name: 'Address change' }).first().click();
    await page.waitForURL(`${base}/requests/${rn}`);
    await page.getByRole('heading', { name: en('request.askedTitle') }).waitFor();
    expect(await page.locator('section.asked').innerText()).toContain('older than three months');
    expect(await page.locator('.badge').first().innerText()).toBe(en('status.awaiting-consumer'));
    await shoot(page, 'request-asked');

    const pdf = await pdfFile('portal-recent-bill.pdf', 1);
    const slot = page.locator('#doc-address');
    await slot.locator('input[type=file]').setInputFiles(pdf);
    await slot.getByRole('button', { name: en('apply.upload') }).click();
    await slot.locator('.verdict-ok').waitFor();
    await page.getByRole('button', { name: en('request.sendDocuments') }).click();
    await page.getByText(en('request.sent')).waitFor();
    expect(await page.locator('.badge').first().innerText()).toBe(en('status.in-progress'));
    expect(await page.locator('.timeline').innerText()).toContain(en('timeline.documents-added'));
    const after = await state(rn);
    expect(after.status).toBe('in-progress');
    expect(after.documentRequest).toBeUndefined();
    expect(after.documents.map((d: any) => d.fileName)).toContain('portal-recent-bill.pdf');
    expect(after.clock.paused).toBe(false);
    await shoot(page, 'request-sent');

    // Withdraw: the consumer's own action, from the same page.
    await page.getByLabel(en('request.withdrawReason')).fill('Moving again next month');
    await page.getByRole('button', { name: en('request.withdraw') }).click();
    await page.getByText(en('request.withdrawn')).waitFor();
    expect((await state(rn)).status).toBe('withdrawn');
    await context.close();
  });
});

describe('a complaint during an outage', () => {
  it('shows the outage’s ETR, then the restoration, and reopens when the consumer says it is not fixed', async () => {
    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, COMPLAINT));
    const etr = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: [row!.transformerId], reason: 'transformer tripped', etr },
    });
    expect(outage.status, outage.text).toBe(201);

    const { context, page } = await signedIn(COMPLAINT);
    await page.locator('main a.action[href="/complaints/new"]').click();
    await page.getByRole('heading', { name: en('complaint.newTitle') }).waitFor();
    await shoot(page, 'complaint-new');
    // No type chosen: told at the field.
    await page.getByRole('button', { name: en('complaint.submit') }).click();
    await page.getByText(en('complaint.typeInvalid')).waitFor();
    await page.getByLabel('No power (individual)').check();
    await page.getByLabel(en('complaint.description')).fill('No power since the evening; neighbours too');
    await page.getByRole('button', { name: en('complaint.submit') }).click();
    await page.getByRole('heading', { name: en('complaint.outageTitle') }).waitFor();
    const rn = /CR-\d{4}-\d{6,9}-\d/.exec(page.url())?.[0] ?? '';
    expect(await page.locator('section.outage-card').innerText()).toContain(en('complaint.etr', { etr }));
    expect(await page.locator('.badge').first().innerText()).toBe(en('status.awaiting-restoration'));
    await shoot(page, 'complaint-outage');

    const restored = await stack.call('POST', `/v1/outages/${outage.json.id}/restore`, { token: dispatcher });
    expect(restored.status, restored.text).toBe(200);
    const consumer = await stack.token({ role: 'consumer', consumers: [COMPLAINT] });
    await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: consumer }),
      (r) => r.json.status === 'resolved',
    );
    await page.reload();
    await page.getByRole('heading', { name: en('complaint.confirmTitle') }).waitFor();
    expect(await page.locator('.badge').first().innerText()).toBe(en('status.resolved'));
    expect(await page.locator('section.outage-card').innerText()).toMatch(/Power was restored at/);
    expect(await page.locator('.timeline').innerText()).toContain(en('timeline.linked-to-outage'));
    await shoot(page, 'complaint-resolved');

    await page.getByRole('button', { name: en('complaint.notFixed') }).click();
    await page.getByText(en('complaint.said.not-fixed')).waitFor();
    expect(await page.locator('.badge').first().innerText()).toBe(en('status.open'));
    expect(await page.locator('.timeline').innerText()).toContain(en('timeline.reopened'));
    expect((await stack.call('GET', `/v1/complaints/${rn}`, { token: consumer })).json).toMatchObject({
      status: 'open',
      reopenCount: 1,
    });
    await shoot(page, 'complaint-reopened');
    await context.close();
  });
});

describe('refusals', () => {
  it('does not open another consumer’s request or complaint by URL, and refuses a form without its CSRF token', async () => {
    const owner = await stack.token({ role: 'consumer', consumers: [COMPLAINT] });
    const complaint = await stack.call('POST', '/v1/complaints', {
      token: owner,
      body: { type: 'low-voltage', consumerNumber: COMPLAINT, channel: 'web' },
    });
    expect([200, 201]).toContain(complaint.status);
    const rows = await waitFor(
      () =>
        stack.db
          .select()
          .from(serviceRequests)
          .where(inArray(serviceRequests.consumerNumber, [APPLY, ASKED])),
      (r) => r.length > 0,
    );
    const request = rows[0]!.requestNumber;

    const missing = formatRequestNumber('SR', 2026, 999_999);
    const { context, page } = await signedIn(STRANGER);
    const stranger = await stack.token({ role: 'consumer', consumers: [STRANGER] });
    for (const [path, api] of [
      [`/requests/${request}`, `/v1/service-requests/${request}`],
      [`/requests/${request}/receipt`, `/v1/service-requests/${request}/receipt`],
      [`/complaints/${complaint.json.requestNumber}`, `/v1/complaints/${complaint.json.requestNumber}`],
      [`/requests/${missing}`, `/v1/service-requests/${missing}`],
    ]) {
      const answer = await page.goto(`${base}${path}`);
      // the same 404 as the API gives the same consumer, and the same page as for a number that does not exist
      expect(answer!.status(), path).toBe(404);
      expect((await stack.call('GET', api!, { token: stranger })).status, api).toBe(404);
      await page.getByText(en('errors.notFound')).waitFor();
    }
    await shoot(page, 'not-found');
    // Acting on it by a forged form is refused the same way.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await page.goto(`${base}/apply/address-change`);
    const token = await page.locator('#eform input[name=_csrf]').inputValue();
    const forged = await stack.app.request(`${base}/requests/${request}/withdraw`, {
      method: 'POST',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(forged.status).toBe(404);

    // The eForm without its CSRF token: refused, nothing submitted.
    await page.getByLabel('New address').fill('Somewhere else');
    await page.getByLabel('PIN code').fill('683104');
    await page.evaluate(`document.querySelector('#eform input[name=_csrf]').remove()`);
    const answer = page.waitForResponse(
      (r) => r.url() === `${base}/apply/address-change` && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: en('apply.submit') }).click();
    expect((await answer).status()).toBe(403);
    await page.getByText(en('errors.csrf')).waitFor();
    // …and an upload without it.
    const upload = new FormData();
    upload.set('documents.address', new Blob([makePdf(1)], { type: 'application/pdf' }), 'x.pdf');
    const noToken = await stack.app.request(`${base}/upload/address`, {
      method: 'POST',
      headers: { cookie, origin: base },
      body: upload,
    });
    expect(noToken.status).toBe(403);
    expect(
      await stack.db.select().from(serviceRequests).where(eq(serviceRequests.consumerNumber, STRANGER)),
    ).toEqual([]);
    await context.close();
  });
});

describe('in Malayalam', () => {
  it('shows the eForm with the catalogue’s Malayalam labels, and the timeline in Malayalam', async () => {
    const type = (await findServiceType(stack.db, 'address-change'))!;
    const words = type.translations.ml!;
    const { context, page } = await signedIn(MALAYALAM);
    expect(await page.locator('html').getAttribute('lang')).toBe('ml');
    await page.locator('main a.action[href="/apply"]').click();
    await page.locator('a[href="/apply/address-change"]').click(); // other files add types of their own
    await page.getByRole('heading', { name: words.name!, level: 1 }).waitFor();
    const form = await page.locator('#eform').innerText();
    expect(form).toContain(words.fields!.newAddress!.label!);
    expect(form).toContain(words.fields!.pinCode!.label!);
    expect(form).toContain(PHRASES.format('ml', 'document-kind.address'));
    expect(form).toContain(ml('apply.upload'));
    expect(form).not.toContain('New address');
    // A file that is no PDF, though named one: refused, and why, in Malayalam from its code.
    const fake = `${SHOTS}/../not-really.pdf`;
    await writeFile(fake, 'Dear office, here is my address proof.\n');
    const slot = page.locator('#doc-address');
    await slot.locator('input[type=file]').setInputFiles(fake);
    await slot.getByRole('button', { name: ml('apply.upload') }).click();
    const refused = await slot.locator('.verdict-refused').innerText();
    expect(refused).toContain(ml('refusal.file-type'));
    expect(refused).not.toContain('not a PDF');
    await shoot(page, 'upload-refused-ml');
    const pdf = await pdfFile('portal-proof-ml.pdf', 1);
    await fillAddressChange(page, ml, pdf);
    await shoot(page, 'apply-form-ml');
    await page.getByRole('button', { name: ml('apply.submit') }).click();
    await page.locator('#request-number').waitFor();
    await shoot(page, 'submitted-ml');
    await page.getByRole('link', { name: ml('submitted.track') }).click();
    await page.getByRole('heading', { name: ml('request.timeline') }).waitFor();
    const timeline = await page.locator('.timeline').innerText();
    expect(timeline).toContain(ml('timeline.submitted'));
    // the entry's channel, in words, from what the workflow recorded ("Address change via web")
    expect(timeline).toContain(ml('timeline.via', { channel: 'web' }));
    expect(timeline).not.toContain('Application received');
    expect(timeline).not.toContain(' via web');
    expect(await page.locator('ol.steps').innerText()).toContain(words.steps!['document-review']!);
    await shoot(page, 'request-ml');
    await context.close();
  });
});
