import { and, eq } from 'drizzle-orm';
import { readSettlements } from '../db/account';
import { bills, bulkPaymentLines, bulkPayments, ledgerPostings } from '../db/schema';
import { DomainProblem, FailureType } from '../domain/failures';
import {
  paiseToDecimal,
  paiseToRupees,
  postingKey,
  REVERSAL_ROLES,
  REVERSIBLE_KINDS,
  toPaise,
} from '../domain/ledger';
import type { TPrincipal } from '../domain/roles';
import { scopeIdempotencyKey } from '../lib/idempotency';
import { assertConsumerAccess, assertOfficeAccess, assertRole } from './access';
import { clockOf, type UseCaseDeps } from './deps';

export { REVERSAL_ROLES };

export type TReversalInput = {
  consumerNumber: string;
  postingId: number;
  reason: string;
  /** the caller's Idempotency-Key: the same key again answers the same reversal */
  requestKey: string;
};

type TPostingRow = typeof ledgerPostings.$inferSelect;

const entryOf = (r: TPostingRow) => ({
  id: r.id,
  kind: r.kind,
  amount: paiseToRupees(toPaise(r.amount)),
  billId: r.billId,
  sourceRef: r.sourceRef,
  postedAt: r.postedAt.toISOString(),
  note: r.note,
  reversesId: r.reversesId,
  postedBy: r.postedBy,
});

/**
 * A supervisor (or admin) of the consumer's office reverses a posting: a new posting of kind
 * `reversal` with the opposite amount, naming the original and the reason; nothing is edited. A
 * posting is reversed at most once (a unique index on `reverses_id`): a second attempt is a 409
 * naming the reversal that stands, while a retry with the same Idempotency-Key answers that same
 * reversal. A reversed payment of a corporate bulk payment puts its money in suspense (it was
 * received, only misapplied), and its bill is open again.
 */
export async function reversePosting(
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  principal: TPrincipal,
  input: TReversalInput,
) {
  assertRole(principal, REVERSAL_ROLES);
  await assertConsumerAccess(deps.db, principal, input.consumerNumber);
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 500)
    throw new DomainProblem(FailureType.InvalidInput, 'say why the posting is reversed', {
      errors: [{ field: 'reason', message: '3–500 characters: why the posting is reversed' }],
    });
  const key = postingKey.reversal(scopeIdempotencyKey(principal.subject, input.requestKey));
  const now = clockOf(deps)();

  const outcome = await deps.db.transaction(async (tx) => {
    const [original] = await tx
      .select()
      .from(ledgerPostings)
      .where(eq(ledgerPostings.id, input.postingId))
      .for('update');
    if (!original || original.consumerNumber !== input.consumerNumber)
      throw new DomainProblem(
        FailureType.NotFound,
        `no posting ${input.postingId} on ${input.consumerNumber}`,
        {
          errors: [{ field: 'postingId', message: 'no such posting on this account' }],
        },
      );
    // The key's reversal, when it has one: this posting's is answered again, another's is refused.
    const replayOf = async () => {
      const [replay] = await tx.select().from(ledgerPostings).where(eq(ledgerPostings.idempotencyKey, key));
      if (!replay) return undefined;
      if (replay.reversesId !== original.id)
        throw new DomainProblem(
          FailureType.Unprocessable,
          `this Idempotency-Key reversed posting ${replay.reversesId}; use a new key for another reversal`,
          { errors: [{ field: 'idempotency-key', message: 'already used for another reversal' }] },
        );
      return { created: false, original, reversal: replay };
    };
    const replayed = await replayOf();
    if (replayed) return replayed;
    if (!(REVERSIBLE_KINDS as readonly string[]).includes(original.kind))
      throw new DomainProblem(
        FailureType.Conflict,
        `a ${original.kind} posting cannot be reversed${original.kind === 'reversal' ? ': post the original again' : ''}`,
        { errors: [{ field: 'postingId', message: `a ${original.kind} posting is not reversible` }] },
      );
    const [reversal] = await tx
      .insert(ledgerPostings)
      .values({
        consumerNumber: original.consumerNumber,
        kind: 'reversal',
        amount: paiseToDecimal(-toPaise(original.amount)),
        billId: original.billId,
        sourceRef: original.sourceRef,
        idempotencyKey: key,
        postedAt: now,
        note: reason,
        reversesId: original.id,
        postedBy: principal.subject,
      })
      .onConflictDoNothing()
      .returning();
    if (!reversal) {
      // Two requests at once: the one with this key won (same answer), or another reversed it first.
      const raced = await replayOf();
      if (raced) return raced;
      const [standing] = await tx
        .select()
        .from(ledgerPostings)
        .where(eq(ledgerPostings.reversesId, original.id));
      throw new DomainProblem(
        FailureType.Conflict,
        `posting ${original.id} was reversed already (posting ${standing?.id}, ${standing?.postedAt.toISOString()}, by ${standing?.postedBy ?? 'the system'})`,
        {
          errors: [{ field: 'postingId', message: 'already reversed' }],
          extensions: { reversalId: standing?.id ?? null },
        },
      );
    }
    if (original.kind === 'payment' && original.sourceRef.startsWith('bulk-payment/'))
      await tx
        .insert(ledgerPostings)
        .values({
          consumerNumber: null,
          kind: 'suspense',
          amount: paiseToDecimal(toPaise(original.amount)),
          sourceRef: original.sourceRef,
          idempotencyKey: postingKey.reversalSuspense(original.id),
          postedAt: now,
          note: `suspense: payment ${original.id} of ${original.consumerNumber} reversed (${reason})`,
          postedBy: principal.subject,
        })
        .onConflictDoNothing({ target: ledgerPostings.idempotencyKey });
    if (original.billId) {
      const settlement = (await readSettlements(tx, [input.consumerNumber]))
        .get(input.consumerNumber)
        ?.settlements.get(original.billId);
      await tx
        .update(bills)
        .set({ paid: (settlement?.outstanding ?? 0) === 0 })
        .where(eq(bills.id, original.billId));
    }
    return { created: true, original, reversal };
  });
  const balance = (await readSettlements(deps.db, [input.consumerNumber])).get(input.consumerNumber)!.balance;
  return {
    created: outcome.created,
    reversal: entryOf(outcome.reversal),
    original: entryOf(outcome.original),
    balance: paiseToRupees(balance),
  };
}

/**
 * The console's way to the same reversal: a posted line of a bulk payment, by its batch and line
 * number (its consumer and payment posting as the batch recorded them).
 */
export async function reverseBulkPaymentLine(
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  principal: TPrincipal,
  input: { id: string; lineNo: number; reason: string; requestKey: string },
) {
  assertRole(principal, REVERSAL_ROLES);
  // The batch's office first: another office's lines say nothing, not even whether they were posted.
  const [batch] = await deps.db
    .select({ officeId: bulkPayments.officeId })
    .from(bulkPayments)
    .where(eq(bulkPayments.id, input.id));
  if (!batch) throw new DomainProblem(FailureType.NotFound, `no bulk payment ${input.id}`);
  await assertOfficeAccess(deps.db, principal, batch.officeId);
  const [line] = await deps.db
    .select()
    .from(bulkPaymentLines)
    .where(and(eq(bulkPaymentLines.bulkPaymentId, input.id), eq(bulkPaymentLines.lineNo, input.lineNo)));
  if (!line || line.status !== 'posted' || line.postingId === null)
    throw new DomainProblem(
      FailureType.Conflict,
      `line ${input.lineNo} of ${input.id} was not posted; nothing to reverse`,
      {
        errors: [{ field: 'lineNo', message: 'not a posted line' }],
      },
    );
  return reversePosting(deps, principal, {
    consumerNumber: line.consumerNumber,
    postingId: line.postingId,
    reason: input.reason,
    requestKey: input.requestKey,
  });
}
