import type { Browser } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaints, inboundContacts, outages, staffInbox } from '../db/schema';
import { createPortalSession } from '../db/portal-sessions';
import { SA } from '../domain/search-attributes';
import { makePdf } from '../scripts/lib/sample-files';
import { consoleMessages } from '../web/console/messages';
import { portalMessages } from '../web/messages';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The agent desk, the dispatcher's outages and the inbox's emergencies in a real browser, against
 * the real stack. Consumers 1560100000020–29 of sec-aluva-town are this file's own; the agents and
 * dispatchers are those of circle-ekm.
 */
const AGENT = 'agent-ekm-1';
const DISPATCHER = 'dispatch-ekm-day';
/** Sajitha Menon, MG Road, house 21, Aluva Town: on dtr-aluva-town-1 */
const CALLER = '1560100000021';
const CALLER_PHONE = '93376 87279';
/** Anitha Panicker, on dtr-aluva-town-2 */
const DARK = '1560100000022';
/** Manoj Kumar: reports an electrical accident */
const ACCIDENT = '1560100000023';
/** asks the call centre for an address change */
const MOVER = '1560100000024';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);
/** A `datetime-local` value, India time, `hours` from now. */
const indiaLocal = (hours: number) =>
  new Date(Date.now() + hours * 3_600_000 + 330 * 60_000).toISOString().slice(0, 16);

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
});
afterAll(async () => portal?.stop());

/** A browser signed in as a demo user, English, with its signing key ready, on its home page. */
async function signIn(subject: string, home: string) {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel(en('signIn.demoUser')).selectOption(subject);
  await page.getByRole('button', { name: en('signIn.submit') }).click();
  await page.waitForURL(`${base}${home}`);
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
  }
  await page.locator('#key-status[data-state="ready"]').waitFor();
  return { context, page };
}

const contactsOf = (consumerNumber: string) =>
  stack.db
    .select()
    .from(inboundContacts)
    .where(and(eq(inboundContacts.agent, AGENT), eq(inboundContacts.consumerNumber, consumerNumber)));

describe('the agent desk, the dispatcher and emergencies in the console', () => {
  it('an agent finds the caller by a misspelt name and by phone, sees the account, bills and a planned outage, registers a complaint; each contact is counted', async () => {
    // A planned shutdown on the caller's transformer, through the API.
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'circle-ekm', subject: DISPATCHER });
    const planned = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'planned',
        transformerIds: ['dtr-aluva-town-1'],
        reason: 'Desk test: line maintenance',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      },
    });
    expect(planned.status, planned.text).toBe(201);

    const { context, page } = await signIn(AGENT, '/console/desk');
    const main = page.locator('main');
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.id as string))
      .toBe('desk-q');
    // A misspelt name and a street: the caller comes first.
    await page.getByLabel(en('desk.query')).fill('Sajita Menan MG Road');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/desk\?q=/);
    const first = main.locator('#callers tbody tr').first();
    expect(await first.getAttribute('data-consumer')).toBe(CALLER);
    expect(await first.innerText()).toContain('Sajitha Menon');
    await shoot(page, 'console-desk');
    // A search alone is no contact.
    expect(await contactsOf(CALLER)).toEqual([]);

    // By phone, as the caller reads it out: one consumer, straight to their page.
    await page.getByLabel(en('desk.query')).fill(CALLER_PHONE);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/desk/consumers/${CALLER}`);
    const text = await main.innerText();
    for (const words of [
      'Sajitha Menon',
      'MG Road, house 21, Aluva Town',
      'DTR 1 (Aluva Town)',
      en('caller.arrears'),
    ])
      expect(text).toContain(words);
    expect(await main.locator('#bill-list tbody tr').count()).toBe(3);
    expect(await main.locator(`#outage-list li[data-outage="${planned.json.id}"]`).innerText()).toContain(
      'Desk test: line maintenance',
    );
    const looked = await contactsOf(CALLER);
    expect(looked).toMatchObject([{ kind: 'look-up', channel: 'agent', officeId: 'circle-ekm' }]);

    // A complaint for the caller in a few keystrokes: type, words, Enter.
    await page.getByLabel(en('caller.type')).selectOption('meter-defective');
    await page.getByLabel(en('caller.description')).fill('Meter display blank since morning');
    await page.keyboard.press('Enter');
    await page.waitForURL(/registered=CR-/);
    const rn = new URL(page.url()).searchParams.get('registered')!;
    await page.locator('#registered').getByText(rn).waitFor();
    expect(await main.locator(`#open-list tr[data-rn="${rn}"]`).count()).toBe(1);
    await shoot(page, 'console-caller');
    // Through the one intake: channel agent, the agent as actor.
    const officer = await stack.token({ role: 'executive', office: 'sec-aluva-town' });
    const complaint = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: officer }),
      (r) => r.status === 200,
    );
    expect(complaint.json).toMatchObject({
      consumerNumber: CALLER,
      typeCode: 'meter-defective',
      channel: 'agent',
    });
    // Counted: the look-up once (the page shown again after registering is the same call), the complaint.
    const counted = await contactsOf(CALLER);
    expect(counted.map((c) => c.kind).sort()).toEqual(['complaint', 'look-up']);
    expect(counted.find((c) => c.kind === 'complaint')!.requestNumber).toBe(rn);
    expect(await main.locator('#contact-list li').count()).toBe(2);

    await stack.call('POST', `/v1/outages/${planned.json.id}/restore`, { token: dispatcher });
    await context.close();
  });

  it('a dispatcher registers an emergency outage on a transformer, changes the ETR and restores it: the linked no-power complaint ends resolved', async () => {
    const { context, page } = await signIn(DISPATCHER, '/console/outages');
    const form = page.locator('#register-outage');
    await form.getByRole('radio', { name: en('outages.kind-emergency') }).check();
    await form.locator('input[name="transformerIds"][value="dtr-aluva-town-2"]').check();
    await form.getByLabel(en('outages.reason')).fill('DTR fuse blown after a storm');
    await form.getByLabel(en('outages.etrEmergency')).fill(indiaLocal(3));
    await form.getByRole('button', { name: en('outages.submit') }).click();
    await page.waitForURL(/registered=OUT-/);
    const id = new URL(page.url()).searchParams.get('registered')!;
    const [stored] = await stack.db.select().from(outages).where(eq(outages.id, id));
    expect(stored).toMatchObject({
      kind: 'emergency',
      status: 'active',
      transformerIds: ['dtr-aluva-town-2'],
      registeredBy: DISPATCHER,
      officeId: 'circle-ekm',
    });

    // The consumer on that transformer reports no power through the API: linked to the outage.
    const consumer = await stack.token({ role: 'consumer', consumers: [DARK] });
    const reported = await stack.call('POST', '/v1/complaints', {
      token: consumer,
      body: { type: 'no-power', consumerNumber: DARK, channel: 'web', description: 'No power' },
    });
    expect(reported.status, reported.text).toBe(201);
    expect(reported.json.outage).toMatchObject({ id });
    const rn = reported.json.requestNumber as string;
    const item = page.locator(`li[data-outage="${id}"]`);
    await page.reload();
    expect(await item.locator('.c-linked').innerText()).toBe('1');
    await shoot(page, 'console-outages');

    // A later ETR: the complaint is told.
    const later = indiaLocal(5);
    await item.getByLabel(en('outages.newEtr')).fill(later);
    await item.getByRole('button', { name: en('outages.changeEtr') }).click();
    await page.locator('#done').getByText(id).waitFor();
    const etr = new Date(`${later}:00+05:30`).toISOString();
    await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: consumer }),
      (r) => r.json.outage?.etr === etr,
    );

    await page
      .locator(`li[data-outage="${id}"]`)
      .getByRole('button', { name: en('outages.restore') })
      .click();
    await page.waitForURL(/restored=OUT-/);
    expect(await page.locator(`li[data-outage="${id}"]`).count()).toBe(0);
    const resolved = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: consumer }),
      (r) => r.json.status === 'resolved',
    );
    expect(resolved.json.status).toBe('resolved');
    await context.close();
  });

  it('the inbox acknowledges an emergency from its alert and shows the re-alert count', async () => {
    const consumer = await stack.token({ role: 'consumer', consumers: [ACCIDENT] });
    const reported = await stack.call('POST', '/v1/complaints', {
      token: consumer,
      body: {
        type: 'electrical-accident',
        consumerNumber: ACCIDENT,
        channel: 'web',
        description: 'Wire down on the road',
      },
    });
    expect(reported.status, reported.text).toBe(201);
    const rn = reported.json.requestNumber as string;
    // The alert reaches the circle's emergency desk (`<rn>/emergency/0/circle-ekm`).
    await waitFor(
      () =>
        stack.db
          .select()
          .from(staffInbox)
          .where(
            and(eq(staffInbox.subject, DISPATCHER), eq(staffInbox.noticeKey, `${rn}/emergency/0/circle-ekm`)),
          ),
      (rows) => rows.length > 0,
    );
    // The read model has the alert count once the workflow has saved it.
    await waitFor(
      () => stack.db.select().from(complaints).where(eq(complaints.requestNumber, rn)),
      (rows) => (rows[0]?.state?.emergency?.alerts ?? 0) > 0,
    );
    const { context, page } = await signIn(DISPATCHER, '/console/outages');
    await page.goto(`${base}/console/inbox`);
    const alert = page.locator('li.c-alert', { hasText: rn }).first();
    await alert.waitFor();
    const alerts = Number(await alert.locator('.c-alert-emergency').getAttribute('data-alerts'));
    expect(alerts).toBeGreaterThan(0);
    expect(await alert.innerText()).toContain(en('inbox.realerts', { count: alerts }));
    await shoot(page, 'console-inbox-emergency');
    await alert.getByRole('button', { name: en('inbox.acknowledge') }).click();
    await page.locator('#done').getByText(rn).waitFor();
    const acknowledged = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: consumer }),
      (r) => Boolean(r.json.emergency?.acknowledgedAt),
    );
    expect(acknowledged.json.emergency.acknowledgedBy).toBe(DISPATCHER);
    // The alert now says who took charge, and offers no second acknowledgement.
    const after = page.locator('li.c-alert', { hasText: rn }).first();
    expect(await after.getByRole('button', { name: en('inbox.acknowledge') }).count()).toBe(0);
    await context.close();
  });

  it('an agent cannot open the dispatcher page nor a dispatcher the desk; forms without their CSRF token are refused', async () => {
    const agent = await signIn(AGENT, '/console/desk');
    expect((await agent.page.goto(`${base}/console/outages`))!.status()).toBe(403);
    expect(await agent.page.locator('#refusal').innerText()).toContain('may not');
    const forged = await agent.context.request.post(`${base}/console/desk/consumers/${CALLER}/complaint`, {
      form: { type: 'other', description: 'forged' },
      headers: { origin: base },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain(en('errors.csrfTitle'));
    // The agent's own token, on the dispatcher's form: the role refuses it.
    const csrf = (await agent.page.locator('body').getAttribute('data-csrf'))!;
    const asAgent = await agent.context.request.post(`${base}/console/outages`, {
      form: {
        _csrf: csrf,
        kind: 'emergency',
        transformerIds: 'dtr-aluva-town-3',
        reason: 'not mine',
        etr: indiaLocal(2),
      },
      headers: { origin: base },
    });
    expect(asAgent.status()).toBe(403);

    const dispatcher = await signIn(DISPATCHER, '/console/outages');
    expect((await dispatcher.page.goto(`${base}/console/desk`))!.status()).toBe(403);
    expect((await dispatcher.page.goto(`${base}/console/desk/consumers/${CALLER}`))!.status()).toBe(403);
    const noToken = await dispatcher.context.request.post(`${base}/console/outages`, {
      form: { kind: 'emergency', transformerIds: 'dtr-aluva-town-3', reason: 'forged', etr: indiaLocal(2) },
      headers: { origin: base },
    });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain(en('errors.csrfTitle'));
    expect((await stack.db.select().from(outages).where(eq(outages.registeredBy, AGENT))).length).toBe(0);
    await Promise.all([agent.context.close(), dispatcher.context.close()]);
  });

  it('an agent starts an address change for the caller: the eForm from the field specs, errors at the fields, the document with the form, one request for a double click, the Request Number at once; the consumer sees it in the portal', async () => {
    const { context, page } = await signIn(AGENT, '/console/desk');
    await page.getByLabel(en('desk.query')).fill(MOVER);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console/desk/consumers/${MOVER}`);
    const panel = page.locator('section[aria-labelledby="start-request"]');
    await panel.getByLabel(en('deskRequest.type')).selectOption('address-change');
    await panel.getByRole('button', { name: en('deskRequest.open') }).click();
    await page.waitForURL(`${base}/console/desk/consumers/${MOVER}/request?type=address-change`);
    const form = page.locator('#desk-eform');
    // The fields are the catalogue's (labels from its specs), the documents line says what comes later.
    expect(await form.locator('label[for="field-newAddress"]').innerText()).toContain('New address');
    expect(await page.locator('#documents-later').innerText()).toBe(en('deskRequest.documentsLater'));

    // A bad PIN code: refused next to its field, what was typed kept; nothing started.
    await form.locator('[name="form.newAddress"]').fill('TC 9/412, Bank Road, Aluva');
    await form.locator('[name="form.pinCode"]').fill('68310');
    await form.getByRole('button', { name: en('deskRequest.submit') }).click();
    await page.locator('#failure-request').waitFor();
    expect(await page.locator('#field-pinCode-error').innerText()).toBe(
      portalMessages.format('en', 'apply.invalid.pincode'),
    );
    expect(await form.locator('[name="form.newAddress"]').inputValue()).toBe('TC 9/412, Bank Road, Aluva');
    // The PIN right, no proof of address: the use case wants it with the request, said at the file box.
    await form.locator('[name="form.pinCode"]').fill('683101');
    await form.getByRole('button', { name: en('deskRequest.submit') }).click();
    await page.locator('#document-address-error').waitFor();
    expect(await page.locator('#document-address-error').innerText()).toBe(en('deskRequest.documentMissing'));
    expect(await page.locator('#field-pinCode-error').count()).toBe(0);
    await shoot(page, 'console-desk-request-errors');

    // With the caller's proof attached; a double click makes one request.
    await form
      .locator('input[name="documents.address"]')
      .setInputFiles({ name: 'rent-agreement.pdf', mimeType: 'application/pdf', buffer: makePdf(1) });
    await form.getByRole('button', { name: en('deskRequest.submit') }).dblclick();
    // The file is judged (a worker thread) and the workflow started: give a loaded machine time.
    await page.locator('#request-number').waitFor({ timeout: 45_000 });
    const rn = (await page.locator('#request-number').innerText()).trim();
    expect(rn).toMatch(/^SR-\d{4}-\d{6}-\d$/);
    expect(await page.locator('#due-at time').getAttribute('datetime')).toBeTruthy();
    await shoot(page, 'console-desk-request-started');

    // Through the one intake: channel agent, the agent as the submitter, once.
    const officer = await stack.token({ role: 'executive', office: 'sec-aluva-town' });
    const stored = await waitFor(
      () => stack.call('GET', `/v1/service-requests/${rn}`, { token: officer }),
      (r) => r.status === 200,
    );
    expect(stored.json).toMatchObject({ consumerNumber: MOVER, typeCode: 'address-change' });
    const started = await stack.client.workflow.getHandle(rn).describe();
    expect(started.typedSearchAttributes.get(SA.Channel)).toBe('agent');
    const runs = await waitFor(
      () => stack.client.workflow.count(`ConsumerNumber = "${MOVER}" AND RequestType = "address-change"`),
      (r) => r.count >= 1,
    );
    expect(runs.count).toBe(1);
    const counted = await contactsOf(MOVER);
    expect(counted.filter((c) => c.kind === 'request').map((c) => c.requestNumber)).toEqual([rn]);

    // The consumer's portal lists it on home and opens it.
    const session = await createPortalSession(stack.db, [MOVER], new Date());
    const consumer = await browser.newContext();
    await consumer.addCookies([{ name: 'seva_session', value: session.token, url: base }]);
    const portalPage = await consumer.newPage();
    await portalPage.goto(`${base}/home`);
    await portalPage.locator(`a[href="/requests/${rn}"]`).first().waitFor();
    await portalPage.goto(`${base}/requests/${rn}`);
    expect(await portalPage.locator('main').innerText()).toContain(rn);
    await Promise.all([consumer.close(), context.close()]);
  }, 120_000);
});
