import { stringify } from 'csv-stringify/sync';

/**
 * A table as CSV (RFC 4180: CRLF, quoted when needed), header first even when there are no rows;
 * nulls are empty cells. A cell that a spreadsheet would take for a formula is prefixed with '.
 */
export type TCell = string | number | boolean | null | undefined;

export function toCsv(columns: readonly string[], rows: readonly Record<string, TCell>[]): string {
  const cell = (v: TCell) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  };
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: true, columns: [...columns], record_delimiter: 'windows' },
  );
}
