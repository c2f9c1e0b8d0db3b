import { and, asc, count, desc, eq, inArray, type SQLWrapper } from 'drizzle-orm';
import type { TBulkReport } from '../domain/bulk-payments';
import { paiseToRupees, toPaise } from '../domain/ledger';
import type { Database } from './client';
import { bulkPaymentLines, bulkPayments } from './schema';

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

export type TLineFilter = 'all' | 'posted' | 'exception' | 'ready';

/** A page of a batch's lines in list order, optionally only those of one status. */
export async function readBulkPaymentLines(
  db: Database,
  id: string,
  { status, page, pageSize }: { status: TLineFilter; page: number; pageSize: number },
) {
  const where = and(
    eq(bulkPaymentLines.bulkPaymentId, id),
    status === 'all' ? undefined : eq(bulkPaymentLines.status, status),
  );
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(bulkPaymentLines)
      .where(where)
      .orderBy(asc(bulkPaymentLines.lineNo))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(bulkPaymentLines).where(where),
  ]);
  return {
    items: rows.map((l) => ({
      lineNo: l.lineNo,
      consumerNumber: l.consumerNumber,
      amount: paiseToRupees(toPaise(l.amount)),
      billReference: l.billReference,
      status: l.status,
      reason: l.reason,
      billId: l.billId,
      postingId: l.postingId,
    })),
    total: total?.n ?? 0,
  };
}

/** Every line of a batch, for the CSV report. */
export function allBulkPaymentLines(db: Database, id: string) {
  return db
    .select()
    .from(bulkPaymentLines)
    .where(eq(bulkPaymentLines.bulkPaymentId, id))
    .orderBy(asc(bulkPaymentLines.lineNo));
}
