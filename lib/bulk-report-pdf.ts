import { BULK_REPORT_LABELS } from '../domain/bulk-report-labels';
import { formatMoney } from '../domain/money';
import type { TBulkReport, TExceptionReason } from '../domain/bulk-payments';
import type { TLanguage } from '../domain/languages';
import { formatUtilityTime } from '../domain/notice-templates';
import { createPdfWriter, type TPdfFonts } from './pdf-text';
import { prepareForSigning } from './receipt-pdf';

/** What a batch's report states (money in paise). */
export type TBulkReportDocument = {
  batch: {
    id: string;
    corporate: string;
    office: string;
    statementRef: string;
    statementFormat: string;
    status: keyof (typeof BULK_REPORT_LABELS)['en']['batchStatus'];
    uploadedBy: string;
    approvedBy: string | null;
    approvedAt: string | null;
  };
  report: TBulkReport;
  reversed: { lines: number; amount: number };
  lines: {
    lineNo: number;
    consumerNumber: string;
    amount: number;
    billId: string | null;
    billReference: string | null;
    status: string;
    reason: TExceptionReason | null;
    reversal: { reason: string | null } | null;
  }[];
  issuer: string;
  issuedAt: string;
  language: TLanguage;
};

export const BULK_REPORT_KEYWORD = 'seva-bulk-payment:';

/**
 * The batch report as a PDF ready to sign: the batch and its statement, the totals (list,
 * statement, posted, exceptions, suspense, reversed), exceptions by reason, then every line with
 * its outcome — an exception with its reason, a reversed line with why. Money in the reader's
 * locale (₹ with lakh and crore grouping in India).
 */
export async function renderBulkReportPdf(doc: TBulkReportDocument, fonts: TPdfFonts): Promise<Buffer> {
  const l = BULK_REPORT_LABELS[doc.language];
  const money = (paise: number) => formatMoney(paise, doc.language);
  const at = (iso: string) => formatUtilityTime(iso, doc.language);
  const w = createPdfWriter(fonts, { lang: doc.language });
  const { batch, report } = doc;

  w.text(doc.issuer, { size: 14, bold: true });
  w.text(l.title, { size: 12, gap: 12 });
  const facts: [string, string][] = [
    [l.batch, batch.id],
    [l.corporate, batch.corporate],
    [l.office, batch.office],
    [l.statement, `${batch.statementRef} (${batch.statementFormat})`],
    [
      l.entry,
      [report.statement.entryRef, report.statement.valueDate, l.match[report.statement.match]]
        .filter(Boolean)
        .join(' · '),
    ],
    [l.status, l.batchStatus[batch.status]],
    [l.uploadedBy, batch.uploadedBy],
    [l.approvedBy, batch.approvedBy ? `${batch.approvedBy}, ${at(batch.approvedAt!)}` : '—'],
    [l.issued, at(doc.issuedAt)],
  ];
  const row = (
    cells: { text: string; x: number; width: number; right?: boolean; bold?: boolean }[],
    size = 9,
  ) => {
    w.keep(size * 1.45 + 2);
    const top = w.y;
    let bottom = top;
    for (const cell of cells) {
      w.y = top;
      w.text(cell.text, {
        x: cell.x,
        width: cell.width,
        size,
        gap: 0,
        bold: cell.bold ?? false,
        align: cell.right ? 'right' : 'left',
      });
      bottom = Math.max(bottom, w.y);
    }
    w.y = bottom + 1;
  };
  for (const [label, value] of facts)
    row(
      [
        { text: `${label}:`, x: 0, width: 140, bold: true },
        { text: value, x: 145, width: w.width - 145 },
      ],
      10,
    );

  w.y += 10;
  w.text(l.totals, { size: 12, bold: true, gap: 4 });
  const figure = (label: string, lines: number | null, paise: number | undefined, bold = false) =>
    row(
      [
        { text: label, x: 0, width: 220, bold },
        { text: lines === null ? '' : String(lines), x: 225, width: 60, right: true, bold },
        { text: paise === undefined ? '—' : money(paise), x: 290, width: 140, right: true, bold },
      ],
      10,
    );
  figure(l.listTotal, report.lines, report.listTotal, true);
  figure(l.entryAmount, null, report.statement.entryAmount);
  figure(l.ready, report.ready.lines, report.ready.amount);
  if (report.posted) figure(l.posted, report.posted.lines, report.posted.amount, true);
  figure(l.exceptions, report.exceptions.lines, report.exceptions.amount);
  figure(l.suspense, null, report.posted?.suspense ?? report.suspense);
  if (doc.reversed.lines > 0) figure(l.reversed, doc.reversed.lines, doc.reversed.amount, true);

  const reasons = Object.entries(report.exceptions.byReason) as [TExceptionReason, number][];
  w.y += 8;
  w.text(l.byReason, { size: 11, bold: true, gap: 4 });
  if (reasons.length === 0) w.text(l.none, { size: 9 });
  for (const [reason, n] of reasons)
    row([
      { text: l.reasons[reason] ?? reason, x: 0, width: 220 },
      { text: String(n), x: 225, width: 60, right: true },
    ]);

  w.y += 10;
  w.text(l.lines, { size: 12, bold: true, gap: 4 });
  const columns = (cells: [string, string, string, string, string], bold = false) =>
    row([
      { text: cells[0], x: 0, width: 32, right: true, bold },
      { text: cells[1], x: 40, width: 90, bold },
      { text: cells[2], x: 135, width: 135, bold },
      { text: cells[3], x: 275, width: 85, right: true, bold },
      { text: cells[4], x: 370, width: w.width - 370, bold },
    ]);
  columns([l.line, l.consumer, l.bill, l.amount, l.outcome], true);
  for (const line of doc.lines) {
    const outcome = line.reversal
      ? `${l.lineStatus.reversed}: ${line.reversal.reason ?? ''}`
      : line.status === 'exception' && line.reason
        ? `${l.lineStatus.exception}: ${l.reasons[line.reason] ?? line.reason}`
        : (l.lineStatus[line.status as keyof typeof l.lineStatus] ?? line.status);
    columns([
      String(line.lineNo),
      line.consumerNumber,
      line.billId ?? line.billReference ?? '—',
      money(line.amount),
      outcome,
    ]);
  }
  w.y += 10;
  w.text(l.notice, { size: 8 });

  return prepareForSigning(await w.finish(), {
    title: `${l.title} ${batch.id}`,
    author: doc.issuer,
    subject: `${batch.corporate} — ${batch.statementRef}`,
    keywords: [`${BULK_REPORT_KEYWORD}${batch.id}`],
    date: new Date(doc.issuedAt),
    reason: `Bulk payment report ${batch.id}`,
    contactInfo: batch.office,
  });
}
