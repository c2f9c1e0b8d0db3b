/**
 * The account ledger's rules, without a database: money in paise (integers, so sums are exact),
 * the idempotency keys postings are made under, and how payments settle bills (oldest first).
 */

/** "1234.5" / "1234.50" / 1234.5 → 123450 paise. Throws on anything that is not an amount. */
export function toPaise(value: string | number): number {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new RangeError(`not an amount: ${JSON.stringify(value)}`);
  const paise = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(paise)) throw new RangeError(`amount too large: ${text}`);
  return m[1] ? -paise : paise;
}

/** 123450 → "1234.50" (what a numeric column takes). */
export const paiseToDecimal = (paise: number) => {
  const abs = Math.abs(paise);
  return `${paise < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** 123450 → 1234.5 (what the API answers). */
export const paiseToRupees = (paise: number) => paise / 100;

/** The keys postings are made under: one key, one posting, however often it is tried. */
export const postingKey = {
  bill: (billId: string) => `bill/${billId}`,
  /** the payment of a bill that was paid before the ledger existed (migration, demo data) */
  billPaid: (billId: string) => `bill-paid/${billId}`,
  /** a bulk payment line: the statement, its entry and the line's consumer and bill */
  bulkLine: (statementRef: string, entryRef: string, consumerNumber: string, billId: string) =>
    `bulk/${statementRef}/${entryRef}/${consumerNumber}/${billId}`,
  /** money of a bulk payment's line that could not be put on an account */
  bulkSuspense: (statementRef: string, entryRef: string, lineNo: number) =>
    `bulk-suspense/${statementRef}/${entryRef}/${lineNo}`,
  /** what a statement entry carried beyond (or without) its list */
  bulkRemainder: (statementRef: string, entryRef: string) => `bulk-remainder/${statementRef}/${entryRef}`,
  /** statutory compensation for a request or complaint that missed its standard: once per Request Number */
  compensation: (requestNumber: string) => `compensation/${requestNumber}`,
  /** a reversal, under the key its caller sent (scoped to the caller, lib/idempotency.ts) */
  reversal: (scopedRequestKey: string) => `reversal/${scopedRequestKey}`,
  /** the money of a reversed bulk payment that goes back to suspense: it was received, only misapplied */
  reversalSuspense: (postingId: number) => `reversal-suspense/${postingId}`,
};

/** Who may reverse a posting: a supervisor (the CSC's) or an admin, never the clerk who posted it. */
export const REVERSAL_ROLES = ['supervisor', 'admin'] as const;
/** Postings that can be reversed: a reversal is not (post the original again), suspense has no account. */
export const REVERSIBLE_KINDS = ['bill', 'payment', 'compensation'] as const;

export type TBillDue = { billId: string; period: string; amount: number };
export type TBillSettlement = TBillDue & { outstanding: number };

/**
 * Credits (payments, compensation, reversals of bills) settle bills oldest first: what each bill
 * still has outstanding. `credit` is the sum of every non-bill posting turned positive (a reversed
 * payment lowers it again).
 */
export function settleBills(bills: readonly TBillDue[], credit: number): TBillSettlement[] {
  let left = Math.max(0, credit);
  return [...bills]
    .sort((a, b) => a.period.localeCompare(b.period) || a.billId.localeCompare(b.billId))
    .map((bill) => {
      const applied = Math.min(left, bill.amount);
      left -= applied;
      return { ...bill, outstanding: bill.amount - applied };
    });
}

/** Days between a bill's due date and its disconnection date (KSEB's 15-day disconnection notice). */
export const DISCONNECTION_AFTER_DAYS = 15;

/** A bill's disconnection date: `days` after its due date (both `YYYY-MM-DD`, calendar days). */
export function disconnectionDateOf(dueDate: string, days = DISCONNECTION_AFTER_DAYS): string {
  const d = new Date(`${dueDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${dueDate}`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
