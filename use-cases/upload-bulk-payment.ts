import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Config } from '../config';
import { batchSummary, readBulkPayment } from '../db/bulk-payments';
import { bulkPaymentLines, bulkPayments, corporates } from '../db/schema';
import { BULK_UPLOAD_ROLES, bulkPaymentWorkflowId, type TBulkPaymentInput } from '../domain/bulk-payments';
import { DomainProblem, FailureType, type TFieldError } from '../domain/failures';
import { paiseToDecimal } from '../domain/ledger';
import type { TPrincipal } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import { parseBankStatement } from '../lib/bank-statement';
import { ContentCheckFailed, createContentPool, type ContentPool } from '../lib/content-pool';
import { readPayerList } from '../lib/payer-list';
import type { bulkPaymentWorkflow } from '../workflows/bulk-payment';
import { assertOfficeAccess, assertRole } from './access';
import { withinDeadline, type UseCaseDeps } from './deps';

export { BULK_UPLOAD_ROLES };

let sharedPool: ContentPool | undefined;
/** Callers without a content pool (scripts) share one, made on the first spreadsheet. */
const ownPool = () => (sharedPool ??= createContentPool());

export type TBulkPaymentUpload = {
  corporateId: string;
  /** the corporate's payer list: CSV or .xlsx */
  payerList: Uint8Array;
  /** the bank statement: MT940 or camt.053 */
  statement: Uint8Array;
  /** the UTR / reference of the corporate's payment, when the CSC has it */
  reference?: string;
  /** YYYY-MM-DD: the day the corporate paid */
  paymentDate?: string;
};

/**
 * A CSC user uploads a corporate's payer list and the bank statement with its payment. Both are
 * read at once (a bad file is refused naming its field); the batch and its lines are stored and
 * its workflow (`bulk-payment/<statement ref>/<list ref>`) started in one transaction. The same
 * files again find the same batch and workflow.
 */
export async function uploadBulkPayment(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config' | 'contentPool'> & {
    config: Pick<Config, 'bulkPayments'>;
  },
  principal: TPrincipal,
  input: TBulkPaymentUpload,
): Promise<{ created: boolean; batch: ReturnType<typeof batchSummary> }> {
  assertRole(principal, BULK_UPLOAD_ROLES);
  const [corporate] = await deps.db.select().from(corporates).where(eq(corporates.id, input.corporateId));
  if (!corporate || !corporate.active)
    throw new DomainProblem(FailureType.InvalidInput, `no active corporate ${input.corporateId}`, {
      errors: [{ field: 'corporateId', message: 'no active corporate with this id' }],
    });
  await assertOfficeAccess(deps.db, principal, corporate.officeId);
  const list = await readPayerList(input.payerList, () => deps.contentPool ?? ownPool(), 'payerList').catch(
    (error: unknown) => {
      if (error instanceof ContentCheckFailed)
        throw new DomainProblem(FailureType.Unavailable, error.message, {
          errors: [{ field: 'payerList', message: error.message }],
        });
      throw error;
    },
  );
  const statement = parseBankStatement(input.statement, 'statement');
  const errors: TFieldError[] = [
    ...('errors' in list ? list.errors : []),
    ...('errors' in statement ? statement.errors : []),
  ];
  if ('errors' in list || 'errors' in statement)
    throw new DomainProblem(FailureType.InvalidInput, 'the payer list or the statement cannot be read', {
      errors,
    });
  const { ref: statementRef, format, entries } = statement.statement;
  const workflowId = bulkPaymentWorkflowId(statementRef, list.ref);
  const id = `BP-${createHash('sha256').update(workflowId).digest('hex').slice(0, 20).toUpperCase()}`;
  const workflowInput: TBulkPaymentInput = {
    batchId: id,
    corporateId: corporate.id,
    uploadedBy: principal.subject,
    batchSize: deps.config.bulkPayments.batchSize,
  };
  const start = async (uploadedBy: string) => {
    try {
      await withinDeadline(deps, () =>
        deps.temporal.workflow.start<typeof bulkPaymentWorkflow>('bulkPaymentWorkflow', {
          workflowId,
          taskQueue: deps.config.temporal.taskQueue,
          args: [{ ...workflowInput, uploadedBy }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [
            { key: SA.RequestKind, value: 'bulk-payment' },
            { key: SA.OfficeId, value: corporate.officeId },
          ],
        }),
      );
    } catch (error) {
      // A finished batch: the same files uploaded after it was posted.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };
  const existing = async () => {
    const row = await readBulkPayment(deps.db, id);
    if (!row) return undefined;
    if (row.corporateId !== corporate.id)
      throw new DomainProblem(
        FailureType.Conflict,
        `these files were uploaded for corporate ${row.corporateId} as ${row.id}`,
        { errors: [{ field: 'corporateId', message: `the batch ${row.id} is ${row.corporateId}'s` }] },
      );
    // A batch stored before its workflow could start (an earlier answer was lost): start it now.
    await start(row.uploadedBy);
    return { created: false, batch: batchSummary(row) };
  };
  const found = await existing();
  if (found) return found;

  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(bulkPayments)
      .values({
        id,
        workflowId,
        corporateId: corporate.id,
        officeId: corporate.officeId,
        statementRef,
        listRef: list.ref,
        statementFormat: format,
        statementEntries: entries,
        hints: {
          ...(input.reference ? { reference: input.reference } : {}),
          ...(input.paymentDate ? { paymentDate: input.paymentDate } : {}),
        },
        status: 'reconciling',
        uploadedBy: principal.subject,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return undefined; // the same upload, a moment earlier
    for (let i = 0; i < list.lines.length; i += 1000) {
      await tx.insert(bulkPaymentLines).values(
        list.lines.slice(i, i + 1000).map((l) => ({
          bulkPaymentId: id,
          lineNo: l.lineNo,
          consumerNumber: l.consumerNumber,
          amount: paiseToDecimal(l.amount),
          billReference: l.billReference,
        })),
      );
    }
    await start(principal.subject);
    return row;
  });
  if (created) return { created: true, batch: batchSummary(created) };
  return (await existing())!;
}
