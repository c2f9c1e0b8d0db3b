import { alias } from 'drizzle-orm/pg-core';
import { and, asc, count, desc, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { TBulkReport, TExceptionReason } from '../domain/bulk-payments';
import { paiseToRupees, toPaise } from '../domain/ledger';
import type { Database } from './client';
import { bulkPaymentLines, bulkPayments, ledgerPostings } from './schema';

export type TBulkPaymentRow = typeof bulkPayments.$inferSelect;

/** The report with money in rupees, as the API answers it (stored in paise). */
export function reportInRupees(report: TBulkReport) {
  const r = paiseToRupees;
  return {
    statement: {
      ...report.statement,
      ...(report.statement.entryAmount === undefined ? {} : { entryAmount: r(report.statement.entryAmount) }),
    },
    lines: report.lines,
    listTotal: r(report.listTotal),
    ready: { lines: report.ready.lines, amount: r(report.ready.amount) },
    exceptions: { ...report.exceptions, amount: r(report.exceptions.amount) },
    suspense: r(report.suspense),
    ...(report.posted
      ? {
          posted: {
            lines: report.posted.lines,
            amount: r(report.posted.amount),
            suspense: r(report.posted.suspense),
          },
        }
      : {}),
  };
}

/** A batch as lists and the detail show it. */
export function batchSummary(row: TBulkPaymentRow) {
  const report = row.report ? reportInRupees(row.report as TBulkReport) : null;
  return {
    id: row.id,
    workflowId: row.workflowId,
    corporateId: row.corporateId,
    officeId: row.officeId,
    statementRef: row.statementRef,
    listRef: row.listRef,
    statementFormat: row.statementFormat,
    status: row.status,
    uploadedBy: row.uploadedBy,
    approvedBy: row.approvedBy,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    report,
  };
}

export async function readBulkPayment(db: Database, id: string) {
  const [row] = await db.select().from(bulkPayments).where(eq(bulkPayments.id, id));
  return row;
}

/** Batches of the given offices (all when undefined), newest first. */
export async function listBulkPayments(
  db: Database,
  officeIds: SQLWrapper | undefined,
  { page, pageSize }: { page: number; pageSize: number },
) {
  const where = officeIds ? inArray(bulkPayments.officeId, officeIds) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(bulkPayments)
      .where(where)
      .orderBy(desc(bulkPayments.createdAt), desc(bulkPayments.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(bulkPayments).where(where),
  ]);
  return { items: rows.map(batchSummary), total: total?.n ?? 0 };
}

export type TLineFilter = 'all' | 'posted' | 'exception' | 'ready' | 'reversed';

const reversals = alias(ledgerPostings, 'reversal');

/** A batch's lines in list order with the reversal of each posted line, if any. */
function selectLines(db: Database, id: string, status: TLineFilter) {
  return db
    .select({
      line: bulkPaymentLines,
      reversal: { id: reversals.id, reason: reversals.note, at: reversals.postedAt, by: reversals.postedBy },
    })
    .from(bulkPaymentLines)
    .leftJoin(reversals, eq(reversals.reversesId, bulkPaymentLines.postingId))
    .where(
      and(
        eq(bulkPaymentLines.bulkPaymentId, id),
        status === 'all' || status === 'reversed' ? undefined : eq(bulkPaymentLines.status, status),
        status === 'reversed' ? sql`${reversals.id} is not null` : undefined,
      ),
    )
    .orderBy(asc(bulkPaymentLines.lineNo));
}

export type TBatchLine = Awaited<ReturnType<typeof selectLines>>[number];

/** A line as the API and the pages show it (rupees). */
export const lineView = ({ line: l, reversal }: TBatchLine) => ({
  lineNo: l.lineNo,
  consumerNumber: l.consumerNumber,
  amount: paiseToRupees(toPaise(l.amount)),
  billReference: l.billReference,
  status: l.status as 'pending' | 'ready' | 'exception' | 'posted',
  reason: l.reason as TExceptionReason | null,
  billId: l.billId,
  postingId: l.postingId,
  reversal: reversal
    ? { postingId: reversal.id, reason: reversal.reason, at: reversal.at.toISOString(), by: reversal.by }
    : null,
});

/** A page of a batch's lines in list order, optionally only those of one status (or the reversed ones). */
export async function readBulkPaymentLines(
  db: Database,
  id: string,
  { status, page, pageSize }: { status: TLineFilter; page: number; pageSize: number },
) {
  const [rows, [total]] = await Promise.all([
    selectLines(db, id, status)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ n: count() })
      .from(bulkPaymentLines)
      .leftJoin(reversals, eq(reversals.reversesId, bulkPaymentLines.postingId))
      .where(
        and(
          eq(bulkPaymentLines.bulkPaymentId, id),
          status === 'all' || status === 'reversed' ? undefined : eq(bulkPaymentLines.status, status),
          status === 'reversed' ? sql`${reversals.id} is not null` : undefined,
        ),
      ),
  ]);
  return { items: rows.map(lineView), total: total?.n ?? 0 };
}

/** Every line of a batch, for the CSV and PDF reports. */
export function allBulkPaymentLines(db: Database, id: string) {
  return selectLines(db, id, 'all');
}

/** Posted lines reversed since (count, paise): the report's `reversed`. */
export async function readReversedTotals(db: Database, id: string) {
  const [row] = await db
    .select({
      lines: sql<number>`count(*)::int`,
      amount: sql<string>`coalesce(sum(${bulkPaymentLines.amount}), 0)`,
    })
    .from(bulkPaymentLines)
    .innerJoin(reversals, eq(reversals.reversesId, bulkPaymentLines.postingId))
    .where(eq(bulkPaymentLines.bulkPaymentId, id));
  return { lines: row?.lines ?? 0, amount: toPaise(row?.amount ?? '0') };
}
