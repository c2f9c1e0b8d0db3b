import { mkdirSync, writeFileSync } from 'node:fs';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bills, corporateConsumers, corporates, ledgerPostings } from '../db/schema';
import { mt940, payerCsv, type TFixtureEntry } from './helpers/bank-fixtures';
import { issueBill as issueOwnBill, makeOwnConsumers } from './helpers/own-consumers';
import { pdfsig, pdfText } from './helpers/poppler';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';
import { xlsx, xlsxBomb } from './helpers/xlsx-fixtures';

/**
 * XLSX payer lists, the signed batch report and reversals on the real stack. This file makes its
 * own consumers (1560299000041–49, copies of a Kalamassery consumer) and corporate, so it shares
 * nothing with the other bulk payment tests.
 */
let stack: TestStack;
const N = (n: number) => `15602990000${n}`;
const CORP = 'corp-test-accounts';
const VA = 'KSEB0CORPA041';
const OFFICE = 'div-ekm-aluva';

beforeAll(async () => {
  stack = await startTestStack();
  await makeOwnConsumers(stack, [41, 42, 43, 44, 45, 46].map(N));
  await stack.db
    .insert(corporates)
    .values({ id: CORP, name: 'Accounts Test Corporate', officeId: OFFICE, virtualAccount: VA })
    .onConflictDoNothing();
  await stack.db
    .insert(corporateConsumers)
    .values([41, 42, 43, 44, 45].map((n) => ({ corporateId: CORP, consumerNumber: N(n) })))
    .onConflictDoNothing();
});
afterAll(async () => stack?.stop());

const issueBill = (n: number, period: string, amount: number) => issueOwnBill(stack, N(n), period, amount);

const tokens = {
  csc: () => stack.token({ role: 'csc', subject: 'csc-acc', office: 'circle-ekm' }),
  sup: () => stack.token({ role: 'supervisor', subject: 'sup-acc', office: 'circle-ekm' }),
  consumer: (n: number) => stack.token({ role: 'consumer', subject: `c-${N(n)}`, consumers: [N(n)] }),
};

async function upload(
  payerList: string | Uint8Array,
  statement: string,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  form.set('corporateId', CORP);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const bytes = typeof payerList === 'string' ? new TextEncoder().encode(payerList) : payerList;
  form.set(
    'payerList',
    new Blob([new Uint8Array(bytes)]),
    typeof payerList === 'string' ? 'list.csv' : 'list.xlsx',
  );
  form.set('statement', new Blob([new TextEncoder().encode(statement)]), 'statement.mt940');
  const res = await stack.app.request('/v1/bulk-payments', {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokens.csc()}` },
    body: form,
  });
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as any };
}
const batch = async (id: string, query = '') =>
  (await stack.call('GET', `/v1/bulk-payments/${id}${query}`, { token: await tokens.csc() })).json;
const until = (id: string, status: string) =>
  waitFor(
    () => batch(id),
    (b) => b.status === status,
    30_000,
  );
const outcomes = (b: { lines: { items: { lineNo: number; status: string; reason: string | null }[] } }) =>
  b.lines.items.map((l) => [l.lineNo, l.status, l.reason]);
const pdfOf = async (id: string, lang = 'en') => {
  const res = await stack.app.request(`/v1/bulk-payments/${id}/report.pdf?lang=${lang}`, {
    headers: { authorization: `Bearer ${await tokens.csc()}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    pdf: Buffer.from(await res.arrayBuffer()),
  };
};
const reverse = async (n: number, body: Record<string, unknown>, key: string, token?: string) =>
  stack.call('POST', `/v1/consumers/${N(n)}/ledger/reversals`, {
    token: token ?? (await tokens.sup()),
    body,
    headers: { 'idempotency-key': key },
  });

describe('an .xlsx payer list', () => {
  it('reconciles line for line as the same list in CSV, is posted on approval, and its signed report has the totals', async () => {
    const p = '2027-03';
    await issueBill(41, p, 125000);
    await issueBill(42, p, 987.5);
    await issueBill(43, p, 1500);
    const lines = [
      { consumer: N(41), amount: 125000, bill: p },
      { consumer: N(42), amount: 987.5, bill: p },
      { consumer: N(43), amount: 1400, bill: p }, // amount differs
      { consumer: N(46), amount: 300 }, // not in the corporate's set
    ];
    const total = 125000 + 987.5 + 1400 + 300;
    const entries: TFixtureEntry[] = [
      { ref: 'UTR2027031500041', amount: total, date: '2027-03-15', details: `NEFT CR ${VA} ACCOUNTS TEST` },
    ];
    // The same lines as CSV against one statement, as XLSX against another: the same outcomes.
    const csv = await upload(payerCsv(lines), mt940('STMT-ACC-CSV', entries));
    const sheet = xlsx([
      ['Consumer No.', 'AMOUNT', 'Bill Period'],
      ...lines.map((l) => [Number(l.consumer), l.amount, l.bill ?? null]),
    ]);
    const book = await upload(sheet, mt940('STMT-ACC-XLSX', entries));
    expect([csv.status, book.status]).toEqual([201, 201]);
    expect(book.json.listRef).toBe(csv.json.listRef); // the same lines as read
    const [a, b] = await Promise.all([
      until(csv.json.id, 'awaiting-approval'),
      until(book.json.id, 'awaiting-approval'),
    ]);
    expect(outcomes(b)).toEqual(outcomes(a));
    expect(outcomes(b)).toEqual([
      [1, 'ready', null],
      [2, 'ready', null],
      [3, 'exception', 'amount-differs'],
      [4, 'exception', 'not-in-corporate-set'],
    ]);
    expect(b.report).toMatchObject({
      listTotal: total,
      ready: { lines: 2, amount: 125987.5 },
      suspense: 1700,
    });

    // The report before approval: signed, the figures in Indian grouping.
    const before = await pdfOf(book.json.id);
    expect(before.status).toBe(200);
    expect(before.type).toBe('application/pdf');
    expect(pdfsig(before.pdf)).toMatch(/Signature Validation: Signature is Valid/);
    expect(pdfsig(before.pdf)).toMatch(/Total document signed/);
    const beforeText = pdfText(before.pdf);
    expect(beforeText).toContain('Awaiting approval');
    expect(beforeText).toContain('₹1,27,687.50'); // the list's total
    expect(beforeText).toContain('₹1,25,000.00');
    expect(beforeText).toContain('Amount differs from the bill');
    // Asked again: the same file, not a second signature.
    expect((await pdfOf(book.json.id)).pdf.equals(before.pdf)).toBe(true);

    const approved = await stack.call('POST', `/v1/bulk-payments/${book.json.id}/approve`, {
      token: await tokens.sup(),
    });
    expect(approved.status).toBe(202);
    const posted = await until(book.json.id, 'posted');
    expect(posted.report.posted).toEqual({ lines: 2, amount: 125987.5, suspense: 1700 });
    const after = await pdfOf(book.json.id);
    const afterText = pdfText(after.pdf);
    expect(pdfsig(after.pdf)).toMatch(/Signature is Valid/);
    expect(afterText).toContain('Posted');
    expect(afterText).toMatch(/Posted 2 ₹1,25,987\.50/);
    expect(afterText).toMatch(/To suspense ₹1,700\.00/);
    const malayalam = await pdfOf(book.json.id, 'ml');
    expect(pdfText(malayalam.pdf)).toContain('പോസ്റ്റ് ചെയ്തത്');
    mkdirSync('.data/screenshots', { recursive: true });
    writeFileSync('.data/screenshots/bulk-report.pdf', after.pdf);
    writeFileSync('.data/screenshots/bulk-report-ml.pdf', malayalam.pdf);

    // The CSV batch is still awaiting approval: its lines were not posted by the XLSX batch's.
    expect((await batch(csv.json.id)).status).toBe('awaiting-approval');
  });

  it('refuses hostile and foreign files naming the payer list', async () => {
    const statement = mt940('STMT-ACC-BAD', [
      { ref: 'UTR2027031500099', amount: 10, date: '2027-03-15', details: `NEFT CR ${VA}` },
    ]);
    const bomb = await upload(xlsxBomb(40), statement);
    expect(bomb.status).toBe(400);
    expect(bomb.type).toMatch(/application\/problem\+json/);
    expect(bomb.json.errors).toEqual([{ field: 'payerList', message: expect.stringMatching(/zip bomb/) }]);
    const legacy = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    const xls = await upload(legacy, statement);
    expect(xls.status).toBe(400);
    expect(xls.json.errors).toEqual([
      { field: 'payerList', message: expect.stringMatching(/\.xls workbook/) },
    ]);
    const noHeader = await upload(
      xlsx([
        ['Name', 'Rupees'],
        ['X', 10],
      ]),
      statement,
    );
    expect(noHeader.status).toBe(400);
    expect(noHeader.json.errors[0]).toMatchObject({
      field: 'payerList',
      message: expect.stringMatching(/consumer_number and amount/),
    });
    const badAmount = await upload(
      xlsx([
        ['consumer number', 'amount'],
        [Number(N(41)), 'ten'],
      ]),
      statement,
    );
    expect(badAmount.json.errors[0]).toMatchObject({
      field: 'payerList',
      message: expect.stringMatching(/line 1: amount "ten"/),
    });
  });
});

describe('reversals', () => {
  it('reverses a posting once, answers a retry with the same reversal, refuses a second and the wrong role, and the balance follows', async () => {
    const p = '2027-04';
    const billId = await issueBill(44, p, 2200);
    const entries: TFixtureEntry[] = [
      { ref: 'UTR2027041500044', amount: 2200, date: '2027-04-15', details: `NEFT CR ${VA}` },
    ];
    const up = await upload(
      payerCsv([{ consumer: N(44), amount: 2200, bill: p }]),
      mt940('STMT-ACC-REV', entries),
    );
    await until(up.json.id, 'awaiting-approval');
    await stack.call('POST', `/v1/bulk-payments/${up.json.id}/approve`, { token: await tokens.sup() });
    const posted = await until(up.json.id, 'posted');
    const line = posted.lines.items[0];
    expect(line).toMatchObject({ status: 'posted', reversal: null });
    const ledger = async () =>
      (await stack.call('GET', `/v1/consumers/${N(44)}/ledger`, { token: await tokens.consumer(44) })).json;
    const beforeBalance = (await ledger()).balance;

    const wrongRole = await reverse(
      44,
      { postingId: line.postingId, reason: 'paid for the wrong consumer' },
      'rev-acc-44-csc',
      await tokens.csc(),
    );
    expect(wrongRole.status).toBe(403);
    const noReason = await reverse(44, { postingId: line.postingId }, 'rev-acc-44-none');
    expect(noReason.status).toBe(400);
    expect(noReason.json.errors[0].field).toBe('reason');
    const noKey = await stack.call('POST', `/v1/consumers/${N(44)}/ledger/reversals`, {
      token: await tokens.sup(),
      body: { postingId: line.postingId, reason: 'paid for the wrong consumer' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.json.errors[0].field).toMatch(/idempotency-key/);

    const first = await reverse(
      44,
      { postingId: line.postingId, reason: 'paid for the wrong consumer' },
      'rev-acc-44-one',
    );
    expect(first.status).toBe(201);
    expect(first.json.reversal).toMatchObject({
      kind: 'reversal',
      amount: 2200,
      reversesId: line.postingId,
      billId,
      note: 'paid for the wrong consumer',
      postedBy: 'sup-acc',
    });
    expect(first.json.balance).toBe(beforeBalance + 2200);
    const retry = await reverse(
      44,
      { postingId: line.postingId, reason: 'paid for the wrong consumer' },
      'rev-acc-44-one',
    );
    expect(retry.status).toBe(200);
    expect(retry.json.reversal.id).toBe(first.json.reversal.id);
    const twice = await reverse(44, { postingId: line.postingId, reason: 'again' }, 'rev-acc-44-two');
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(twice.json.detail).toMatch(new RegExp(`reversed already \\(posting ${first.json.reversal.id}`));
    const ofReversal = await reverse(
      44,
      { postingId: first.json.reversal.id, reason: 'undo the undo' },
      'rev-acc-44-three',
    );
    expect(ofReversal.status).toBe(409);
    const otherOffice = await reverse(
      44,
      { postingId: line.postingId, reason: 'not mine' },
      'rev-acc-44-four',
      await stack.token({ role: 'supervisor', subject: 'sup-tvm', office: 'circle-tvm' }),
    );
    expect(otherOffice.status).toBe(403);

    // Exactly one reversal and one suspense posting of the money; nothing edited.
    const made = await stack.db
      .select()
      .from(ledgerPostings)
      .where(eq(ledgerPostings.reversesId, line.postingId));
    expect(made).toHaveLength(1);
    const [original] = await stack.db
      .select()
      .from(ledgerPostings)
      .where(eq(ledgerPostings.id, line.postingId));
    expect(original).toMatchObject({ kind: 'payment', amount: '-2200.00' });
    const held = await stack.db
      .select()
      .from(ledgerPostings)
      .where(inArray(ledgerPostings.idempotencyKey, [`reversal-suspense/${line.postingId}`]));
    expect(held).toMatchObject([{ kind: 'suspense', amount: '-2200.00', consumerNumber: null }]);

    // The ledger and the account: the bill is owed again.
    const after = await ledger();
    expect(after.balance).toBe(beforeBalance + 2200);
    expect(after.items[0]).toMatchObject({
      kind: 'reversal',
      reversesId: line.postingId,
      balance: after.balance,
    });
    expect(after.items.find((i: { id: number }) => i.id === line.postingId)).toMatchObject({
      reversedById: first.json.reversal.id,
    });
    const account = (
      await stack.call('GET', `/v1/consumers/${N(44)}/account`, { token: await tokens.consumer(44) })
    ).json;
    expect(account.arrears.amount).toBeGreaterThanOrEqual(2200);
    const [bill] = await stack.db.select().from(bills).where(eq(bills.id, billId));
    expect(bill!.paid).toBe(false);

    // The batch report marks the line reversed: JSON, CSV and a new signed PDF.
    const reported = await batch(up.json.id, '?lines=reversed');
    expect(reported.reversed).toEqual({ lines: 1, amount: 2200 });
    expect(reported.lines.items[0].reversal).toMatchObject({
      postingId: first.json.reversal.id,
      reason: 'paid for the wrong consumer',
    });
    const csv = await stack.call('GET', `/v1/bulk-payments/${up.json.id}/report.csv`, {
      token: await tokens.csc(),
    });
    expect(csv.text).toContain(`,${first.json.reversal.id},paid for the wrong consumer`);
    expect(csv.text).toContain('reversed,1,2200.00');
    const pdf = await pdfOf(up.json.id);
    expect(pdfsig(pdf.pdf)).toMatch(/Signature is Valid/);
    expect(pdfText(pdf.pdf)).toMatch(/Reversed since posting 1 ₹2,200\.00/);
    expect(pdfText(pdf.pdf)).toContain('Reversed: paid for the wrong consumer');
  });
});
