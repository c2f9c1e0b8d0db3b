import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { like } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInboundContact } from '../db/inbound-contacts';
import { complaints, inboundContacts, notifications, serviceRequests } from '../db/schema';
import { consoleMessages } from '../web/console/messages';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';

/**
 * The KPI dashboard in a real browser: a division's supervisor opens it from the navigation, sees
 * the charts (each with its title and a table), filters by period and office, downloads a CSV; a
 * bad filter is named on the page; an agent is refused. Rows of this file carry its own numbers.
 */
const SUPERVISOR = 'sup-div-tvm-city';
const AGENT = 'agent-tvm-1';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);
const u = randomUUID().slice(0, 6);
const H = 3_600_000;

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  const db = stack.db;
  const now = Date.now();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * H);
  const offices = ['sec-pattom', 'sec-kesavadasapuram'];
  // A week of closed requests and resolved complaints, some late; open items of every age.
  await db.insert(serviceRequests).values(
    Array.from({ length: 40 }, (_, i) => {
      const open = i % 4 === 0;
      return {
        requestNumber: `SR-KPIWEB-${u}-${i}`,
        typeCode: i % 3 === 0 ? 'new-connection' : 'address-change',
        consumerNumber: '1546000000001',
        officeId: offices[i % 2]!,
        status: open ? (i % 8 === 0 ? 'awaiting-consumer' : 'in-progress') : 'completed',
        channel: 'web',
        submittedBy: 'consumer',
        submittedAt: at(open ? [5, 30, 100, 400, 900][i % 5]! : 24 * (i % 7) + 60),
        closedAt: open ? null : at(24 * (i % 7) + 2),
        breached: i % 5 === 1,
        escalationLevel: i % 5 === 1 ? 1 + (i % 2) : 0,
      };
    }),
  );
  await db.insert(complaints).values(
    Array.from({ length: 24 }, (_, i) => {
      const open = i % 3 === 0;
      return {
        requestNumber: `CR-KPIWEB-${u}-${i}`,
        typeCode: i % 2 ? 'no-power' : 'low-voltage',
        priority: i === 0 ? 'emergency' : 'normal',
        consumerNumber: '1546000000001',
        officeId: offices[i % 2]!,
        status: open ? 'open' : 'closed',
        channel: 'sms',
        submittedAt: at(open ? [3, 50, 200][i % 3]! : 24 * (i % 6) + 12),
        resolvedAt: open ? null : at(24 * (i % 6) + 4),
        closedAt: open ? null : at(24 * (i % 6)),
        breached: i % 4 === 1,
        escalationLevel: i % 4 === 1 ? 1 : 0,
      };
    }),
  );
  await db.insert(notifications).values(
    Array.from({ length: 30 }, (_, i) => ({
      key: `kpiweb-${u}-${i}`,
      consumerNumber: '1546000000001',
      consumerOfficeId: offices[i % 2]!,
      channel: i % 5 === 0 ? 'whatsapp' : 'sms',
      chain: ['sms', 'whatsapp'],
      language: 'en',
      template: 'request-received',
      params: {},
      status: i % 7 === 0 ? 'undelivered' : 'delivered',
      createdAt: at(i * 3),
    })),
  );
  const channels = ['agent', 'agent', 'web', 'sms', 'whatsapp', 'ivr', 'email'];
  for (let i = 0; i < 60; i++)
    await recordInboundContact(db, {
      channel: channels[i % channels.length]!,
      agent: `kpiweb-${u}`,
      officeId: offices[i % 2]!,
      consumerNumber: `kpiweb-${u}-${i}`,
      kind: i % 3 === 0 ? 'complaint' : i % 5 === 0 ? 'request' : 'look-up',
      at: at((i * 37) % (24 * 7)),
    });
});

afterAll(async () => {
  if (stack) {
    await stack.db.delete(serviceRequests).where(like(serviceRequests.requestNumber, `SR-KPIWEB-${u}-%`));
    await stack.db.delete(complaints).where(like(complaints.requestNumber, `CR-KPIWEB-${u}-%`));
    await stack.db.delete(notifications).where(like(notifications.key, `kpiweb-${u}-%`));
    await stack.db.delete(inboundContacts).where(like(inboundContacts.agent, `kpiweb-${u}`));
    // the half-hour counts stay: they are counts, other tests read only their own offices'
  }
  await portal?.stop();
});

async function signIn(subject: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel(en('signIn.demoUser')).selectOption(subject);
  await page.getByRole('button', { name: en('signIn.submit') }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
  }
  return page;
}

describe('the KPI dashboard', () => {
  it('a supervisor opens it, sees the charts with their tables, filters and downloads a CSV', async () => {
    const page = await signIn(SUPERVISOR);
    await page.getByRole('link', { name: en('layout.kpis') }).click();
    await page.waitForURL(`${base}/console/kpis`);
    await page.getByRole('heading', { name: en('kpis.title'), level: 1 }).waitFor();
    for (const chart of ['kpis.slaChart', 'kpis.backlogChart', 'kpis.contactsChartDay'])
      await expect(page.getByRole('img', { name: en(chart) }).count(), chart).resolves.toBe(1);
    // the SLA bars name each type with its share; the table holds the same figures
    expect(await page.locator('#sla-chart-desc').textContent()).toMatch(/Requests · [^:]+: \d+%/);
    await shoot(page, 'console-kpis');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const panel of ['sla', 'backlog', 'contacts'])
      await page
        .locator(`section[aria-labelledby="${panel}"]`)
        .screenshot({ path: `.data/screenshots/console-kpis-phone-${panel}.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('section[aria-labelledby="sla"] summary').click();
    expect(
      await page.locator('section[aria-labelledby="sla"] tr[data-kind="request"][data-office="all"]').count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('section[aria-labelledby="contacts"] tr[data-channel="agent"]').count()).toBe(
      1,
    );

    // One section, one week: the office's own figures
    await page.getByLabel(en('kpis.office')).selectOption('sec-pattom');
    await page.getByRole('button', { name: en('kpis.apply') }).click();
    await page.waitForURL(/officeId=sec-pattom/);
    expect(await page.locator('#kpi-office').inputValue()).toBe('sec-pattom');

    const href = await page.locator('section[aria-labelledby="backlog"] a[download]').getAttribute('href');
    expect(href).toContain('/console/kpis/backlog.csv?');
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const rows = parse<Record<string, string>>(await csv.text(), { columns: true });
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.office))).toEqual(new Set(['sec-pattom']));
    await page.context().close();
  });

  it('names a bad filter on the page, and shows its words in Malayalam', async () => {
    const page = await signIn(SUPERVISOR);
    const res = await page.goto(`${base}/console/kpis?from=2021-03-08&to=2021-03-01`);
    expect(res?.status()).toBe(400);
    await page.getByText(en('kpis.badFilters')).waitFor();
    expect(await page.locator('#failure-kpis code').allTextContents()).toContain('query.to');
    await page.goto(`${base}/console/kpis`);
    await page.getByRole('button', { name: 'മലയാളം' }).click();
    await page.locator('html[lang="ml"]').waitFor();
    await page.getByRole('heading', { name: consoleMessages.format('ml', 'kpis.title'), level: 1 }).waitFor();
    await shoot(page, 'console-kpis-ml');
    await page.getByRole('button', { name: 'English' }).click();
    await page.context().close();
  });

  it('is not for an agent: no link, and the page refuses', async () => {
    const page = await signIn(AGENT);
    expect(await page.getByRole('link', { name: en('layout.kpis') }).count()).toBe(0);
    const res = await page.goto(`${base}/console/kpis`);
    expect(res?.status()).toBe(403);
    const csv = await page.request.get(`${base}/console/kpis/sla.csv`);
    expect(csv.status()).toBe(403);
    await page.context().close();
  });
});
