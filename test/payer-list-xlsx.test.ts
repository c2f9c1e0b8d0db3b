import { describe, expect, it } from 'vitest';
import { readXlsxRows, XLSX_LIMITS } from '../lib/payer-list-xlsx';
import { payerLinesOf } from '../lib/payer-list';
import { xlsx, xlsxBomb } from './helpers/xlsx-fixtures';

describe('an .xlsx payer list', () => {
  it('reads the first sheet as the CSV would be: header aliases in any case, numbers as amounts', async () => {
    const file = xlsx([
      ['Sl No', 'CONSUMER NO.', 'Amount Paid', 'Bill Ref'],
      [1, 1560200000031, 1021.5, '2027-02'],
      [2, '1560200000032', 0.1 + 0.2, null],
      [null, null, null, null],
      [3, 1560200000033, 1234567.25, 'bill-1560200000033-2027-02'],
    ]);
    const sheet = await readXlsxRows(file);
    expect('rows' in sheet && sheet.rows[1]).toEqual(['1', '1560200000031', '1021.5', '2027-02']);
    const list = payerLinesOf('rows' in sheet ? sheet.rows : []);
    expect('lines' in list && list.lines).toEqual([
      { lineNo: 1, consumerNumber: '1560200000031', amount: 102150, billReference: '2027-02' },
      { lineNo: 2, consumerNumber: '1560200000032', amount: 30, billReference: null },
      {
        lineNo: 4,
        consumerNumber: '1560200000033',
        amount: 123456725,
        billReference: 'bill-1560200000033-2027-02',
      },
    ]);
  });

  it('refuses a zip bomb from its directory, before unpacking it', async () => {
    const bomb = xlsxBomb(40);
    expect(bomb.length).toBeLessThan(XLSX_LIMITS.maxBytes);
    const sheet = await readXlsxRows(bomb);
    expect(sheet).toEqual({ refused: expect.stringMatching(/zip bomb/) });
  });

  it('refuses a sheet of more rows than a list may have', async () => {
    const rows = [
      ['consumer number', 'amount'],
      ...Array.from({ length: XLSX_LIMITS.maxRows }, (_, i) => [1560200000000 + i, 10]),
    ];
    const sheet = await readXlsxRows(xlsx(rows));
    expect(sheet).toEqual({ refused: expect.stringMatching(/rows; at most 20000 lines/) });
  });

  it('refuses what is not a workbook', async () => {
    expect(await readXlsxRows(new TextEncoder().encode('PK\u0003\u0004 not really'))).toEqual({
      refused: expect.stringMatching(/not a readable \.xlsx/),
    });
  });
});
