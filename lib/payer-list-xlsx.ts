import { unzipSync } from 'fflate';
import { readSheet } from 'read-excel-file/node';

/**
 * Limits on a spreadsheet payer list, checked before and after it is read. A corporate's list of a
 * few thousand lines is well under a megabyte; these leave room and stop a zip bomb or a sheet of
 * millions of cells before it costs the parser more than the content pool allows.
 */
export const XLSX_LIMITS = {
  /** the file as uploaded */
  maxBytes: 5 * 1024 * 1024,
  /** parts in the ZIP container */
  maxEntries: 200,
  /** what the parts say they unpack to, together */
  maxUnpackedBytes: 64 * 1024 * 1024,
  /** unpacked / packed, for any part larger than 1 MiB unpacked */
  maxRatio: 100,
  /** rows of the first sheet (a header and the payer lines) */
  maxRows: 20_001,
  /** cells of the first sheet */
  maxCells: 400_000,
} as const;

/** A spreadsheet is a ZIP container (Office Open XML, `isZip`); the old binary .xls is an OLE compound file. */
export const isLegacyXls = (bytes: Uint8Array) =>
  bytes.length > 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;

export type TSheetRows = { rows: string[][] } | { refused: string };

/** A number cell as the sheet stores it, to two decimals when it is a binary float of an amount (1021.4999999999998). */
const numberText = (raw: string) => {
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(raw)) return raw;
  if (/e/i.test(raw) || /\.\d{3,}$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return String(n);
    const cents = Math.round(n * 100);
    if (Math.abs(n * 100 - cents) < 1e-6 && Number.isSafeInteger(cents)) return (cents / 100).toFixed(2);
  }
  return raw;
};

/**
 * The first sheet of an .xlsx payer list as rows of text, or why it is refused. Meant to run in
 * the content pool (lib/content-worker.ts): the ZIP's directory is checked first (number of
 * parts, declared sizes, compression ratio) without unpacking anything; a part that lies about
 * its size is stopped by the pool's memory and time limits.
 */
export async function readXlsxRows(bytes: Uint8Array): Promise<TSheetRows> {
  if (bytes.length > XLSX_LIMITS.maxBytes)
    return { refused: `the spreadsheet is larger than ${XLSX_LIMITS.maxBytes / 1024 / 1024} MiB; split it` };
  let entries = 0;
  let unpacked = 0;
  let refused: string | undefined;
  try {
    unzipSync(bytes, {
      filter: (file) => {
        entries += 1;
        unpacked += file.originalSize;
        if (
          !refused &&
          file.originalSize > 1024 * 1024 &&
          file.originalSize > XLSX_LIMITS.maxRatio * Math.max(1, file.size)
        )
          refused = `the spreadsheet part ${file.name} unpacks ${Math.round(file.originalSize / Math.max(1, file.size))} times its size (a zip bomb?)`;
        return false; // nothing is unpacked here
      },
    });
  } catch (error) {
    return { refused: `not a readable .xlsx file: ${(error as Error).message}` };
  }
  if (refused) return { refused };
  if (entries > XLSX_LIMITS.maxEntries)
    return { refused: `the spreadsheet has ${entries} parts; at most ${XLSX_LIMITS.maxEntries}` };
  if (unpacked > XLSX_LIMITS.maxUnpackedBytes)
    return {
      refused: `the spreadsheet unpacks to ${Math.round(unpacked / 1024 / 1024)} MiB; at most ${XLSX_LIMITS.maxUnpackedBytes / 1024 / 1024} MiB`,
    };
  let data: unknown[][];
  try {
    data = await readSheet(Buffer.from(bytes), 1, { parseNumber: (raw: string) => raw, trim: true });
  } catch (error) {
    return { refused: `not a readable .xlsx file: ${(error as Error).message}` };
  }
  if (data.length > XLSX_LIMITS.maxRows)
    return {
      refused: `the sheet has ${data.length} rows; at most ${XLSX_LIMITS.maxRows - 1} lines per list: split it`,
    };
  const cells = data.reduce((sum, row) => sum + row.length, 0);
  if (cells > XLSX_LIMITS.maxCells)
    return { refused: `the sheet has ${cells} cells; at most ${XLSX_LIMITS.maxCells}` };
  const text = (cell: unknown): string =>
    cell === null || cell === undefined
      ? ''
      : cell instanceof Date
        ? // a bill period typed as 2026-10 becomes 1 October 2026 in a spreadsheet: the period again
          cell.getUTCDate() === 1
          ? cell.toISOString().slice(0, 7)
          : cell.toISOString().slice(0, 10)
        : typeof cell === 'string'
          ? numberText(cell.trim())
          : typeof cell === 'number' || typeof cell === 'boolean'
            ? String(cell)
            : '';
  return { rows: data.map((row) => row.map(text)) };
}
