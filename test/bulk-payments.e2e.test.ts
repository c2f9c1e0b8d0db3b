import { and, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bills,
  bulkPaymentLines,
  consumers,
  corporateConsumers,
  corporates,
  ledgerPostings,
} from '../db/schema';
import { noticeWorkflowId } from '../domain/notices';
import { billPostings } from '../scripts/lib/demo-data';
import { camt053, MIXED_LIST_OUTCOMES, mt940, payerCsv, type TFixtureEntry } from './helpers/bank-fixtures';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';

/**
 * Corporate bulk payments on the real stack. Consumers 1560200000020–29 (sec-kalamassery) are this
 * file's: each test bills them for a period of its own, so tests do not see each other's bills.
 */
let stack: TestStack;
const N = (n: number) => `15602000000${n}`;
const CORP = 'corp-test-bulk';
const VA = 'KSEB0CORPT001';
const OFFICE = 'div-ekm-aluva';
const enc = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  // Two lines per posting activity, so a batch of a few lines takes several calls.
  stack = await startTestStack({ env: { BULK_PAYMENT_BATCH_SIZE: '2' } });
  await stack.db
    .insert(corporates)
    .values({ id: CORP, name: 'Test Corporate', officeId: OFFICE, virtualAccount: VA })
    .onConflictDoNothing();
  // 20–27 and 29 are the corporate's; 28 is not; 29 is dismantled.
  await stack.db
    .insert(corporateConsumers)
    .values([20, 21, 22, 23, 24, 25, 26, 27, 29].map((n) => ({ corporateId: CORP, consumerNumber: N(n) })))
    .onConflictDoNothing();
  await stack.db
    .update(consumers)
    .set({ active: false })
    .where(eq(consumers.consumerNumber, N(29)));
});
afterAll(async () => stack?.stop());

/** A bill issued the way the ledger expects: the bill and its posting. */
async function issueBill(n: number, period: string, amount: number) {
  const bill = {
    id: `bill-${N(n)}-${period}`,
    consumerNumber: N(n),
    period,
    unitsKwh: '100',
    amount: amount.toFixed(2),
    dueDate: `${period}-28`,
    paid: false,
  };
  await stack.db.insert(bills).values(bill).onConflictDoNothing();
  // Issued a minute ago (its period is in the future of the test's clock).
  const [posting] = billPostings(bill);
  await stack.db
    .insert(ledgerPostings)
    .values({ ...posting!, postedAt: new Date(Date.now() - 60_000) })
    .onConflictDoNothing();
  return bill.id;
}

const tokens = {
  csc: () => stack.token({ role: 'csc', subject: 'csc-anu', office: 'circle-ekm' }),
  sup: (subject = 'sup-csc-ekm') => stack.token({ role: 'supervisor', subject, office: 'circle-ekm' }),
};

async function upload(
  files: { payerList?: string | Uint8Array; statement?: string | Uint8Array },
  fields: Record<string, string> = { corporateId: CORP },
  token?: string,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const [k, v] of Object.entries(files))
    form.set(k, new Blob([typeof v === 'string' ? enc(v) : new Uint8Array(v)]), `${k}.txt`);
  const res = await stack.app.request('/v1/bulk-payments', {
    method: 'POST',
    headers: { authorization: `Bearer ${token ?? (await tokens.csc())}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(text || 'null') };
}

const batch = async (id: string, query = '') =>
  (await stack.call('GET', `/v1/bulk-payments/${id}${query}`, { token: await tokens.csc() })).json;
const until = (id: string, status: string) =>
  waitFor(
    () => batch(id),
    (b) => b.status === status,
    30_000,
  );
const postingsOf = (id: string) =>
  stack.db
    .select()
    .from(ledgerPostings)
    .where(eq(ledgerPostings.sourceRef, `bulk-payment/${id}`));
const approve = async (id: string, token: string) =>
  stack.call('POST', `/v1/bulk-payments/${id}/approve`, { token });

describe('a mixed list against an MT940 statement', () => {
  it('reconciles every exception kind, refuses the uploader and the wrong role, posts once however often it is sent', async () => {
    const p = '2027-01';
    const b20 = await issueBill(20, p, 1020);
    await issueBill(21, p, 1021.5);
    await issueBill(22, p, 1022);
    await issueBill(24, p, 1024);
    const list = payerCsv([
      { consumer: N(20), amount: 1020, bill: b20 }, // posted
      { consumer: N(21), amount: 1021.5, bill: p }, // posted (bill by period)
      { consumer: '1560200099999', amount: 100 }, // unknown consumer
      { consumer: N(28), amount: 200 }, // not in the corporate's set
      { consumer: N(22), amount: 1000, bill: p }, // amount differs
      { consumer: N(20), amount: 1020, bill: p }, // duplicate
      { consumer: N(23), amount: 500, bill: `bill-${N(23)}-2026-08` }, // already paid (demo bill)
      { consumer: N(29), amount: 300 }, // inactive
      { consumer: N(24), amount: 1024, bill: '2031-01' }, // unknown bill
    ]);
    const total = 1020 + 1021.5 + 100 + 200 + 1000 + 1020 + 500 + 300 + 1024;
    const entries: TFixtureEntry[] = [
      { ref: 'UTR0000000000777', amount: 777, date: '2027-01-14', details: 'NEFT CR someone else' },
      { ref: 'UTR2027011500123', amount: total, date: '2027-01-15', details: `NEFT CR ${VA} TEST CORPORATE` },
    ];
    const statement = mt940('STMT-T-0115', entries);
    const sup = await tokens.sup('sup-uploader');
    const first = await upload(
      { payerList: list, statement },
      { corporateId: CORP, reference: 'UTR2027011500123' },
      sup,
    );
    expect(first.status).toBe(201);
    expect(first.json.workflowId).toMatch(/^bulk-payment\/STMT-T-0115\/[0-9a-f]{16}$/);
    const id = first.json.id as string;

    const reconciled = await until(id, 'awaiting-approval');
    expect(reconciled.report.statement).toMatchObject({
      match: 'matched',
      by: 'reference',
      entryRef: 'UTR2027011500123',
    });
    expect(
      Object.fromEntries(reconciled.lines.items.map((l: any) => [l.lineNo, l.reason ?? l.status])),
    ).toEqual(MIXED_LIST_OUTCOMES);
    expect(reconciled.report.ready).toEqual({ lines: 2, amount: 2041.5 });
    expect(reconciled.report.suspense).toBeCloseTo(total - 2041.5, 2);
    const exceptions = await batch(id, '?lines=exception');
    expect(exceptions.lines.total).toBe(7);

    // Four eyes, and the role: neither posts anything.
    const byUploader = await approve(id, sup);
    expect(byUploader.status).toBe(403);
    expect(byUploader.headers.get('content-type')).toMatch(/problem\+json/);
    expect(byUploader.json.detail).toMatch(/four eyes/);
    expect((await approve(id, await tokens.csc())).status).toBe(403);
    expect(await postingsOf(id)).toHaveLength(0);

    const approver = await tokens.sup('sup-approver');
    const ok = await approve(id, approver);
    expect(ok.status).toBe(202);
    expect(ok.json.approvedBy).toBe('sup-approver');
    expect((await approve(id, approver)).json.approvedBy).toBe('sup-approver'); // retried
    expect((await approve(id, await tokens.sup('sup-other'))).json.approvedBy).toBe('sup-approver');
    const posted = await until(id, 'posted');
    expect(posted.report.posted).toEqual({ lines: 2, amount: 2041.5, suspense: total - 2041.5 });

    // The same files again: the same batch and workflow, nothing posted twice.
    const again = await upload(
      { payerList: list, statement },
      { corporateId: CORP, reference: 'UTR2027011500123' },
    );
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(id);
    await sleep(500);
    const postings = await postingsOf(id);
    expect(postings.filter((x) => x.kind === 'payment')).toHaveLength(2);
    expect(postings.filter((x) => x.kind === 'suspense')).toHaveLength(7);
    expect(postings.filter((x) => x.kind === 'suspense').every((x) => x.consumerNumber === null)).toBe(true);
    // Money in equals money posted plus money held.
    expect(postings.reduce((s, x) => s - Number(x.amount), 0)).toBeCloseTo(total, 2);
    const [paid] = await stack.db.select().from(bills).where(eq(bills.id, b20));
    expect(paid!.paid).toBe(true);

    // The consumer's ledger and account: the bill and its payment, balance as before the bill.
    const consumer = await stack.token({ role: 'consumer', consumers: [N(20)] });
    const ledger = await stack.call('GET', `/v1/consumers/${N(20)}/ledger?pageSize=2`, { token: consumer });
    expect(ledger.status).toBe(200);
    expect(ledger.json.items[0]).toMatchObject({ kind: 'payment', amount: -1020, billId: b20 });
    expect(ledger.json.items[1]).toMatchObject({ kind: 'bill', amount: 1020, billId: b20 });
    expect(ledger.json.items[0].balance).toBeCloseTo(ledger.json.items[1].balance - 1020, 2);
    expect(ledger.json.balance).toBe(ledger.json.items[0].balance);
    const account = await stack.call('GET', `/v1/consumers/${N(20)}/account`, { token: consumer });
    expect(account.json.latestBill).toMatchObject({ period: p, paid: true });

    // The consumer is told.
    const line1 = posted.lines.items.find((l: any) => l.lineNo === 1);
    const notice = await waitFor(
      () =>
        stack.client.workflow
          .getHandle(noticeWorkflowId(`bulk-payment/${id}/1`))
          .describe()
          .then((d) => d.type)
          .catch(() => undefined),
      (t) => t !== undefined,
    );
    expect(notice).toBe('noticeWorkflow');
    expect(line1.postingId).toBe(postings.find((x) => x.billId === b20)!.id);

    // The report as CSV.
    const csv = await stack.app.request(`/v1/bulk-payments/${id}/report.csv`, {
      headers: { authorization: `Bearer ${await tokens.csc()}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).split('\r\n');
    expect(rows[0]).toBe('line,consumer_number,amount,bill_reference,status,reason,bill_id,posting_id,reversal_posting_id,reversal_reason');
    expect(rows[3]).toContain(',exception,unknown-consumer,');
    expect(rows).toContain('posted,2,2041.50');

    // Staff of another office and other consumers see none of it.
    const tvm = await stack.token({ role: 'csc', office: 'circle-tvm' });
    expect((await stack.call('GET', `/v1/bulk-payments/${id}`, { token: tvm })).status).toBe(403);
    expect(
      (await stack.call('GET', '/v1/bulk-payments', { token: tvm })).json.items.map((b: any) => b.id),
    ).not.toContain(id);
    expect(
      (await stack.call('GET', '/v1/bulk-payments', { token: await tokens.csc() })).json.items.map(
        (b: any) => b.id,
      ),
    ).toContain(id);
    const other = await stack.token({ role: 'consumer', consumers: [N(21)] });
    expect((await stack.call('GET', `/v1/consumers/${N(20)}/ledger`, { token: other })).status).toBe(403);
  });
});

describe('camt.053 statements', () => {
  it('matches by the virtual account, holds an entry of another amount whole, and finds no entry for a missing payment', async () => {
    const p = '2027-02';
    await issueBill(25, p, 1525);
    await issueBill(26, p, 1526);
    const list = payerCsv([
      { consumer: N(25), amount: 1525, bill: p },
      { consumer: N(26), amount: 1526, bill: p },
      { consumer: N(28), amount: 10 }, // not in the set
    ]);
    const total = 1525 + 1526 + 10;
    const statement = camt053('CAMT-T-0215', [
      { ref: 'BANKREF-A', amount: total, date: '2027-02-15', details: `NEFT ${VA} FEB` },
      { ref: 'BANKREF-B', amount: 999, date: '2027-02-15', details: `NEFT ${VA} PART` },
    ]);
    const ok = await upload({ payerList: list, statement }, { corporateId: CORP, paymentDate: '2027-02-15' });
    expect(ok.status).toBe(201);
    const reconciled = await until(ok.json.id, 'awaiting-approval');
    expect(reconciled.report.statement).toMatchObject({
      format: 'camt.053',
      match: 'matched',
      by: 'virtual-account',
      entryRef: 'BANKREF-A',
    });
    expect(reconciled.lines.items.map((l: any) => l.reason ?? l.status)).toEqual([
      'ready',
      'ready',
      'not-in-corporate-set',
    ]);
    expect((await approve(ok.json.id, await tokens.sup())).status).toBe(202);
    expect((await until(ok.json.id, 'posted')).report.posted).toEqual({
      lines: 2,
      amount: 3051,
      suspense: 10,
    });

    // Another list naming the second entry's reference: its amount differs, all of it goes to suspense.
    const short = await upload(
      { payerList: payerCsv([{ consumer: N(27), amount: 1000 }]), statement },
      { corporateId: CORP, reference: 'BANKREF-B' },
    );
    const held = await until(short.json.id, 'awaiting-approval');
    expect(held.report.statement).toMatchObject({ match: 'amount-differs', entryAmount: 999 });
    expect(held.lines.items[0].reason).toBe('statement-amount-differs');
    await approve(short.json.id, await tokens.sup());
    expect((await until(short.json.id, 'posted')).report.posted).toEqual({
      lines: 0,
      amount: 0,
      suspense: 999,
    });

    // A payment the statement does not carry: nothing received, nothing posted or held.
    const missing = await upload(
      { payerList: payerCsv([{ consumer: N(27), amount: 1234 }]), statement },
      { corporateId: CORP, reference: 'UTR-NOT-THERE' },
    );
    const none = await until(missing.json.id, 'awaiting-approval');
    expect(none.report.statement).toMatchObject({ match: 'not-found' });
    expect(none.lines.items[0].reason).toBe('statement-not-found');
    await approve(missing.json.id, await tokens.sup());
    expect((await until(missing.json.id, 'posted')).report.posted).toEqual({
      lines: 0,
      amount: 0,
      suspense: 0,
    });
    expect(await postingsOf(missing.json.id)).toHaveLength(0);
  });
});

describe('the CSV report', () => {
  it('does not let a spreadsheet run what a payer list or a bank file says', async () => {
    const formula = "=cmd|' /C calc'!A0";
    const statement = mt940('STMT-T-CSV', [
      { ref: 'UTR-CSV-1', amount: 50, date: '2027-05-02', details: `NEFT ${VA}` },
    ]);
    const res = await upload(
      { payerList: payerCsv([{ consumer: N(27), amount: 50, bill: formula }]), statement },
      { corporateId: CORP, reference: '@SUM(1+1)' },
    );
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    await until(res.json.id, 'awaiting-approval');
    const csv = await (
      await stack.app.request(`/v1/bulk-payments/${res.json.id}/report.csv`, {
        headers: { authorization: `Bearer ${await tokens.csc()}` },
      })
    ).text();
    const cells = csv.split('\r\n').flatMap((row) => row.split(','));
    // Every cell that would start a formula is text ('…); the totals block is CSV of its own.
    expect(cells.filter((c) => /^"?[=+@]/.test(c))).toEqual([]);
    expect(cells).toContain(`'${formula}`);
    expect(csv).toMatch(/\r\n\r\nbatch,BP-/);
  });
});

describe('a worker that stops mid-posting', () => {
  it('posts each line once when it comes back', async () => {
    const p = '2027-03';
    const ns = [20, 21, 22, 23, 24, 25, 26, 27];
    const billIds = await Promise.all(ns.map((n) => issueBill(n, p, 300 + n)));
    const list = payerCsv(ns.map((n) => ({ consumer: N(n), amount: 300 + n, bill: p })));
    const total = ns.reduce((s, n) => s + 300 + n, 0);
    const statement = mt940('STMT-T-0315', [
      { ref: 'UTR2027031500999', amount: total, date: '2027-03-15', details: `NEFT ${VA}` },
    ]);
    const up = await upload({ payerList: list, statement });
    const id = up.json.id as string;
    await until(id, 'awaiting-approval');
    expect((await approve(id, await tokens.sup())).status).toBe(202);
    // Stop the worker as soon as the first batch of postings is in.
    const postedLines = () =>
      stack.db
        .select({ lineNo: bulkPaymentLines.lineNo })
        .from(bulkPaymentLines)
        .where(and(eq(bulkPaymentLines.bulkPaymentId, id), eq(bulkPaymentLines.status, 'posted')));
    for (let i = 0; i < 4000 && (await postedLines()).length === 0; i++) await sleep(5);
    await stack.stopWorker();
    const whileStopped = (await postedLines()).length;
    expect(whileStopped).toBeGreaterThan(0);
    expect(whileStopped).toBeLessThan(8);
    await sleep(1500); // nothing moves without a worker
    expect((await postedLines()).length).toBe(whileStopped);
    await stack.startWorker();
    const done = await until(id, 'posted');
    expect(done.report.posted).toMatchObject({ lines: 8, suspense: 0 });
    const postings = await stack.db
      .select()
      .from(ledgerPostings)
      .where(and(inArray(ledgerPostings.billId, billIds), like(ledgerPostings.sourceRef, 'bulk-payment/%')));
    expect(postings).toHaveLength(8);
    expect(new Set(postings.map((x) => x.billId))).toEqual(new Set(billIds));
    expect(postings.reduce((s, x) => s - Number(x.amount), 0)).toBeCloseTo(total, 2);
    // A quiet machine takes 3–11 s (the restarted worker waits out the dead one's sticky queue);
    // CI's, running other files beside it, took over 30 s.
  }, 120_000);
});

describe('bad uploads', () => {
  const statement = mt940('STMT-T-BAD', [{ ref: 'UTR1', amount: 10, date: '2027-04-01', details: VA }]);
  const list = payerCsv([{ consumer: N(27), amount: 10 }]);
  const fieldOf = (res: { json: any }) => res.json.errors?.map((e: any) => e.field);

  it('name the field at fault in problem+json', async () => {
    const notCsv = await upload({ payerList: new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0xff]), statement });
    expect(notCsv.status).toBe(400);
    expect(notCsv.type).toMatch(/application\/problem\+json/);
    expect(fieldOf(notCsv)).toEqual(['payerList']);
    const unparseable = await upload({ payerList: list, statement: ':20:X\r\n:60F:nonsense\r\n' });
    expect(unparseable.status).toBe(400);
    expect(fieldOf(unparseable)).toEqual(['statement']);
    const empty = await upload({ payerList: 'consumer_number,amount\n', statement });
    expect(fieldOf(empty)).toEqual(['payerList']);
    expect(empty.json.errors[0].message).toMatch(/no payment lines/);
    const both = await upload({ payerList: '', statement: '<not xml' });
    expect(fieldOf(both)).toEqual(['payerList', 'statement']);
    const noFiles = await upload({});
    expect(fieldOf(noFiles)).toEqual(['payerList', 'statement']);
    const noCorporate = await upload({ payerList: list, statement }, { corporateId: 'corp-nobody' });
    expect(fieldOf(noCorporate)).toEqual(['corporateId']);
    const badDate = await upload(
      { payerList: list, statement },
      { corporateId: CORP, paymentDate: '15/04/2027' },
    );
    expect(fieldOf(badDate)).toEqual(['paymentDate']);
  });

  it('refuse the wrong role and the wrong media type', async () => {
    const agent = await stack.token({ role: 'agent', office: 'circle-ekm' });
    expect((await upload({ payerList: list, statement }, { corporateId: CORP }, agent)).status).toBe(403);
    const consumer = await stack.token({ role: 'consumer', consumers: [N(27)] });
    expect((await upload({ payerList: list, statement }, { corporateId: CORP }, consumer)).status).toBe(403);
    const tvm = await stack.token({ role: 'csc', office: 'circle-tvm' });
    expect((await upload({ payerList: list, statement }, { corporateId: CORP }, tvm)).status).toBe(403);
    const json = await stack.call('POST', '/v1/bulk-payments', {
      token: await tokens.csc(),
      body: { corporateId: CORP },
    });
    expect(json.status).toBe(415);
    expect(
      (await stack.call('GET', '/v1/bulk-payments/BP-NOPE', { token: await tokens.csc() })).json.errors[0]
        .field,
    ).toBe('path.id');
    expect(
      (await stack.call('GET', '/v1/bulk-payments/BP-00000000000000000000', { token: await tokens.csc() }))
        .status,
    ).toBe(404);
  });
});

describe('the ledger after all of it', () => {
  it('gives every consumer of this file a balance that is their arrears, from the postings alone', async () => {
    const agent = await stack.token({ role: 'agent', office: 'sec-kalamassery' });
    for (const n of [20, 21, 22, 23, 24, 25, 26, 27]) {
      const ledger = await stack.call('GET', `/v1/consumers/${N(n)}/ledger?pageSize=200`, { token: agent });
      const account = await stack.call('GET', `/v1/consumers/${N(n)}/account`, { token: agent });
      const sum = ledger.json.items.reduce((s: number, x: any) => s + x.amount, 0);
      expect(ledger.json.total).toBe(ledger.json.items.length);
      expect(ledger.json.balance).toBeCloseTo(sum, 2);
      // Nobody here paid more than they owed: the balance is what is outstanding on their bills.
      expect(account.json.arrears.amount).toBeCloseTo(ledger.json.balance, 2);
    }
  });
});
