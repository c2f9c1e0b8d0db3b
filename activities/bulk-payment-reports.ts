import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { allBulkPaymentLines, readReversedTotals } from '../db/bulk-payments';
import type { Database } from '../db/client';
import { bulkPaymentReports, bulkPayments, corporates, offices } from '../db/schema';
import { bulkReportAad, bulkReportVersion, type TBulkReport } from '../domain/bulk-payments';
import { isLanguage } from '../domain/languages';
import { toPaise } from '../domain/ledger';
import { sealBytes } from '../lib/at-rest';
import { renderBulkReportPdf, type TBulkReportDocument } from '../lib/bulk-report-pdf';
import type { ReceiptActivityDeps } from './receipts';

export type BulkPaymentReportDeps = Pick<ReceiptActivityDeps, 'db' | 'atRestKeys' | 'receipts'> & {
  now: () => Date;
};

export function createBulkPaymentReportActivities(deps: BulkPaymentReportDeps) {
  const db: Database = deps.db;
  return {
    /**
     * Renders, signs and stores the batch's report as the batch stands now (its version: status and
     * reversals). One file per version: a retry, or a second request for the same version, finds
     * the stored one rather than signing a second, different PDF.
     */
    async issueBulkPaymentReport(input: {
      batchId: string;
      language: string;
    }): Promise<{ version: string; sha256: string }> {
      const language = isLanguage(input.language) ? input.language : 'en';
      const [batch] = await db.select().from(bulkPayments).where(eq(bulkPayments.id, input.batchId));
      if (!batch?.report) throw new Error(`bulk payment ${input.batchId} has no report yet`);
      const reversed = await readReversedTotals(db, batch.id);
      const version = bulkReportVersion(batch.status, reversed.lines, language);
      const stored = () =>
        db
          .select({ sha256: bulkPaymentReports.sha256 })
          .from(bulkPaymentReports)
          .where(
            and(eq(bulkPaymentReports.bulkPaymentId, batch.id), eq(bulkPaymentReports.version, version)),
          );
      const [existing] = await stored();
      if (existing) return { version, sha256: existing.sha256 };

      const [[corporate], [office], lines] = await Promise.all([
        db.select({ name: corporates.name }).from(corporates).where(eq(corporates.id, batch.corporateId)),
        db.select({ name: offices.name }).from(offices).where(eq(offices.id, batch.officeId)),
        allBulkPaymentLines(db, batch.id),
      ]);
      const { match: _match, ...report } = batch.report as TBulkReport & { match?: unknown };
      const issuedAt = deps.now();
      const document: TBulkReportDocument = {
        batch: {
          id: batch.id,
          corporate: corporate ? `${corporate.name} (${batch.corporateId})` : batch.corporateId,
          office: office?.name ?? batch.officeId,
          statementRef: batch.statementRef,
          statementFormat: batch.statementFormat,
          status: batch.status,
          uploadedBy: batch.uploadedBy,
          approvedBy: batch.approvedBy,
          approvedAt: batch.approvedAt?.toISOString() ?? null,
        },
        report,
        reversed,
        lines: lines.map(({ line, reversal }) => ({
          lineNo: line.lineNo,
          consumerNumber: line.consumerNumber,
          amount: toPaise(line.amount),
          billId: line.billId,
          billReference: line.billReference,
          status: line.status,
          reason: line.reason as TBulkReportDocument['lines'][number]['reason'],
          reversal: reversal ? { reason: reversal.reason } : null,
        })),
        issuer: deps.receipts.issuer,
        issuedAt: issuedAt.toISOString(),
        language,
      };
      const pdf = await deps.receipts.sign(
        await renderBulkReportPdf(document, deps.receipts.fonts),
        issuedAt,
      );
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      const { keyId, sealed } = sealBytes(deps.atRestKeys, pdf, bulkReportAad(batch.id, version));
      await db
        .insert(bulkPaymentReports)
        .values({
          bulkPaymentId: batch.id,
          version,
          sha256,
          sizeBytes: pdf.length,
          signerSubject: deps.receipts.signerSubject,
          keyId,
          ciphertext: sealed,
          issuedAt,
        })
        .onConflictDoNothing();
      // Two concurrent attempts: the stored one wins, whatever this attempt signed.
      const [won] = await stored();
      return { version, sha256: won!.sha256 };
    },
  };
}
