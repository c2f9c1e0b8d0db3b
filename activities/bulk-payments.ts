import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { readSettlements } from '../db/account';
import type { Database } from '../db/client';
import {
  bills,
  bulkPaymentLines,
  bulkPayments,
  consumers,
  corporateConsumers,
  corporates,
  ledgerPostings,
} from '../db/schema';
import {
  matchStatementEntry,
  reconcileLines,
  reportOf,
  type TAccountFacts,
  type TBulkReport,
  type TMatchHints,
  type TPayerLine,
  type TStatement,
  type TStatementEntry,
  type TStatementMatch,
} from '../domain/bulk-payments';
import { paiseToDecimal, postingKey, toPaise } from '../domain/ledger';
import { noticeWorkflowId, type TNoticeInput } from '../domain/notices';
import { cancelPaidReminders } from '../db/reminders';

export type BulkPaymentActivityDeps = { db: Database; now: () => Date; temporal: Client; taskQueue: string };

type TStoredBatch = typeof bulkPayments.$inferSelect;
type TStoredReport = TBulkReport & { match: TStatementMatch };

const CHUNK = 1000;
const chunks = <T>(items: readonly T[], size = CHUNK) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Reconciling and posting a bulk payment. Every activity can run again without effect: lines are
 * read from the database, postings are made under idempotency keys (ON CONFLICT DO NOTHING) in the
 * same transaction that marks their lines, so a worker that dies mid-batch leaves either the whole
 * batch of postings or none of it.
 */
export function createBulkPaymentActivities(deps: BulkPaymentActivityDeps) {
  const { db } = deps;
  const batchOf = async (batchId: string) => {
    const [batch] = await db.select().from(bulkPayments).where(eq(bulkPayments.id, batchId));
    // The upload stores the batch in the transaction that starts this workflow: not there yet
    // means that commit is still under way (retried), or it was rolled back (the retries run out).
    if (!batch)
      throw ApplicationFailure.retryable(`bulk payment ${batchId} is not stored (yet)`, 'NotStored');
    return batch;
  };
  const storedReport = (batch: TStoredBatch) => batch.report as TStoredReport;
  const lineOf = (l: typeof bulkPaymentLines.$inferSelect): TPayerLine => ({
    lineNo: l.lineNo,
    consumerNumber: l.consumerNumber,
    amount: toPaise(l.amount),
    billReference: l.billReference,
  });

  return {
    /** The statement entry against the list, each line against its account; lines and report written once. */
    async reconcileBulkPayment({ batchId }: { batchId: string }): Promise<TBulkReport> {
      const batch = await batchOf(batchId);
      if (batch.status !== 'reconciling') return storedReport(batch);
      const rows = await db
        .select()
        .from(bulkPaymentLines)
        .where(eq(bulkPaymentLines.bulkPaymentId, batchId))
        .orderBy(asc(bulkPaymentLines.lineNo));
      const lines = rows.map(lineOf);
      const [corporate] = await db.select().from(corporates).where(eq(corporates.id, batch.corporateId));
      const hints = {
        ...(batch.hints as Omit<TMatchHints, 'virtualAccount'>),
        virtualAccount: corporate!.virtualAccount,
      };
      const total = lines.reduce((s, l) => s + l.amount, 0);
      const match = matchStatementEntry(batch.statementEntries as TStatementEntry[], total, hints);
      const accounts = await accountFacts(db, batch.corporateId, [
        ...new Set(lines.map((l) => l.consumerNumber)),
      ]);
      const outcomes = reconcileLines(lines, accounts, match);
      const report = reportOf(
        { ref: batch.statementRef, format: batch.statementFormat as TStatement['format'] },
        lines,
        outcomes,
        match,
      );
      await db.transaction(async (tx) => {
        for (const part of chunks(outcomes)) {
          const values = sql.join(
            part.map(
              (o) =>
                sql`(${o.lineNo}::int, ${o.status}, ${o.status === 'exception' ? o.reason : null}::text, ${o.billId ?? null}::text)`,
            ),
            sql`, `,
          );
          await tx.execute(sql`
            update ${bulkPaymentLines} as l set status = v.status, reason = v.reason, bill_id = v.bill_id
            from (values ${values}) as v(line_no, status, reason, bill_id)
            where l.bulk_payment_id = ${batchId} and l.line_no = v.line_no`);
        }
        await tx
          .update(bulkPayments)
          .set({ status: 'awaiting-approval', report: { ...report, match }, updatedAt: deps.now() })
          .where(and(eq(bulkPayments.id, batchId), eq(bulkPayments.status, 'reconciling')));
      });
      return report;
    },

    /**
     * Posts the lines after `afterLineNo` (up to `limit`), in one transaction: a payment posting for
     * each ready line (its bill marked paid), a suspense posting for each exception line whose money
     * arrived. A line whose key another batch already posted (the same statement entry, consumer and
     * bill) is not posted again: it becomes an `already-posted` exception.
     */
    async postBulkPaymentLines(input: {
      batchId: string;
      afterLineNo: number;
      limit: number;
      approvedBy: string;
      approvedAt: string;
    }): Promise<{ lastLineNo: number; done: boolean; posted: number }> {
      const batch = await batchOf(input.batchId);
      const { match } = storedReport(batch);
      const entryRef = match.status === 'not-found' ? '' : match.entry.ref;
      const sourceRef = `bulk-payment/${batch.id}`;
      const postedAt = deps.now();
      return db.transaction(async (tx) => {
        await tx
          .update(bulkPayments)
          .set({
            status: 'posting',
            approvedBy: input.approvedBy,
            approvedAt: new Date(input.approvedAt),
            updatedAt: postedAt,
          })
          .where(and(eq(bulkPayments.id, batch.id), eq(bulkPayments.status, 'awaiting-approval')));
        const rows = await tx
          .select()
          .from(bulkPaymentLines)
          .where(
            and(eq(bulkPaymentLines.bulkPaymentId, batch.id), gt(bulkPaymentLines.lineNo, input.afterLineNo)),
          )
          .orderBy(asc(bulkPaymentLines.lineNo))
          .limit(input.limit);
        const todo = rows.filter((r) => r.postingId === null);
        const ready = todo.filter((r) => r.status === 'ready');
        const suspense =
          match.status === 'matched'
            ? todo.filter((r) => r.status === 'exception' && r.reason !== 'already-posted')
            : [];
        const keyOf = (r: (typeof rows)[number]) =>
          r.status === 'ready'
            ? postingKey.bulkLine(batch.statementRef, entryRef, r.consumerNumber, r.billId!)
            : postingKey.bulkSuspense(batch.statementRef, entryRef, r.lineNo);
        const wanted = [...ready, ...suspense];
        const inserted = new Map<string, number>();
        for (const part of chunks(wanted)) {
          const made = await tx
            .insert(ledgerPostings)
            .values(
              part.map((r) => ({
                consumerNumber: r.status === 'ready' ? r.consumerNumber : null,
                kind: r.status === 'ready' ? ('payment' as const) : ('suspense' as const),
                amount: `-${r.amount}`,
                billId: r.status === 'ready' ? r.billId : null,
                sourceRef,
                idempotencyKey: keyOf(r),
                postedAt,
                note:
                  r.status === 'ready'
                    ? `bulk payment of ${batch.corporateId}, statement ${batch.statementRef} entry ${entryRef}, line ${r.lineNo}`
                    : `suspense: line ${r.lineNo} (consumer ${r.consumerNumber}) of ${batch.corporateId}, ${r.reason}`,
              })),
            )
            .onConflictDoNothing({ target: ledgerPostings.idempotencyKey })
            .returning({ id: ledgerPostings.id, key: ledgerPostings.idempotencyKey });
          for (const m of made) inserted.set(m.key, m.id);
        }
        const markPosted = wanted.filter((r) => inserted.has(keyOf(r)));
        const takenElsewhere = ready.filter((r) => !inserted.has(keyOf(r)));
        for (const part of chunks(markPosted)) {
          const values = sql.join(
            part.map(
              (r) =>
                sql`(${r.lineNo}::int, ${r.status === 'ready' ? 'posted' : 'exception'}, ${inserted.get(keyOf(r))!}::bigint)`,
            ),
            sql`, `,
          );
          await tx.execute(sql`
            update ${bulkPaymentLines} as l set status = v.status, posting_id = v.posting_id
            from (values ${values}) as v(line_no, status, posting_id)
            where l.bulk_payment_id = ${batch.id} and l.line_no = v.line_no`);
        }
        if (takenElsewhere.length > 0)
          await tx
            .update(bulkPaymentLines)
            .set({ status: 'exception', reason: 'already-posted' })
            .where(
              and(
                eq(bulkPaymentLines.bulkPaymentId, batch.id),
                inArray(
                  bulkPaymentLines.lineNo,
                  takenElsewhere.map((r) => r.lineNo),
                ),
              ),
            );
        const paidBills = markPosted.filter((r) => r.status === 'ready').map((r) => r.billId!);
        for (const part of chunks(paidBills))
          await tx.update(bills).set({ paid: true }).where(inArray(bills.id, part));
        // Reminders of disconnection for bills now paid do not go (#14).
        await cancelPaidReminders(tx, [
          ...new Set(markPosted.filter((r) => r.status === 'ready').map((r) => r.consumerNumber)),
        ]);
        const last = rows.at(-1)?.lineNo ?? input.afterLineNo;
        return { lastLineNo: last, done: rows.length < input.limit, posted: markPosted.length };
      });
    },

    /** The "payment posted" notice for each posted line after `afterLineNo` (up to `limit`); sent once per line. */
    async sendBulkPaymentNotices(input: {
      batchId: string;
      afterLineNo: number;
      limit: number;
    }): Promise<number> {
      const rows = await db
        .select({
          lineNo: bulkPaymentLines.lineNo,
          consumerNumber: bulkPaymentLines.consumerNumber,
          amount: bulkPaymentLines.amount,
          postingId: bulkPaymentLines.postingId,
        })
        .from(bulkPaymentLines)
        .where(
          and(
            eq(bulkPaymentLines.bulkPaymentId, input.batchId),
            gt(bulkPaymentLines.lineNo, input.afterLineNo),
            eq(bulkPaymentLines.status, 'posted'),
          ),
        )
        .orderBy(asc(bulkPaymentLines.lineNo))
        .limit(input.limit);
      const start = async (r: (typeof rows)[number]) => {
        const notice: TNoticeInput = {
          key: `bulk-payment/${input.batchId}/${r.lineNo}`,
          to: { consumerNumber: r.consumerNumber },
          template: 'payment-posted',
          params: { consumerNumber: r.consumerNumber, amount: r.amount, receiptNumber: `LP-${r.postingId}` },
        };
        await deps.temporal.workflow
          .start('noticeWorkflow', {
            workflowId: noticeWorkflowId(notice.key),
            taskQueue: deps.taskQueue,
            args: [notice],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          })
          .catch((error: unknown) => {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          });
      };
      for (const part of chunks(rows, 25)) await Promise.all(part.map(start));
      return rows.length;
    },

    /**
     * The end of posting: a statement entry whose amount differs from the list goes to suspense
     * whole; the report gets what was posted; the batch is `posted`.
     */
    async finishBulkPayment({ batchId }: { batchId: string }): Promise<TBulkReport> {
      const batch = await batchOf(batchId);
      const { match, ...report } = storedReport(batch);
      if (batch.status === 'posted') return report;
      return db.transaction(async (tx) => {
        if (match.status === 'amount-differs')
          await tx
            .insert(ledgerPostings)
            .values({
              consumerNumber: null,
              kind: 'suspense',
              amount: paiseToDecimal(-match.entry.amount),
              sourceRef: `bulk-payment/${batch.id}`,
              idempotencyKey: postingKey.bulkRemainder(batch.statementRef, match.entry.ref),
              postedAt: deps.now(),
              note: `statement ${batch.statementRef} entry ${match.entry.ref} carries ${paiseToDecimal(match.entry.amount)}, the list of ${batch.corporateId} ${paiseToDecimal(report.listTotal)}`,
            })
            .onConflictDoNothing({ target: ledgerPostings.idempotencyKey });
        const [posted] = await tx
          .select({
            lines: sql<number>`count(*) filter (where ${bulkPaymentLines.status} = 'posted')::int`,
            amount: sql<string>`coalesce(sum(${bulkPaymentLines.amount}) filter (where ${bulkPaymentLines.status} = 'posted'), 0)`,
          })
          .from(bulkPaymentLines)
          .where(eq(bulkPaymentLines.bulkPaymentId, batchId));
        const [held] = await tx
          .select({ amount: sql<string>`coalesce(-sum(${ledgerPostings.amount}), 0)` })
          .from(ledgerPostings)
          .where(
            and(
              eq(ledgerPostings.sourceRef, `bulk-payment/${batch.id}`),
              eq(ledgerPostings.kind, 'suspense'),
            ),
          );
        const final: TBulkReport = {
          ...report,
          posted: { lines: posted!.lines, amount: toPaise(posted!.amount), suspense: toPaise(held!.amount) },
        };
        await tx
          .update(bulkPayments)
          .set({ status: 'posted', report: { ...final, match }, updatedAt: deps.now() })
          .where(eq(bulkPayments.id, batchId));
        return final;
      });
    },
  };
}

/** What reconciliation needs of each consumer a list names, in a few reads for the whole list. */
async function accountFacts(db: Database, corporateId: string, numbers: string[]) {
  const facts = new Map<string, TAccountFacts>();
  for (const part of chunks(numbers, 5000)) {
    const [found, members, settlements] = await Promise.all([
      db
        .select({ consumerNumber: consumers.consumerNumber, active: consumers.active })
        .from(consumers)
        .where(inArray(consumers.consumerNumber, part)),
      db
        .select({ consumerNumber: corporateConsumers.consumerNumber })
        .from(corporateConsumers)
        .where(
          and(
            eq(corporateConsumers.corporateId, corporateId),
            inArray(corporateConsumers.consumerNumber, part),
          ),
        ),
      readSettlements(db, part),
    ]);
    const inSet = new Set(members.map((m) => m.consumerNumber));
    for (const c of found)
      facts.set(c.consumerNumber, {
        active: c.active,
        inCorporateSet: inSet.has(c.consumerNumber),
        bills: [...(settlements.get(c.consumerNumber)?.settlements.values() ?? [])],
      });
  }
  return facts;
}
