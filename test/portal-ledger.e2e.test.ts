import { desc, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bills, consumers, devOutbox, ledgerPostings } from '../db/schema';
import { billPostings } from '../scripts/lib/demo-data';
import { portalMessages } from '../web/messages';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The consumer's ledger in the portal: reached from home, 20 postings a page with the balance
 * after each, a reversed payment marked. Consumer 1560299000061 is this file's own.
 */
const en = (key: string, values?: Record<string, string | number>) =>
  portalMessages.format('en', key, values);
const CONSUMER = '1560299000061';
const PHONE = '+919400099061';

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  const [model] = await stack.db
    .select()
    .from(consumers)
    .where(eq(consumers.consumerNumber, '1560200000001'));
  const { searchText: _generated, ...fields } = model as typeof model & { searchText?: string };
  await stack.db
    .insert(consumers)
    .values({
      ...fields,
      consumerNumber: CONSUMER,
      phone: PHONE,
      email: null,
      preferredChannel: 'sms',
      language: 'en',
      active: true,
    })
    .onConflictDoNothing();
  // 22 monthly bills of ₹1,000.50 (2025-01 … 2026-10), the oldest paid, then that payment reversed.
  const start = Date.now() - 30 * 86_400_000;
  for (let i = 0; i < 22; i++) {
    const period = `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const bill = {
      id: `bill-${CONSUMER}-${period}`,
      consumerNumber: CONSUMER,
      period,
      unitsKwh: '90',
      amount: '1000.50',
      dueDate: `${period}-28`,
      paid: false,
    };
    await stack.db.insert(bills).values(bill).onConflictDoNothing();
    await stack.db
      .insert(ledgerPostings)
      .values({ ...billPostings(bill)[0]!, postedAt: new Date(start + i * 3_600_000) })
      .onConflictDoNothing();
  }
  const [payment] = await stack.db
    .insert(ledgerPostings)
    .values({
      consumerNumber: CONSUMER,
      kind: 'payment',
      amount: '-1000.50',
      billId: `bill-${CONSUMER}-2025-01`,
      sourceRef: 'counter',
      idempotencyKey: `test-ledger-payment-${CONSUMER}`,
      postedAt: new Date(start + 23 * 3_600_000),
    })
    .onConflictDoNothing()
    .returning();
  if (payment) {
    const sup = await stack.token({ role: 'supervisor', subject: 'sup-ledger-test', office: 'circle-ekm' });
    const reversed = await stack.call('POST', `/v1/consumers/${CONSUMER}/ledger/reversals`, {
      token: sup,
      headers: { 'idempotency-key': `portal-ledger-${CONSUMER}` },
      body: { postingId: payment.id, reason: 'Cheque returned unpaid by the bank' },
    });
    expect(reversed.status, reversed.text).toBe(201);
  }
});
afterAll(async () => portal?.stop());

describe('the ledger in the portal', () => {
  it('is linked from home, shows the postings with the running balance a page at a time, and marks the reversal', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const since = new Date(Date.now() - 1000);
    await page.goto(`${base}/`);
    await page.getByLabel(en('signIn.numberLabel')).fill(CONSUMER);
    await page.getByRole('button', { name: en('signIn.sendCode') }).click();
    await page.getByRole('heading', { name: en('signIn.codeTitle') }).waitFor();
    const rows = await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(eq(devOutbox.recipient, PHONE))
          .orderBy(desc(devOutbox.createdAt)),
      (r) => r.some((m) => m.createdAt > since),
    );
    const code = /\b(\d{6})\b/.exec(rows[0]!.body)?.[1];
    await page.getByLabel(en('signIn.codeLabel')).fill(code!);
    await page.getByRole('button', { name: en('signIn.verify'), exact: true }).click();
    await page.waitForURL(`${base}/home`);
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang="en"]').waitFor();
    }

    await page.getByRole('link', { name: en('home.ledger') }).click();
    await page.waitForURL(`${base}/ledger?consumer=${CONSUMER}`);
    // 22 bills of ₹1,000.50, a payment and its reversal: ₹22,011.00 owed.
    expect(await page.locator('#ledger-balance').textContent()).toBe(
      en('ledger.balanceOwed', { amount: '₹22,011.00' }),
    );
    const items = page.locator('table.ledger tbody tr');
    expect(await items.count()).toBe(20);
    const first = items.first();
    expect(await first.getAttribute('data-kind')).toBe('reversal');
    expect(await first.textContent()).toContain('Cheque returned unpaid by the bank');
    expect(await first.locator('td').last().textContent()).toBe('₹22,011.00');
    expect(await items.nth(1).textContent()).toContain(en('ledger.reversed'));
    expect(await items.nth(1).locator('td').last().textContent()).toBe('₹21,010.50');
    await shoot(page, 'portal-ledger');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '.data/screenshots/portal-ledger-phone-top.png' });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: `${en('ledger.older')} →` }).click();
    await page.waitForURL(`${base}/ledger?consumer=${CONSUMER}&page=2`);
    expect(await items.count()).toBe(4);
    // The oldest posting: the first bill, the balance after it that bill alone.
    expect(await items.last().locator('td').last().textContent()).toBe('₹1,000.50');
    expect(await page.locator('.pager').textContent()).toContain(en('ledger.pageOf', { page: 2, pages: 2 }));
    await context.close();
  });
});
