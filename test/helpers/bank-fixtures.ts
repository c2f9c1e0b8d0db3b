/** Bank statements and payer lists made for the tests: MT940 and ISO 20022 camt.053. */

export type TFixtureEntry = {
  /** the entry's reference (UTR) */
  ref: string;
  /** rupees */
  amount: number;
  /** YYYY-MM-DD */
  date: string;
  details: string;
  debit?: boolean;
};

const mtAmount = (rupees: number) => rupees.toFixed(2).replace('.', ',');
const yymmdd = (date: string) => date.slice(2).replace(/-/g, '');

/** A SWIFT MT940 statement with one :61:/:86: pair per entry. */
export function mt940(statementRef: string, entries: TFixtureEntry[], account = 'KSEB00012345678'): string {
  const opening = 1_000_000;
  const closing = entries.reduce((s, e) => s + (e.debit ? -e.amount : e.amount), opening);
  const first = entries[0]?.date ?? '2027-01-15';
  return [
    `:20:${statementRef}`,
    `:25:${account}`,
    ':28C:00015/001',
    `:60F:C${yymmdd(first)}INR${mtAmount(opening)}`,
    ...entries.flatMap((e) => [
      `:61:${yymmdd(e.date)}${e.date.slice(5).replace('-', '')}${e.debit ? 'D' : 'C'}${mtAmount(e.amount)}NTRF${e.ref}//${e.ref.slice(-8)}`,
      `:86:${e.details}`,
    ]),
    `:62F:C${yymmdd(entries.at(-1)?.date ?? first)}INR${mtAmount(closing)}`,
    '',
  ].join('\r\n');
}

/** An ISO 20022 camt.053.001.08 statement with one Ntry per entry. */
export function camt053(statementRef: string, entries: TFixtureEntry[], iban = 'IN00KSEB0001234567'): string {
  const ntry = (e: TFixtureEntry) => `
      <Ntry>
        <Amt Ccy="INR">${e.amount.toFixed(2)}</Amt>
        <CdtDbtInd>${e.debit ? 'DBIT' : 'CRDT'}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>${e.date}</Dt></BookgDt>
        <ValDt><Dt>${e.date}</Dt></ValDt>
        <AcctSvcrRef>${e.ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-${e.ref}</EndToEndId></Refs>
          <RmtInf><Ustrd>${e.details}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${statementRef}</MsgId><CreDtTm>${entries[0]?.date ?? '2027-01-15'}T18:00:00+05:30</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${statementRef}</Id>
      <ElctrncSeqNb>15</ElctrncSeqNb>
      <Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>INR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="INR">1000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${entries[0]?.date ?? '2027-01-15'}</Dt></Dt></Bal>${entries.map(ntry).join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

/** A payer list as a corporate sends it. */
export function payerCsv(lines: { consumer: string; amount: number | string; bill?: string }[]): string {
  return [
    'Consumer Number,Amount,Bill Reference',
    ...lines.map(
      (l) => `${l.consumer},${typeof l.amount === 'number' ? l.amount.toFixed(2) : l.amount},${l.bill ?? ''}`,
    ),
    '',
  ].join('\n');
}

/**
 * What becomes of each line of the tests' mixed list, in its order: two paid rightly, then one of
 * each exception kind against an account.
 */
export const MIXED_LIST_OUTCOMES = {
  1: 'ready',
  2: 'ready',
  3: 'unknown-consumer',
  4: 'not-in-corporate-set',
  5: 'amount-differs',
  6: 'duplicate-line',
  7: 'already-paid',
  8: 'inactive-consumer',
  9: 'unknown-bill',
};
