import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Parser as Mt940Parser } from 'mt940js';
import type { TStatement, TStatementEntry } from '../domain/bulk-payments';
import type { TFieldError } from '../domain/failures';
import { toPaise } from '../domain/ledger';

export type TParsedStatement = { statement: TStatement } | { errors: TFieldError[] };

const MAX_REF = 64;

/**
 * A bank statement: SWIFT MT940 (mt940js) or ISO 20022 camt.053 (XML, fast-xml-parser), told
 * apart by content. Every statement of the file contributes its entries; the first one's own
 * reference is the statement's. Errors name the field `field`.
 */
export function parseBankStatement(bytes: Uint8Array, field = 'statement'): TParsedStatement {
  const fail = (message: string): TParsedStatement => ({ errors: [{ field, message }] });
  if (bytes.length === 0) return fail('the statement is empty');
  if (bytes.includes(0)) return fail('not a bank statement (binary content)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return fail('not a bank statement (not UTF-8 text)');
  }
  try {
    const statement = text.trimStart().startsWith('<') ? readCamt053(text) : readMt940(text);
    if (typeof statement === 'string') return fail(statement);
    if (!statement.ref || statement.ref.length > MAX_REF)
      return fail(`the statement's own reference must be 1–${MAX_REF} characters`);
    return { statement };
  } catch (error) {
    return fail(`not a readable MT940 or camt.053 statement: ${(error as Error).message}`);
  }
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

function readMt940(text: string): TStatement | string {
  if (!/:20:/.test(text) || (!/:61:/.test(text) && !/:60[FM]:/.test(text)))
    return 'not an MT940 statement (no :20: and :60F: tags) nor camt.053 XML';
  const statements = new Mt940Parser().parse(text.replace(/\r?\n/g, '\r\n'));
  const first = statements[0];
  if (!first) return 'the MT940 file has no statement';
  const entries: TStatementEntry[] = statements.flatMap((s) =>
    s.transactions.map((t) => ({
      ref: (t.reference || t.bankReference || '').trim(),
      otherRefs: [t.bankReference, t.extraDetails]
        .filter((r): r is string => Boolean(r?.trim()))
        .map((r) => r.trim()),
      amount: toPaise(t.amount),
      valueDate: isoDate(t.date),
      details: t.details ?? '',
    })),
  );
  return {
    format: 'mt940',
    ref: first.transactionReference.trim(),
    account: first.accountIdentification,
    currency: first.currency,
    entries,
  };
}

type XmlNode = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const textOf = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && '#text' in v
      ? String((v as XmlNode)['#text'])
      : '';
const node = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as XmlNode)[key] : undefined), v);

function readCamt053(text: string): TStatement | string {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`;
  const xml = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    processEntities: false,
  }).parse(text) as XmlNode;
  const stmts = asArray(node(xml, 'Document', 'BkToCstmrStmt', 'Stmt') as XmlNode | XmlNode[] | undefined);
  const first = stmts[0];
  if (!first) return 'not a camt.053 statement (no Document/BkToCstmrStmt/Stmt)';
  const entries: TStatementEntry[] = stmts.flatMap((stmt) =>
    asArray(stmt.Ntry as XmlNode | XmlNode[] | undefined).map((ntry, i) => {
      const tx = asArray(node(ntry, 'NtryDtls', 'TxDtls') as XmlNode | XmlNode[] | undefined)[0];
      const refs = [
        textOf(node(tx, 'Refs', 'UETR')),
        textOf(node(tx, 'Refs', 'EndToEndId')),
        textOf(node(tx, 'Refs', 'TxId')),
        textOf(ntry.NtryRef),
      ].filter(Boolean);
      const amount = toPaise(textOf(ntry.Amt));
      const credit = textOf(ntry.CdtDbtInd) !== 'DBIT';
      return {
        ref: textOf(ntry.AcctSvcrRef) || refs[0] || `${textOf(stmt.Id)}#${i + 1}`,
        otherRefs: refs,
        amount: credit ? amount : -amount,
        valueDate: (textOf(node(ntry, 'ValDt', 'Dt')) || textOf(node(ntry, 'BookgDt', 'Dt'))).slice(0, 10),
        details: [
          ...asArray(node(tx, 'RmtInf', 'Ustrd')).map(textOf),
          textOf(ntry.AddtlNtryInf),
          textOf(node(tx, 'AddtlTxInf')),
        ]
          .filter(Boolean)
          .join('\n'),
      };
    }),
  );
  return {
    format: 'camt.053',
    ref: textOf(first.Id).trim(),
    account: textOf(node(first, 'Acct', 'Id', 'IBAN')) || textOf(node(first, 'Acct', 'Id', 'Othr', 'Id')),
    currency: textOf(node(first, 'Acct', 'Ccy')),
    entries,
  };
}
