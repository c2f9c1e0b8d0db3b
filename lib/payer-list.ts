import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { TPayerLine } from '../domain/bulk-payments';
import type { TFieldError } from '../domain/failures';
import { toPaise } from '../domain/ledger';

/** A list longer than this is refused: split it. */
export const MAX_PAYER_LINES = 20_000;

const COLUMNS = {
  consumerNumber: ['consumernumber', 'consumerno', 'consumer', 'consno'],
  amount: ['amount', 'amountpaid', 'amt'],
  billReference: ['billreference', 'billref', 'bill', 'billno', 'billnumber', 'billid', 'period'],
} as const;
const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

export type TParsedPayerList = { lines: TPayerLine[]; ref: string } | { errors: TFieldError[] };

/**
 * A corporate's payer list as CSV (a header row naming consumer number, amount and bill reference,
 * in any order and spelling the corporates use). Lines are numbered from 1 after the header. The
 * list's reference is a hash of its lines as read, so the same list in another file encoding or
 * line ending is the same list. Errors name the field `field` and the line.
 */
export function parsePayerList(bytes: Uint8Array, field = 'payerList'): TParsedPayerList {
  const fail = (message: string) => ({ errors: [{ field, message }] });
  if (bytes.length === 0) return fail('the list is empty');
  if (bytes.includes(0)) return fail('not a CSV file (binary content)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not a CSV file (not UTF-8 text)');
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    return fail(`not a readable CSV file: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) return fail('the list is empty');
  const names = header.map(normalise);
  const column = (key: keyof typeof COLUMNS) =>
    names.findIndex((n) => (COLUMNS[key] as readonly string[]).includes(n));
  const at = {
    consumerNumber: column('consumerNumber'),
    amount: column('amount'),
    billReference: column('billReference'),
  };
  const missing = (['consumerNumber', 'amount'] as const).filter((k) => at[k] < 0);
  if (missing.length > 0)
    return fail(
      `the header row must name the columns consumer_number and amount (bill_reference optional); got ${header.join(', ')}`,
    );
  if (rows.length === 0) return fail('the list has a header but no payment lines');
  if (rows.length > MAX_PAYER_LINES) return fail(`at most ${MAX_PAYER_LINES} lines per list; split it`);
  const errors: TFieldError[] = [];
  const lines: TPayerLine[] = [];
  rows.forEach((row, i) => {
    const lineNo = i + 1;
    const consumerNumber = (row[at.consumerNumber] ?? '').replace(/\s+/g, '');
    const rawAmount = (row[at.amount] ?? '').replace(/,/g, '');
    let amount = Number.NaN;
    try {
      amount = toPaise(rawAmount);
    } catch {
      /* reported below */
    }
    if (!/^\d{1,20}$/.test(consumerNumber))
      errors.push({ field, message: `line ${lineNo}: consumer number "${consumerNumber}" is not a number` });
    else if (!(amount > 0))
      errors.push({
        field,
        message: `line ${lineNo}: amount "${row[at.amount] ?? ''}" is not a positive amount`,
      });
    else
      lines.push({
        lineNo,
        consumerNumber,
        amount,
        billReference: at.billReference >= 0 ? row[at.billReference] || null : null,
      });
  });
  if (errors.length > 0) return { errors: errors.slice(0, 20) };
  const ref = createHash('sha256')
    .update(lines.map((l) => `${l.consumerNumber},${l.amount},${l.billReference ?? ''}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return { lines, ref };
}
