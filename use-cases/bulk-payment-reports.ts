import { WorkflowFailedError } from '@temporalio/client';
import { and, asc, eq, inArray } from 'drizzle-orm';

import {
  allBulkPaymentLines,
  batchSummary,
  lineView,
  listBulkPayments,
  readBulkPayment,
  readBulkPaymentLines,
  readReversedTotals,
  type TLineFilter,
} from '../db/bulk-payments';
import { bulkPaymentReports, corporates } from '../db/schema';
import {
  BULK_READ_ROLES,
  BULK_UPLOAD_ROLES,
  bulkPaymentReportWorkflowId,
  bulkReportAad,
  bulkReportVersion,
} from '../domain/bulk-payments';
import { DomainProblem, FailureType } from '../domain/failures';
import { isLanguage, type TLanguage } from '../domain/languages';
import { paiseToRupees } from '../domain/ledger';
import type { TPrincipal } from '../domain/roles';
import { openBytes } from '../lib/at-rest';
import { csvRows, toCsv } from '../lib/csv';
import type { bulkPaymentReportWorkflow } from '../workflows/bulk-payment-report';
import { assertOfficeAccess, assertRole, queueScope } from './access';
import type { UseCaseDeps } from './deps';

/** How long a request for the signed PDF waits for the worker to sign it. */
const REPORT_WAIT_MS = 60_000;

export { BULK_READ_ROLES };

/** A batch the caller may see: a reading role, and the batch's office within theirs. */
async function visibleBatch(deps: Pick<UseCaseDeps, 'db'>, principal: TPrincipal, id: string) {
  assertRole(principal, BULK_READ_ROLES);
  const row = await readBulkPayment(deps.db, id);
  if (!row) throw new DomainProblem(FailureType.NotFound, `no bulk payment ${id}`);
  await assertOfficeAccess(deps.db, principal, row.officeId);
  return row;
}

/** The batches of the caller's office (or the one asked for) and its sub-offices, newest first. */
export async function listBulkPaymentBatches(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { officeId?: string; page: number; pageSize: number },
) {
  assertRole(principal, BULK_READ_ROLES);
  const scope = await queueScope(deps.db, principal, input.officeId);
  return listBulkPayments(deps.db, scope?.within, input);
}

/** A batch with its report, the lines reversed since posting, and a page of its lines. */
export async function readBulkPaymentBatch(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { id: string; lines: TLineFilter; page: number; pageSize: number },
) {
  const row = await visibleBatch(deps, principal, input.id);
  const [lines, reversed] = await Promise.all([
    readBulkPaymentLines(deps.db, input.id, {
      status: input.lines,
      page: input.page,
      pageSize: input.pageSize,
    }),
    readReversedTotals(deps.db, input.id),
  ]);
  return {
    ...batchSummary(row),
    reversed: { lines: reversed.lines, amount: paiseToRupees(reversed.amount) },
    lines: { ...lines, page: input.page, pageSize: input.pageSize },
  };
}

const REPORT_COLUMNS = [
  'line',
  'consumer_number',
  'amount',
  'bill_reference',
  'status',
  'reason',
  'bill_id',
  'posting_id',
  'reversal_posting_id',
  'reversal_reason',
] as const;

/** The report as CSV: one row per line with its outcome (and reversal), then the totals. */
export async function bulkPaymentReportCsv(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  { id }: { id: string },
) {
  const row = await visibleBatch(deps, principal, id);
  const [lines, reversed] = await Promise.all([
    allBulkPaymentLines(deps.db, id),
    readReversedTotals(deps.db, id),
  ]);
  const summary = batchSummary(row).report;
  const table = toCsv(
    REPORT_COLUMNS,
    lines.map(lineView).map((l) => ({
      line: l.lineNo,
      consumer_number: l.consumerNumber,
      amount: l.amount.toFixed(2),
      bill_reference: l.billReference,
      status: l.status,
      reason: l.reason,
      bill_id: l.billId,
      posting_id: l.postingId,
      reversal_posting_id: l.reversal?.postingId ?? null,
      reversal_reason: l.reversal?.reason ?? null,
    })),
  );
  // The batch and its totals under the lines, after an empty row.
  const totals = csvRows([
    [],
    ['batch', row.id],
    ['corporate', row.corporateId],
    ['statement', row.statementRef],
    ['status', row.status],
    ...(summary
      ? [
          ['list_total', summary.listTotal.toFixed(2)],
          ['ready', summary.ready.lines, summary.ready.amount.toFixed(2)],
          ['exceptions', summary.exceptions.lines, summary.exceptions.amount.toFixed(2)],
          ['suspense', summary.suspense.toFixed(2)],
          ...(summary.posted
            ? [
                ['posted', summary.posted.lines, summary.posted.amount.toFixed(2)],
                ['posted_suspense', summary.posted.suspense.toFixed(2)],
              ]
            : []),
          ...(reversed.lines > 0
            ? [['reversed', reversed.lines, paiseToRupees(reversed.amount).toFixed(2)]]
            : []),
        ]
      : []),
  ]);
  return { filename: `${row.id}.csv`, csv: table + totals };
}

/**
 * The signed PDF report of the batch as it stands, in the reader's language. Signed by the worker
 * (which holds the certificate) through `bulkPaymentReportWorkflow`, once per version of the batch
 * (status, reversals, language); later requests serve the stored file.
 */
export async function bulkPaymentReportPdf(
  deps: Pick<UseCaseDeps, 'db' | 'temporal'> & {
    config: Pick<UseCaseDeps['config'], 'temporal' | 'payloadCodec'>;
  },
  principal: TPrincipal,
  input: { id: string; language?: string },
) {
  const row = await visibleBatch(deps, principal, input.id);
  if (!row.report)
    throw new DomainProblem(
      FailureType.Conflict,
      `bulk payment ${row.id} is still being reconciled; its report follows in a moment`,
    );
  const language: TLanguage = isLanguage(input.language) ? input.language : 'en';
  const read = (version: string) =>
    deps.db
      .select()
      .from(bulkPaymentReports)
      .where(and(eq(bulkPaymentReports.bulkPaymentId, row.id), eq(bulkPaymentReports.version, version)));
  let version = bulkReportVersion(row.status, (await readReversedTotals(deps.db, row.id)).lines, language);
  let [stored] = await read(version);
  if (!stored) {
    // The worker signs it: a 10,000-line report takes seconds. No worker, or one that does not
    // finish in time, is a 503 to ask again (the run goes on and stores it); one that cannot sign is too.
    const issued = await deps.temporal.connection
      .withDeadline(Date.now() + REPORT_WAIT_MS, () =>
        deps.temporal.workflow.execute<typeof bulkPaymentReportWorkflow>('bulkPaymentReportWorkflow', {
          workflowId: bulkPaymentReportWorkflowId(row.id, version),
          taskQueue: deps.config.temporal.taskQueue,
          args: [{ batchId: row.id, language }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof WorkflowFailedError)
          throw new DomainProblem(
            FailureType.Unavailable,
            `the report of ${row.id} could not be signed just now; ask again in a minute`,
          );
        throw error;
      });
    version = issued.version;
    [stored] = await read(version);
  }
  if (!stored) throw new Error(`the report of ${row.id} (${version}) was issued but is not stored`);
  return {
    filename: `${row.id}.pdf`,
    sha256: stored.sha256,
    pdf: openBytes(deps.config.payloadCodec, stored.keyId, stored.ciphertext, bulkReportAad(row.id, version)),
  };
}

/** The active corporates the caller may upload a bulk payment for: those of their office scope. */
export async function listUploadCorporates(deps: Pick<UseCaseDeps, 'db'>, principal: TPrincipal) {
  if (!(BULK_UPLOAD_ROLES as readonly string[]).includes(principal.role)) return [];
  const scope = await queueScope(deps.db, principal, undefined);
  return deps.db
    .select({ id: corporates.id, name: corporates.name })
    .from(corporates)
    .where(and(eq(corporates.active, true), scope ? inArray(corporates.officeId, scope.within) : undefined))
    .orderBy(asc(corporates.name));
}
