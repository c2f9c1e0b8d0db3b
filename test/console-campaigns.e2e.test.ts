import type { Browser } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDeliveries, consumers } from '../db/schema';
import { consoleMessages } from '../web/console/messages';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The campaign page in a real browser: the dispatcher opens an outage's campaign from the outages
 * page, sees its figures, and works its call list (claim, record). Transformer
 * dtr-balaramapuram-2 is this file's own.
 */
const DISPATCHER = 'dispatch-tvm-day';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
});
afterAll(async () => portal?.stop());

describe('outage campaigns in the console', () => {
  it('a dispatcher opens the campaign from the outages page, sees its figures and works the call list', async () => {
    const token = await stack.token({ role: 'dispatcher', office: 'circle-tvm', subject: DISPATCHER });
    const registered = await stack.call('POST', '/v1/outages', {
      token,
      body: {
        kind: 'emergency',
        transformerIds: ['dtr-balaramapuram-2'],
        reason: 'Console test: DTR fuse blown',
        etr: new Date(Date.now() + 2 * 3_600_000).toISOString(),
      },
    });
    expect(registered.status, registered.text).toBe(201);
    const id = registered.json.id as string;
    const callList = await waitFor(
      () =>
        stack.db
          .select({ id: campaignDeliveries.id, consumerNumber: campaignDeliveries.consumerNumber })
          .from(campaignDeliveries)
          .where(and(eq(campaignDeliveries.campaignId, id), eq(campaignDeliveries.route, 'call'))),
      (rows) => rows.length > 0,
    );
    expect(callList.length).toBeGreaterThan(0);
    const first = callList[0]!;
    const [who] = await stack.db
      .select({ name: consumers.name })
      .from(consumers)
      .where(eq(consumers.consumerNumber, first.consumerNumber));

    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel(en('signIn.demoUser')).selectOption(DISPATCHER);
    await page.getByRole('button', { name: en('signIn.submit') }).click();
    await page.waitForURL(`${base}/console/outages`);
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang="en"]').waitFor();
    }

    // From the outage to its campaign.
    await page.locator(`[data-outage="${id}"] a.c-campaign-link`).click();
    await page.waitForURL(`${base}/console/campaigns/${id}`);
    await waitFor(
      async () => {
        await page.reload();
        return page.locator('[data-stage="notice"]').count();
      },
      (n) => n === 1,
    );
    await expect.poll(() => page.locator('.c-targeted').textContent()).not.toBe('0');
    const row = page.locator(`tr[data-entry="${first.id}"]`);
    await expect.poll(() => row.textContent()).toContain(who!.name);

    // Claim it, then record the call.
    await row.getByRole('button', { name: en('campaigns.claim') }).click();
    await page.locator('#done').waitFor();
    expect(await page.locator('#done').textContent()).toContain(first.consumerNumber);
    await shoot(page, 'console-campaign-claimed');
    await row.getByLabel(en('campaigns.outcome-reached'), { exact: true }).check();
    await row.getByLabel(en('campaigns.note')).fill('Spoke to the caretaker; generator on');
    await row.getByRole('button', { name: en('campaigns.record') }).click();
    await page.locator('#done').waitFor();
    expect(await page.locator('#done').textContent()).toBe(
      en('campaigns.done-recorded', { consumer: first.consumerNumber }),
    );
    await expect.poll(() => row.textContent()).toContain(en('campaigns.status-reached'));
    const [stored] = await stack.db
      .select()
      .from(campaignDeliveries)
      .where(eq(campaignDeliveries.id, first.id));
    expect(stored).toMatchObject({
      status: 'reached',
      claimedBy: DISPATCHER,
      callNote: 'Spoke to the caretaker; generator on',
    });
    await shoot(page, 'console-campaign');

    // The list of campaigns, and a second claim of a worked entry refused on the page.
    await page.goto(`${base}/console/campaigns`);
    await page.locator(`[data-campaign="${id}"]`).waitFor();
    await shoot(page, 'console-campaigns');
    const again = await page.request.post(`${base}/console/call-list/${first.id}/claim`, {
      form: { _csrf: (await page.locator('input[name="_csrf"]').first().getAttribute('value'))! },
      headers: { origin: base },
    });
    expect(again.status()).toBe(409);
    const refusedText = await again.text();
    expect(refusedText).toContain('the entry is reached');
    await context.close();
    await stack.call('POST', `/v1/outages/${id}/restore`, { token });
  });
});
