import type { Browser } from 'playwright-core';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReminders } from '../db/reminders';
import { bills, campaignDeliveries, campaigns, ledgerPostings, outages } from '../db/schema';
import { postingKey } from '../domain/ledger';
import { consoleMessages } from '../web/console/messages';
import { paidHistory } from './helpers/paid-bills';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';

/**
 * Manual campaigns, a planned outage moved and called off, and the reminders' figures, in a real
 * browser. This file's own network: a twin (`…-mcb`) of the Kalamassery feeder and its first
 * transformer, feeding copies (numbers `14…`) of three of its consumers.
 */
const DISPATCHER = 'dispatch-ekm-day';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  await stack.db.execute(sql`
    insert into feeders (id, name, substation_id)
      select id || '-mcb', name || ' (console tests)', substation_id from feeders where id = 'fdr-kalamassery'
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into transformers (id, name, feeder_id, section_office_id)
      select id || '-mcb', name || ' (console tests)', feeder_id || '-mcb', section_office_id from transformers
      where id = 'dtr-kalamassery-1'
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into consumers (consumer_number, name, phone, email, language, preferred_channel, opt_outs, address,
        category, sanctioned_load_kw, life_support, social_category, active, section_office_id, transformer_id)
      select '14' || substr(c.consumer_number, 3), c.name, '+914' || substr(c.consumer_number, 5), null,
        c.language, 'sms', c.opt_outs, c.address, c.category, c.sanctioned_load_kw, false, null, true,
        c.section_office_id, 'dtr-kalamassery-1-mcb'
      from consumers c where c.transformer_id = 'dtr-kalamassery-1' and not c.life_support
      order by c.consumer_number limit 3
      on conflict do nothing`);
});
afterAll(async () => portal?.stop());

const localInput = (msFromNow: number) =>
  new Date(Date.now() + msFromNow + stack.config.profile.utcOffsetMinutes * 60_000)
    .toISOString()
    .slice(0, 16);

describe('campaigns in the console', () => {
  it('a dispatcher composes, previews, launches and cancels a campaign; moves and calls off a planned outage; sees the reminders', async () => {
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

    // Compose: own words in English and Malayalam, to the twin transformer; preview first.
    await page.goto(`${base}/console/campaigns`);
    await page.locator('#new-campaign-link').click();
    await page.waitForURL(`${base}/console/campaigns/new`);
    await page.getByLabel(en('campaigns.titleField')).fill('Meter camp on Saturday');
    await page.getByLabel(en('campaigns.template-campaign-message')).check();
    await page
      .locator('#text-en')
      .fill('Dear {name}, a meter camp for {area} is held on Saturday at the section office.');
    await page.locator('#text-ml').fill('പ്രിയ {name}, ശനിയാഴ്ച സെക്ഷൻ ഓഫീസിൽ മീറ്റർ ക്യാമ്പ്.');
    await page.locator('input[name="transformerIds"][value="dtr-kalamassery-1-mcb"]').check();
    await page.getByRole('button', { name: en('campaigns.previewButton') }).click();
    await page.locator('#preview').waitFor();
    expect(await page.locator('.c-preview-count').textContent()).toBe(
      en('campaigns.previewCount', { count: 3 }),
    );
    expect(await page.locator('.c-samples li[data-language="ml"]').textContent()).toContain('മീറ്റർ');
    await shoot(page, 'console-campaign-preview');

    // Without the English text it is refused, naming the field; the form keeps what was typed.
    await page.locator('#text-en').fill('');
    await page.getByRole('button', { name: en('campaigns.launch') }).click();
    await page.locator('#failure-compose').waitFor();
    expect(await page.locator('#failure-compose').textContent()).toContain('text.en');
    expect(await page.locator('#text-ml').inputValue()).toContain('മീറ്റർ');
    await shoot(page, 'console-campaign-refused');

    // Launched for tomorrow, then cancelled before it goes.
    await page.locator('#text-en').fill('Dear {name}, a meter camp for {area} is held on Saturday.');
    await page.locator('#campaign-at').fill(localInput(86_400_000));
    // The same form sent twice more (a double click, a resubmit) before the click: one campaign.
    const sent = await page.locator('#new-campaign').evaluate(async (form: any) => {
      const g = globalThis as any;
      const post = (): Promise<any> =>
        g.fetch(form.getAttribute('action'), { method: 'POST', body: new g.FormData(form), redirect: 'manual' });
      return (await Promise.all([post(), post()])).map((r) => `${r.type} ${r.status}`);
    });
    expect(sent).toEqual(['opaqueredirect 0', 'opaqueredirect 0']);
    await page.getByRole('button', { name: en('campaigns.launch') }).click();
    await page.waitForURL(/\/console\/campaigns\/MC-[^?]+\?launched=1$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const launched = await stack.db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(and(eq(campaigns.title, 'Meter camp on Saturday'), eq(campaigns.createdBy, DISPATCHER)));
    expect(launched.map((r) => r.id)).toEqual([id]);
    expect(await page.locator('#done').textContent()).toBe(en('campaigns.done-launched'));
    expect(await page.locator('h1').textContent()).toBe('Meter camp on Saturday');
    await shoot(page, 'console-campaign-scheduled');
    await page.getByRole('button', { name: en('campaigns.cancel') }).click();
    await page.waitForURL(`${base}/console/campaigns/${id}?cancelled=1`);
    expect(await page.locator('#done').textContent()).toBe(en('campaigns.done-cancelled'));
    const [row] = await stack.db.select().from(campaigns).where(eq(campaigns.id, id));
    expect(row).toMatchObject({ kind: 'manual', status: 'cancelled', createdBy: DISPATCHER });
    expect(await page.getByRole('button', { name: en('campaigns.cancel') }).count()).toBe(0);

    // A planned outage's campaign: moved, then called off, from its campaign page.
    const token = await stack.token({ role: 'dispatcher', office: 'circle-ekm', subject: DISPATCHER });
    const planned = await stack.call('POST', '/v1/outages', {
      token,
      body: {
        kind: 'planned',
        transformerIds: ['dtr-kalamassery-1-mcb'],
        reason: 'Console test: line maintenance',
        startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 20 * 86_400_000 + 4 * 3_600_000).toISOString(),
      },
    });
    expect(planned.status, planned.text).toBe(201);
    const outageId = planned.json.id as string;
    await page.goto(`${base}/console/campaigns/${outageId}`);
    await page.getByLabel(en('campaigns.newStart')).fill(localInput(25 * 86_400_000));
    await page.getByLabel(en('campaigns.newEnd')).fill(localInput(25 * 86_400_000 + 3 * 3_600_000));
    await shoot(page, 'console-campaign-planned');
    await page.getByRole('button', { name: en('campaigns.reschedule') }).click();
    await page.waitForURL(`${base}/console/campaigns/${outageId}?rescheduled=1`);
    const [moved] = await stack.db.select().from(outages).where(eq(outages.id, outageId));
    expect(Math.round((moved!.startsAt.getTime() - Date.now()) / 86_400_000)).toBe(25);
    // An end before the start is refused by the form's field.
    await page.getByLabel(en('campaigns.newStart')).fill(localInput(26 * 86_400_000));
    await page.getByLabel(en('campaigns.newEnd')).fill(localInput(25 * 86_400_000));
    await page.getByRole('button', { name: en('campaigns.reschedule') }).click();
    await page.locator('#failure-reschedule').waitFor();
    expect(await page.locator('#failure-reschedule').textContent()).toContain('endsAt');
    await page.getByRole('button', { name: en('campaigns.cancelOutage') }).click();
    await page.waitForURL(`${base}/console/campaigns/${outageId}?cancelled=1`);
    const [off] = await stack.db.select().from(outages).where(eq(outages.id, outageId));
    expect(off!.status).toBe('cancelled');

    // The reminders' figures: a bill of a twin consumer, its reminder planned for a fixed day.
    const [consumer] = await stack.db.execute<{ consumer_number: string }>(
      sql`select consumer_number from consumers where transformer_id = 'dtr-kalamassery-1-mcb' order by 1 limit 1`,
    );
    const number = consumer!.consumer_number;
    const billId = `bill-${number}-2027-04`;
    await stack.db
      .insert(bills)
      .values({
        id: billId,
        consumerNumber: number,
        period: '2027-04',
        unitsKwh: '90',
        amount: '640.00',
        dueDate: '2027-05-01',
        disconnectionDate: '2027-05-16',
        paid: false,
      })
      .onConflictDoNothing();
    await stack.db
      .insert(ledgerPostings)
      .values({
        consumerNumber: number,
        kind: 'bill',
        amount: '640.00',
        billId,
        sourceRef: 'bill',
        idempotencyKey: postingKey.bill(billId),
      })
      .onConflictDoNothing();
    await paidHistory(stack, number);
    await planReminders(stack.db, {
      today: '2027-05-13',
      offsetsDays: [7, 3, 1],
      dueAt: new Date(Date.now() + 86_400_000),
      utcOffsetMinutes: stack.config.profile.utcOffsetMinutes,
    });
    await page.goto(`${base}/console/campaigns`);
    const reminder = page.locator(
      'section[aria-labelledby="reminders"] tr[data-stage="remind-2027-05-16-3d"]',
    );
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain(
      en('campaigns.stage-remind', { days: 3, date: '2027-05-16T12:00:00Z' }),
    );
    await shoot(page, 'console-campaigns-reminders');
    // Nothing of this file's goes out later: its planned reminder is cancelled.
    await stack.db
      .update(campaignDeliveries)
      .set({ status: 'cancelled' })
      .where(and(like(campaignDeliveries.id, 'DR-%'), eq(campaignDeliveries.consumerNumber, number)));
    await context.close();
  });
});
