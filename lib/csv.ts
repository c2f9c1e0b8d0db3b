import { stringify } from 'csv-stringify/sync';

/**
 * A table as CSV (RFC 4180: CRLF, quoted when needed), header first even when there are no rows;
 * nulls are empty cells. A cell that a spreadsheet would take for a formula is prefixed with '.
 */
export type TCell = string | number | boolean | null | undefined;

/** A cell as text, neutralised: a spreadsheet must not read a caller's text as a formula. */
const cellText = (v: TCell) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
};

export function toCsv(columns: readonly string[], rows: readonly Record<string, TCell>[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => cellText(r[c]))),
    { header: true, columns: [...columns], record_delimiter: 'windows' },
  );
}

/** Rows of any width as CSV (a table's totals under it), cells neutralised as in toCsv. */
export function csvRows(rows: readonly (readonly TCell[])[]): string {
  return stringify(
    rows.map((r) => r.map(cellText)),
    { record_delimiter: 'windows' },
  );
}
