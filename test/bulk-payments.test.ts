import { describe, expect, it } from 'vitest';
import {
  matchStatementEntry,
  reconcileLines,
  reportOf,
  type TAccountFacts,
  type TStatement,
} from '../domain/bulk-payments';
import { paiseToDecimal, settleBills, toPaise } from '../domain/ledger';
import { parseBankStatement } from '../lib/bank-statement';
import { parsePayerList } from '../lib/payer-list';
import { camt053, MIXED_LIST_OUTCOMES, mt940, payerCsv, type TFixtureEntry } from './helpers/bank-fixtures';

const enc = (text: string) => new TextEncoder().encode(text);
const VA = 'KSEB0CORPU001';

// One account per exception kind (and two that pay rightly).
const accounts = new Map<string, TAccountFacts>([
  [
    '1000000000001',
    {
      active: true,
      inCorporateSet: true,
      bills: [{ billId: 'b1', period: '2027-01', outstanding: 100_000 }],
    },
  ],
  [
    '1000000000002',
    { active: true, inCorporateSet: true, bills: [{ billId: 'b2', period: '2027-01', outstanding: 55_050 }] },
  ],
  [
    '1000000000003',
    {
      active: true,
      inCorporateSet: false,
      bills: [{ billId: 'b3', period: '2027-01', outstanding: 20_000 }],
    },
  ],
  [
    '1000000000004',
    { active: true, inCorporateSet: true, bills: [{ billId: 'b4', period: '2027-01', outstanding: 30_000 }] },
  ],
  [
    '1000000000005',
    { active: true, inCorporateSet: true, bills: [{ billId: 'b5', period: '2026-12', outstanding: 0 }] },
  ],
  [
    '1000000000006',
    {
      active: false,
      inCorporateSet: true,
      bills: [{ billId: 'b6', period: '2027-01', outstanding: 10_000 }],
    },
  ],
]);
const mixedList = payerCsv([
  { consumer: '1000000000001', amount: 1000, bill: 'b1' }, // 1 posted
  { consumer: '1000000000002', amount: 550.5, bill: '2027-01' }, // 2 posted (bill by period)
  { consumer: '1000000000009', amount: 100 }, // 3 unknown consumer
  { consumer: '1000000000003', amount: 200, bill: 'b3' }, // 4 not in the corporate's set
  { consumer: '1000000000004', amount: 299.99, bill: 'b4' }, // 5 amount differs
  { consumer: '1000000000001', amount: 1000, bill: '2027-01' }, // 6 duplicate (same bill by period)
  { consumer: '1000000000005', amount: 400, bill: 'b5' }, // 7 already paid
  { consumer: '1000000000006', amount: 100, bill: 'b6' }, // 8 inactive
  { consumer: '1000000000004', amount: 300, bill: '2031-01' }, // 9 unknown bill
]);
const total = 1000 + 550.5 + 100 + 200 + 299.99 + 1000 + 400 + 100 + 300;
const entries: TFixtureEntry[] = [
  { ref: 'UTR0000000000001', amount: 777, date: '2027-01-14', details: 'NEFT CR another payer' },
  { ref: 'UTR2027011500123', amount: total, date: '2027-01-15', details: `NEFT CR ${VA} CORPORATE U` },
  { ref: 'CHG0000000000001', amount: total, date: '2027-01-15', details: 'bank charges', debit: true },
];

const statementOf = (text: string): TStatement => {
  const parsed = parseBankStatement(enc(text));
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.statement;
};
const listOf = (text: string) => {
  const parsed = parsePayerList(enc(text));
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed;
};

describe('reconciling a mixed payer list', () => {
  for (const [format, text] of [
    ['MT940', mt940('STMT20270115', entries)],
    ['camt.053', camt053('CAMT-20270115', entries)],
  ] as const) {
    it(`ends each line posted or with its reason, against ${format}`, () => {
      const statement = statementOf(text);
      const { lines } = listOf(mixedList);
      const listTotal = lines.reduce((s, l) => s + l.amount, 0);
      expect(listTotal).toBe(toPaise(total.toFixed(2)));
      for (const hints of [{ reference: 'UTR2027011500123' }, { paymentDate: '2027-01-15' }, {}]) {
        const match = matchStatementEntry(statement.entries, listTotal, { ...hints, virtualAccount: VA });
        expect(match).toMatchObject({ status: 'matched', entry: { ref: 'UTR2027011500123' } });
        const outcomes = reconcileLines(lines, accounts, match);
        expect(
          Object.fromEntries(outcomes.map((o) => [o.lineNo, o.status === 'ready' ? 'ready' : o.reason])),
        ).toEqual(MIXED_LIST_OUTCOMES);
        const report = reportOf(statement, lines, outcomes, match);
        expect(report.ready).toEqual({ lines: 2, amount: 155_050 });
        // Everything not posted came with the payment: it goes to suspense, nothing is lost.
        expect(report.suspense).toBe(listTotal - 155_050);
        expect(report.suspense).toBe(report.exceptions.amount);
      }
    });
  }

  it('finds no entry for another reference, and holds every line when the entry carries another amount', () => {
    const statement = statementOf(mt940('STMT2', entries));
    const { lines } = listOf(mixedList);
    const listTotal = lines.reduce((s, l) => s + l.amount, 0);
    const missing = matchStatementEntry(statement.entries, listTotal, {
      reference: 'UTR9',
      virtualAccount: VA,
    });
    expect(missing.status).toBe('not-found');
    expect(
      new Set(reconcileLines(lines, accounts, missing).map((o) => o.status === 'exception' && o.reason)),
    ).toEqual(new Set(['statement-not-found', 'duplicate-line']));
    expect(reportOf(statement, lines, reconcileLines(lines, accounts, missing), missing).suspense).toBe(0);
    const short = matchStatementEntry(statement.entries, listTotal + 1, { virtualAccount: VA });
    expect(short).toMatchObject({ status: 'amount-differs', by: 'virtual-account' });
    const outcomes = reconcileLines(lines, accounts, short);
    expect(outcomes.every((o) => o.status === 'exception')).toBe(true);
    // The whole entry is held in suspense.
    expect(reportOf(statement, lines, outcomes, short).suspense).toBe(toPaise(total.toFixed(2)));
    // Two credits of the list's total and no reference or account named: ambiguous, not guessed.
    const twice = matchStatementEntry(
      [...statement.entries, { ...statement.entries[1]!, ref: 'X', details: '' }].map((e) => ({
        ...e,
        details: '',
      })),
      listTotal,
      { virtualAccount: VA },
    );
    expect(twice.status).toBe('not-found');
  });
});

describe('reading the files', () => {
  it('refuses what is not a payer list, naming the field', () => {
    const bad = (bytes: Uint8Array) => {
      const parsed = parsePayerList(bytes);
      return 'errors' in parsed ? parsed.errors[0]! : undefined;
    };
    expect(bad(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1]))).toMatchObject({
      field: 'payerList',
      message: /binary/,
    });
    expect(bad(enc('Consumer Number,Amount\n'))).toMatchObject({ message: /no payment lines/ });
    expect(bad(enc(''))).toMatchObject({ message: /empty/ });
    expect(bad(enc('name,total\nA,1\n'))).toMatchObject({ message: /consumer_number and amount/ });
    expect(bad(enc('consumer_number,amount\n1000000000001,12.345\n'))).toMatchObject({
      message: /line 1: amount/,
    });
    expect(bad(enc('consumer_number,amount\n1000000000001,"1\n'))).toMatchObject({
      message: /not a readable CSV/,
    });
    // The same lines are the same list, whatever the line endings.
    expect(listOf('consumer_number,amount\r\n1000000000001,10\r\n').ref).toBe(
      listOf('Consumer No,Amount\n1000000000001,10.00\n').ref,
    );
  });

  it('refuses what is not a statement, naming the field', () => {
    const bad = (text: string) => {
      const parsed = parseBankStatement(enc(text));
      return 'errors' in parsed ? parsed.errors[0]! : undefined;
    };
    expect(bad('hello')).toMatchObject({ field: 'statement', message: /not an MT940/ });
    expect(bad('<Document><BkToCstmrStmt></Document>')).toMatchObject({ message: /not well-formed XML/ });
    expect(bad('<Document/>')).toMatchObject({ message: /not a camt.053/ });
    expect(bad(':20:X\r\n:60F:garbage\r\n')).toMatchObject({ message: /not a readable/ });
  });
});

describe('the ledger in paise', () => {
  it('reads amounts exactly and settles the oldest bill first', () => {
    expect(toPaise('1234.5')).toBe(123_450);
    expect(toPaise(-0.1)).toBe(-10);
    expect(paiseToDecimal(-123_405)).toBe('-1234.05');
    expect(() => toPaise('1e3')).toThrow();
    const settled = settleBills(
      [
        { billId: 'b', period: '2027-02', amount: 500 },
        { billId: 'a', period: '2027-01', amount: 300 },
      ],
      400,
    );
    expect(settled.map((b) => [b.billId, b.outstanding])).toEqual([
      ['a', 0],
      ['b', 400],
    ]);
  });
});
