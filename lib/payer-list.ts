import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { TPayerLine } from '../domain/bulk-payments';
import type { TFieldError } from '../domain/failures';
import { toPaise } from '../domain/ledger';
import { ContentCheckFailed, type ContentPool } from './content-pool';
import { isZip } from './offline-ekyc';
import { isLegacyXls, XLSX_LIMITS } from './payer-list-xlsx';

/** A list longer than this is refused: split it. */
export const MAX_PAYER_LINES = 20_000;

const COLUMNS = {
  consumerNumber: ['consumernumber', 'consumerno', 'consumer', 'consno'],
  amount: ['amount', 'amountpaid', 'amt', 'paidamount', 'amountrs', 'amountinrs', 'amountinr'],
  billReference: [
    'billreference',
    'billref',
    'bill',
    'billno',
    'billnumber',
    'billid',
    'period',
    'billperiod',
    'billmonth',
  ],
} as const;
const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

export type TParsedPayerList = { lines: TPayerLine[]; ref: string } | { errors: TFieldError[] };

/**
 * A corporate's payer list as the corporate sends it: CSV, or an .xlsx workbook (its first sheet,
 * read in the content pool's worker threads under the limits of lib/payer-list-xlsx.ts). The
 * same header rules for both. A pool too busy to read it throws `ContentCheckFailed` 'busy'.
 */
export async function readPayerList(
  bytes: Uint8Array,
  pool: () => ContentPool,
  field = 'payerList',
): Promise<TParsedPayerList> {
  const fail = (message: string) => ({ errors: [{ field, message }] });
  if (isLegacyXls(bytes)) return fail('an old binary .xls workbook: save it as .xlsx or CSV');
  if (!isZip(bytes)) return parsePayerList(bytes, field);
  if (bytes.length > XLSX_LIMITS.maxBytes)
    return fail(`the spreadsheet is larger than ${XLSX_LIMITS.maxBytes / 1024 / 1024} MiB; split it`);
  try {
    const sheet = await pool().xlsxRows(bytes);
    if ('refused' in sheet) return fail(sheet.refused);
    return payerLinesOf(sheet.rows, field);
  } catch (error) {
    if (error instanceof ContentCheckFailed && error.reason !== 'busy')
      return fail(`the spreadsheet cannot be read within the limits: ${error.message}`);
    throw error;
  }
}

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
  return payerLinesOf(records, field);
}

/**
 * The lines of a payer list read as rows of cells (CSV or a spreadsheet's first sheet): the header
 * row names the columns (case and punctuation ignored, the aliases corporates use), then one line
 * per row, numbered from 1 after the header.
 */
export function payerLinesOf(records: readonly (readonly string[])[], field = 'payerList'): TParsedPayerList {
  const fail = (message: string) => ({ errors: [{ field, message }] });
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
    if (row.every((cell) => cell.trim() === '')) return; // a blank row in a spreadsheet
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
  if (lines.length === 0) return fail('the list has a header but no payment lines');
  const ref = createHash('sha256')
    .update(lines.map((l) => `${l.consumerNumber},${l.amount},${l.billReference ?? ''}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return { lines, ref };
}
