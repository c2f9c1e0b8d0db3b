import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TActor } from './service-request';

/**
 * Corporate bulk payments: a corporate's payer list reconciled against the bank statement that
 * carries its payment, then posted to the ledger once a second person approves. Pure functions
 * here (money in paise); reading and writing is in activities/bulk-payments.ts.
 */

export const BULK_UPLOAD_ROLES = ['csc', 'supervisor', 'admin'] as const;
export const BULK_READ_ROLES = ['csc', 'supervisor', 'ops', 'admin'] as const;
/** Approval is a CSC supervisor's (or an admin's), and never the uploader's own: four eyes. */
export const BULK_APPROVER_ROLES = ['supervisor', 'admin'] as const;

/** One line of the payer list, as the corporate sent it. */
export type TPayerLine = {
  lineNo: number;
  consumerNumber: string;
  /** paise */
  amount: number;
  billReference: string | null;
};

/** A credit (or debit) entry of a bank statement. */
export type TStatementEntry = {
  /** the entry's own reference (UTR, end-to-end id, the bank's reference) */
  ref: string;
  /** further references the entry carries */
  otherRefs: string[];
  /** paise, credit positive */
  amount: number;
  /** YYYY-MM-DD */
  valueDate: string;
  details: string;
};

export type TStatement = {
  format: 'mt940' | 'camt.053';
  /** the statement's own reference (MT940 :20:, camt.053 Stmt/Id) */
  ref: string;
  account: string;
  currency: string;
  entries: TStatementEntry[];
};

/** What the uploader and the corporate's registration say about where its payment is. */
export type TMatchHints = { reference?: string; paymentDate?: string; virtualAccount: string };

export type TStatementMatch =
  | {
      status: 'matched' | 'amount-differs';
      by: 'reference' | 'virtual-account' | 'amount-and-date';
      entry: TStatementEntry;
    }
  | { status: 'not-found'; why: string };

/**
 * The statement entry that carries the list's money: by the UTR / reference the uploader gives,
 * else by the corporate's virtual account named in the entry, else by the list's total (and the
 * payment date, if given) when exactly one credit matches.
 */
export function matchStatementEntry(
  entries: readonly TStatementEntry[],
  listTotal: number,
  hints: TMatchHints,
): TStatementMatch {
  const credits = entries.filter((e) => e.amount > 0);
  const onDate = (e: TStatementEntry) => !hints.paymentDate || e.valueDate === hints.paymentDate;
  const pick = (candidates: TStatementEntry[], by: 'reference' | 'virtual-account'): TStatementMatch => {
    const exact = candidates.filter((e) => e.amount === listTotal);
    const best = exact.find(onDate) ?? exact[0];
    if (best) return { status: 'matched', by, entry: best };
    return { status: 'amount-differs', by, entry: candidates.find(onDate) ?? candidates[0]! };
  };
  const reference = hints.reference?.trim().toUpperCase();
  if (reference) {
    const byRef = credits.filter(
      (e) =>
        [e.ref, ...e.otherRefs].some((r) => r.toUpperCase() === reference) ||
        e.details.toUpperCase().includes(reference),
    );
    if (byRef.length > 0) return pick(byRef, 'reference');
    return { status: 'not-found', why: `no credit with reference ${hints.reference}` };
  }
  const account = hints.virtualAccount.toUpperCase();
  const byAccount = credits.filter((e) => e.details.toUpperCase().replace(/\s+/g, '').includes(account));
  if (byAccount.length > 0) return pick(byAccount, 'virtual-account');
  const byAmount = credits.filter((e) => e.amount === listTotal && onDate(e));
  if (byAmount.length === 1) return { status: 'matched', by: 'amount-and-date', entry: byAmount[0]! };
  return {
    status: 'not-found',
    why:
      byAmount.length > 1
        ? `${byAmount.length} credits of the list's total: give the UTR`
        : `no credit names ${hints.virtualAccount} or carries the list's total`,
  };
}

export const EXCEPTION_REASONS = [
  'unknown-consumer',
  'inactive-consumer',
  'not-in-corporate-set',
  'unknown-bill',
  'amount-differs',
  'duplicate-line',
  'already-paid',
  'statement-not-found',
  'statement-amount-differs',
  /** found at posting: another upload of the same statement entry posted this consumer's bill (no money of its own) */
  'already-posted',
] as const;
export type TExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** What the ledger says of a consumer, as reconciliation needs it. */
export type TAccountFacts = {
  active: boolean;
  inCorporateSet: boolean;
  /** every bill, with what is still outstanding on it (paise) */
  bills: { billId: string; period: string; outstanding: number }[];
};

export type TLineOutcome =
  | { lineNo: number; status: 'ready'; billId: string }
  | { lineNo: number; status: 'exception'; reason: TExceptionReason; billId?: string };

/**
 * Each line against the account: it exists and is active, is in the corporate's set, names a bill
 * (by id or period; none: the oldest open one) that is still open, and pays exactly what is
 * outstanding on it; a second line for the same bill is a duplicate. Lines of a list whose
 * statement entry was not found, or carries another amount, are all exceptions.
 */
export function reconcileLines(
  lines: readonly TPayerLine[],
  accounts: ReadonlyMap<string, TAccountFacts>,
  match: TStatementMatch,
): TLineOutcome[] {
  const seen = new Set<string>();
  return lines.map((line): TLineOutcome => {
    const exception = (reason: TExceptionReason, billId?: string): TLineOutcome => ({
      lineNo: line.lineNo,
      status: 'exception',
      reason,
      ...(billId ? { billId } : {}),
    });
    const literal = `${line.consumerNumber}/${(line.billReference ?? '').toUpperCase()}`;
    const account = accounts.get(line.consumerNumber);
    const ref = line.billReference?.trim();
    const bill = account
      ? ref
        ? account.bills.find((b) => b.billId === ref || b.period === ref)
        : [...account.bills].sort((a, b) => a.period.localeCompare(b.period)).find((b) => b.outstanding > 0)
      : undefined;
    const key = bill ? `${line.consumerNumber}/${bill.billId}` : literal;
    const duplicate = seen.has(key) || seen.has(literal);
    seen.add(key).add(literal);
    if (duplicate) return exception('duplicate-line', bill?.billId);
    if (match.status === 'not-found') return exception('statement-not-found', bill?.billId);
    if (match.status === 'amount-differs') return exception('statement-amount-differs', bill?.billId);
    if (!account) return exception('unknown-consumer');
    if (!account.active) return exception('inactive-consumer');
    if (!account.inCorporateSet) return exception('not-in-corporate-set');
    if (!bill) return exception(ref ? 'unknown-bill' : 'already-paid');
    if (bill.outstanding === 0) return exception('already-paid', bill.billId);
    if (bill.outstanding !== line.amount) return exception('amount-differs', bill.billId);
    return { lineNo: line.lineNo, status: 'ready', billId: bill.billId };
  });
}

/** The batch in figures (paise): what reconciliation found, and once posted what was posted. */
export type TBulkReport = {
  statement: {
    ref: string;
    format: TStatement['format'];
    match: TStatementMatch['status'];
    by?: string;
    why?: string;
    entryRef?: string;
    entryAmount?: number;
    valueDate?: string;
  };
  lines: number;
  listTotal: number;
  ready: { lines: number; amount: number };
  exceptions: { lines: number; amount: number; byReason: Partial<Record<TExceptionReason, number>> };
  /** money received that goes to suspense: the exception lines' (when the entry matched), or the whole entry */
  suspense: number;
  posted?: { lines: number; amount: number; suspense: number };
};

export function reportOf(
  statement: Pick<TStatement, 'ref' | 'format'>,
  lines: readonly TPayerLine[],
  outcomes: readonly TLineOutcome[],
  match: TStatementMatch,
): TBulkReport {
  const amountOf = new Map(lines.map((l) => [l.lineNo, l.amount]));
  const sum = (os: readonly TLineOutcome[]) => os.reduce((s, o) => s + (amountOf.get(o.lineNo) ?? 0), 0);
  const ready = outcomes.filter((o) => o.status === 'ready');
  const exceptions = outcomes.filter((o) => o.status === 'exception');
  const byReason: Partial<Record<TExceptionReason, number>> = {};
  for (const o of exceptions)
    if (o.status === 'exception') byReason[o.reason] = (byReason[o.reason] ?? 0) + 1;
  const entry = match.status === 'not-found' ? undefined : match.entry;
  return {
    statement: {
      ref: statement.ref,
      format: statement.format,
      match: match.status,
      ...(match.status === 'not-found' ? { why: match.why } : { by: match.by }),
      ...(entry ? { entryRef: entry.ref, entryAmount: entry.amount, valueDate: entry.valueDate } : {}),
    },
    lines: lines.length,
    listTotal: lines.reduce((s, l) => s + l.amount, 0),
    ready: { lines: ready.length, amount: sum(ready) },
    exceptions: { lines: exceptions.length, amount: sum(exceptions), byReason },
    suspense: entry ? entry.amount - sum(ready) : 0,
  };
}

export type TBulkPaymentInput = {
  batchId: string;
  corporateId: string;
  uploadedBy: string;
  /** postings per activity call */
  batchSize: number;
};

export type TBulkPaymentState = {
  status: 'reconciling' | 'awaiting-approval' | 'posting' | 'posted';
  report?: TBulkReport;
  approvedBy?: string;
  approvedAt?: string;
};

export type TApproveBulkPayment = { actor: TActor };

export const approveBulkPaymentUpdate = defineUpdate<TBulkPaymentState, [TApproveBulkPayment]>('approve');
export const bulkPaymentStatusQuery = defineQuery<TBulkPaymentState>('bulkPaymentStatus');

/** Each upload is one workflow: the statement's own reference and a hash of the list. */
export const bulkPaymentWorkflowId = (statementRef: string, listRef: string) =>
  `bulk-payment/${statementRef}/${listRef}`;

/** A batch's report changes with its status and with each reversal of one of its lines: one signed PDF per such state and language. */
export const bulkReportVersion = (
  status: TBulkPaymentState['status'],
  reversedLines: number,
  language: string,
) => `${status}.${reversedLines}.${language}`;

/** The workflow that signs one version of a batch's report. */
export const bulkPaymentReportWorkflowId = (batchId: string, version: string) =>
  `bulk-payment-report/${batchId}/${version}`;

/** The AAD a stored report is sealed under: its batch and version. */
export const bulkReportAad = (batchId: string, version: string) => `bulk-report/${batchId}/${version}`;
