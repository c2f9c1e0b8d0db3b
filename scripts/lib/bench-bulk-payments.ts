import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { createBulkPaymentActivities } from '../../activities/bulk-payments';
import type { Database } from '../../db/client';
import {
  bills,
  bulkPaymentLines,
  bulkPayments,
  consumers,
  corporateConsumers,
  corporates,
  ledgerPostings,
} from '../../db/schema';
import { paiseToDecimal } from '../../domain/ledger';
import { parseBankStatement } from '../../lib/bank-statement';
import { parsePayerList } from '../../lib/payer-list';
import { billPostings } from './demo-data';

const chunked = async <T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
};

/**
 * `npm run bench -- --scenario bulk-payments`: a corporate's list of `lines` payments (one per
 * consumer, each paying its open bill) read, reconciled and posted by the same activity code the
 * workflow runs (500 lines per posting call; notices not sent), next to the bare insert of the
 * same number of postings. Needs PostgreSQL only.
 */
export async function benchBulkPayments(db: Database, lines: number, say: (m: string) => void) {
  const section = { id: 'sec-kaloor', code: '5521', transformer: 'dtr-kaloor-1' };
  const numbers = Array.from(
    { length: lines },
    (_, i) => `1${section.code}2${String(i + 1).padStart(7, '0')}`,
  );
  say(`bulk payments: ${lines} consumers, each with an open bill`);
  await chunked(numbers, 1000, (part) =>
    db.insert(consumers).values(
      part.map((consumerNumber, i) => ({
        consumerNumber,
        name: `Bench Corporate Consumer ${i + 1}`,
        phone: `+9196${String(10_000_000 + i).padStart(8, '0')}`,
        address: 'Bench campus',
        sectionOfficeId: section.id,
        transformerId: section.transformer,
      })),
    ),
  );
  const billRows = numbers.map((consumerNumber, i) => ({
    id: `bill-${consumerNumber}-2027-01`,
    consumerNumber,
    period: '2027-01',
    unitsKwh: '100',
    amount: (500 + (i % 700) + 0.25).toFixed(2),
    dueDate: '2027-01-28',
    paid: false,
  }));
  await chunked(billRows, 1000, (part) => db.insert(bills).values(part));
  await chunked(billRows.flatMap((b) => billPostings(b)), 1000, (part) => db.insert(ledgerPostings).values(part));
  await db.insert(corporates).values({
    id: 'corp-bench',
    name: 'Bench Corporate',
    officeId: 'circle-ekm',
    virtualAccount: 'KSEB0BENCH01',
  });
  await chunked(numbers, 5000, (part) =>
    db
      .insert(corporateConsumers)
      .values(part.map((consumerNumber) => ({ corporateId: 'corp-bench', consumerNumber }))),
  );
  const total = billRows.reduce((s, b) => s + Math.round(Number(b.amount) * 100), 0);
  const csv = [
    'consumer_number,amount,bill_reference',
    ...billRows.map((b) => `${b.consumerNumber},${b.amount},${b.period}`),
  ].join('\n');
  const mt940 = [
    ':20:BENCH-STMT-1',
    ':25:KSEB00012345678',
    ':28C:00001/001',
    ':60F:C270114INR0,00',
    `:61:2701150115C${paiseToDecimal(total).replace('.', ',')}NTRFUTRBENCH000001`,
    ':86:NEFT CR KSEB0BENCH01',
    `:62F:C270115INR${paiseToDecimal(total).replace('.', ',')}`,
  ].join('\r\n');

  const t0 = performance.now();
  const list = parsePayerList(new TextEncoder().encode(csv));
  const statement = parseBankStatement(new TextEncoder().encode(mt940));
  if ('errors' in list || 'errors' in statement) throw new Error('bench files did not parse');
  const id = `BP-${createHash('sha256').update('bench').digest('hex').slice(0, 20).toUpperCase()}`;
  await db.transaction(async (tx) => {
    await tx.insert(bulkPayments).values({
      id,
      workflowId: `bulk-payment/${statement.statement.ref}/${list.ref}`,
      corporateId: 'corp-bench',
      officeId: 'circle-ekm',
      statementRef: statement.statement.ref,
      listRef: list.ref,
      statementFormat: statement.statement.format,
      statementEntries: statement.statement.entries,
      hints: {},
      status: 'reconciling',
      uploadedBy: 'bench',
    });
    await chunked(list.lines, 1000, (part) =>
      tx.insert(bulkPaymentLines).values(
        part.map((l) => ({
          bulkPaymentId: id,
          lineNo: l.lineNo,
          consumerNumber: l.consumerNumber,
          amount: paiseToDecimal(l.amount),
          billReference: l.billReference,
        })),
      ),
    );
  });
  const tStored = performance.now();
  const activities = createBulkPaymentActivities({
    db,
    now: () => new Date(),
    temporal: undefined as unknown as Client,
    taskQueue: 'bench',
  });
  const report = await activities.reconcileBulkPayment({ batchId: id });
  const tReconciled = performance.now();
  if (report.ready.lines !== lines)
    throw new Error(`only ${report.ready.lines} of ${lines} lines reconciled ready`);
  let afterLineNo = 0;
  for (;;) {
    const batch = await activities.postBulkPaymentLines({
      batchId: id,
      afterLineNo,
      limit: 500,
      approvedBy: 'bench-approver',
      approvedAt: new Date().toISOString(),
    });
    afterLineNo = batch.lastLineNo;
    if (batch.done) break;
  }
  const final = await activities.finishBulkPayment({ batchId: id });
  const tPosted = performance.now();
  if (final.posted?.lines !== lines) throw new Error(`posted ${final.posted?.lines} of ${lines}`);

  // The same number of postings, inserted bare (no reading, no lines, no bills marked).
  const bare = numbers.map((consumerNumber, i) => ({
    consumerNumber,
    kind: 'payment' as const,
    amount: `-${billRows[i]!.amount}`,
    billId: billRows[i]!.id,
    sourceRef: 'bench-bare',
    idempotencyKey: `bench-bare/${consumerNumber}`,
  }));
  const tBare0 = performance.now();
  await chunked(bare, 500, (part) =>
    db.insert(ledgerPostings).values(part).onConflictDoNothing({ target: ledgerPostings.idempotencyKey }),
  );
  const tBare = performance.now() - tBare0;
  const n = await db.$count(ledgerPostings, eq(ledgerPostings.sourceRef, `bulk-payment/${id}`));

  const ms = (a: number, b: number) => (b - a).toFixed(0).padStart(7);
  console.log(`\nbulk payment of ${lines} lines                      ms`);
  console.log(`read CSV + MT940 and store batch and lines   ${ms(t0, tStored)}`);
  console.log(`reconcile (statement, accounts, ledger)      ${ms(tStored, tReconciled)}`);
  console.log(
    `post (${Math.ceil(lines / 500)} calls of 500, bills marked paid)    ${ms(tReconciled, tPosted)}`,
  );
  console.log(
    `reconcile + post                             ${ms(tStored, tPosted)}   ${((lines / (tPosted - tStored)) * 1000).toFixed(0)} lines/s`,
  );
  console.log(`bare insert of the same ${lines} postings      ${tBare.toFixed(0).padStart(7)}`);
  console.log(
    `\nratio: reconcile + post takes ${((tPosted - tStored) / tBare).toFixed(1)}× the bare insert of its postings (${n} posted once).`,
  );
}
