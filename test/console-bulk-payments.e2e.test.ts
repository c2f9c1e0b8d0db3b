import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporateConsumers, corporates, staff } from '../db/schema';
import { consoleMessages } from '../web/console/messages';
import { mt940 } from './helpers/bank-fixtures';
import { issueBill, makeOwnConsumers } from './helpers/own-consumers';
import { pdfsig, pdfText } from './helpers/poppler';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { xlsx } from './helpers/xlsx-fixtures';

/**
 * The CSC's bulk payment pages in a real browser: a CSC clerk uploads a corporate's .xlsx list
 * and its statement, sees the exceptions and their reasons; a supervisor approves (the clerk
 * cannot), downloads the signed report and reverses a payment. Consumers 1560299000051–53 and the
 * corporate are this file's own.
 */
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);
const N = (n: number) => `15602990000${n}`;
const CORP = 'corp-test-console-bulk';
const VA = 'KSEB0CORPC051';
const CLERK = 'csc-browser-ekm';
const SUPERVISOR = 'sup-browser-ekm';

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;

beforeAll(async () => {
  portal = await startPortal();
  ({ stack, base, browser } = portal);
  await makeOwnConsumers(stack, [51, 52, 53].map(N));
  await stack.db
    .insert(corporates)
    .values({ id: CORP, name: 'Console Test Corporate', officeId: 'div-ekm-aluva', virtualAccount: VA })
    .onConflictDoNothing();
  await stack.db
    .insert(corporateConsumers)
    .values([51, 52].map((n) => ({ corporateId: CORP, consumerNumber: N(n) })))
    .onConflictDoNothing();
  const person = (subject: string, role: 'csc' | 'supervisor', name: string) => ({
    subject,
    name,
    role,
    officeId: 'circle-ekm',
    phone: '+919400000051',
    email: `${subject}@seva.example`,
    preferredChannel: 'email',
    language: 'en',
    active: true,
  });
  await stack.db
    .insert(staff)
    .values([person(CLERK, 'csc', 'Anu CSC'), person(SUPERVISOR, 'supervisor', 'Biju Supervisor')])
    .onConflictDoNothing();
  for (const [n, amount] of [
    [51, 4_56_789.5],
    [52, 1250],
    [53, 800],
  ] as const)
    await issueBill(stack, N(n), '2027-05', amount);
});
afterAll(async () => portal?.stop());

async function signIn(page: Page, subject: string) {
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel(en('signIn.demoUser')).selectOption(subject);
  await page.getByRole('button', { name: en('signIn.submit') }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('html[lang="en"]').waitFor();
  }
}

/** Reloads until the batch shows the status. */
async function untilStatus(page: Page, status: string) {
  for (let i = 0; i < 60; i++) {
    if (
      (
        await page.locator('section[aria-labelledby="figures"] .c-panel-head .c-flag').textContent()
      )?.trim() === status
    )
      return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  throw new Error(`the batch never showed "${status}"`);
}

describe('bulk payments in the console', () => {
  it('a CSC clerk uploads a list and statement, a supervisor approves, downloads the signed report and reverses a line', async () => {
    const list = xlsx([
      ['Consumer No', 'Amount (Rs)', 'Bill Month'],
      [Number(N(51)), 456789.5, '2027-05'],
      [Number(N(52)), 1200, '2027-05'], // amount differs
      [Number(N(53)), 800, '2027-05'], // not the corporate's
    ]);
    const total = 456789.5 + 1200 + 800;
    const statement = mt940('STMT-CONSOLE-0515', [
      { ref: 'UTR2027051500051', amount: total, date: '2027-05-15', details: `NEFT CR ${VA} CONSOLE TEST` },
    ]);

    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signIn(page, CLERK);
    // The CSC lands at the agent desk; bulk payments are one link away.
    await page.getByRole('link', { name: en('layout.bulkPayments') }).click();
    await page.waitForURL(`${base}/console/bulk-payments`);

    // A file that is no list: refused, the field named, nothing stored.
    await page.locator('#bulk-corporate').selectOption(CORP);
    await page.locator('#bulk-list').setInputFiles({
      name: 'payers.xlsx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
    });
    await page.locator('#bulk-statement').setInputFiles({
      name: 'statement.sta',
      mimeType: 'text/plain',
      buffer: Buffer.from(statement),
    });
    await page.getByRole('button', { name: en('bulk.upload') }).click();
    await page.locator('#failure-upload').waitFor();
    expect(await page.locator('#failure-upload').textContent()).toContain('payerList');
    expect(await page.locator('#failure-upload').textContent()).toContain('.xls workbook');
    await shoot(page, 'console-bulk-upload-refused');

    await page.locator('#bulk-corporate').selectOption(CORP);
    await page.locator('#bulk-list').setInputFiles({
      name: 'payers.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(list),
    });
    await page.locator('#bulk-statement').setInputFiles({
      name: 'statement.sta',
      mimeType: 'text/plain',
      buffer: Buffer.from(statement),
    });
    await page.locator('#bulk-reference').fill('UTR2027051500051');
    await page.getByRole('button', { name: en('bulk.upload') }).click();
    await page.waitForURL(/\/console\/bulk-payments\/BP-[0-9A-F]{20}\?uploaded$/);
    const batchUrl = page.url().replace(/\?.*$/, '');
    await untilStatus(page, 'Awaiting approval');
    // The clerk sees the exceptions and their reasons, and may not approve.
    expect(await page.locator('#approve-note').textContent()).toBe(en('bulk.approverOnly'));
    expect(await page.locator('#totals').textContent()).toContain('₹4,58,789.50');
    expect(await page.locator('tr[data-line="2"]').textContent()).toContain('Amount differs from the bill');
    expect(await page.locator('tr[data-line="3"]').textContent()).toContain(
      "Not among the corporate's consumers",
    );
    await shoot(page, 'console-bulk-batch-awaiting');
    await page.goto(`${base}/console/bulk-payments`);
    expect(await page.locator(`tr[data-batch="${batchUrl.split('/').at(-1)}"]`).textContent()).toContain(
      '3 lines, 2 exceptions',
    );
    await shoot(page, 'console-bulk-list');
    await page.getByRole('button', { name: en('layout.signOut') }).click();

    // The supervisor approves; the page follows the posting.
    await signIn(page, SUPERVISOR);
    await page.goto(batchUrl);
    await page.getByRole('button', { name: en('bulk.approve') }).click();
    await page.waitForURL(`${batchUrl}?approved`);
    await untilStatus(page, 'Posted');
    expect(await page.locator('tr[data-line="1"]').getAttribute('data-status')).toBe('posted');

    // The downloads: the CSV, and the PDF signed and in Indian figures.
    const csv = await context.request.get(`${batchUrl}/report.csv`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain('posted,1,456789.50');
    const pdf = await context.request.get(`${batchUrl}/report.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.body());
    expect(pdfsig(bytes)).toMatch(/Signature is Valid/);
    expect(pdfText(bytes)).toMatch(/Posted 1 ₹4,56,789\.50/);

    // Reversing the posted line: a reason, and the line is marked.
    await page.locator('tr[data-line="1"] summary').click();
    await page
      .getByLabel(en('bulk.reverseReason'))
      .fill('Corporate paid for a disconnected premises by mistake');
    await page.getByRole('button', { name: en('bulk.reverseSubmit') }).click();
    await page.waitForURL(/\?reversed&lines=reversed$/);
    expect(await page.locator('#done').textContent()).toContain(en('bulk.done-reversed'));
    expect(await page.locator('tr[data-line="1"]').getAttribute('data-status')).toBe('reversed');
    expect(await page.locator('#totals').textContent()).toContain('Reversed since posting');
    await shoot(page, 'console-bulk-batch-reversed');
    await page.goto(`${batchUrl}?lines=exception`);
    await shoot(page, 'console-bulk-batch-exceptions');
    await context.close();
  });
});
