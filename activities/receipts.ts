import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { listVerifiedDecisions } from '../db/decisions';
import { consumers, offices, receipts } from '../db/schema';
import { sealBytes, type AtRestKeys } from '../lib/at-rest';
import { decisionWords, isLanguage, PHRASES, resolveParam } from '../domain/notice-templates';
import type { TNoticeParam } from '../domain/notices';
import type { TPdfFonts } from '../lib/pdf-text';
import { renderReceiptPdf } from '../lib/receipt-pdf';

export type ReceiptActivityDeps = {
  db: Database;
  atRestKeys: AtRestKeys;
  receipts: {
    issuer: string;
    publicUrl: string;
    /** signs a rendered PDF with the utility's certificate */
    sign: (pdf: Buffer, signingTime: Date) => Promise<Buffer>;
    signerSubject: string;
    /** Unicode fonts for the consumer's script (lib/pdf-text.ts) */
    fonts: TPdfFonts;
  };
};

export type TIssuedReceipt = { revision: number; sha256: string; url: string; verifyUrl: string };

export const receiptUrl = (requestNumber: string) => `/v1/service-requests/${requestNumber}/receipt`;

export function createReceiptActivities(deps: ReceiptActivityDeps) {
  const { db } = deps;
  return {
    /**
     * Renders, signs and stores the completion receipt. One receipt per completion: a retry finds
     * the stored one instead of signing a second, different PDF.
     */
    async issueReceipt(input: {
      requestNumber: string;
      revision: number;
      /** in the consumer's language when rendered: a catalogue name, a phrase, or text as it is */
      service: TNoticeParam;
      outcome: TNoticeParam;
      /** statutory compensation credited for a missed standard, worded (a phrase) */
      compensation?: TNoticeParam;
      /** step id → its name, for the decision trail */
      stepNames?: Record<string, TNoticeParam>;
      consumerNumber: string;
      officeId: string;
      submittedAt: string;
      completedAt: string;
    }): Promise<TIssuedReceipt> {
      const id = `${input.requestNumber}/${input.revision}`;
      const verifyUrl = `${deps.receipts.publicUrl}/v1/receipts/${input.requestNumber}`;
      const issued = (sha256: string) => ({
        revision: input.revision,
        sha256,
        // absolute: the link travels in SMS and e-mail
        url: `${deps.receipts.publicUrl}${receiptUrl(input.requestNumber)}`,
        verifyUrl,
      });
      const [existing] = await db
        .select({ sha256: receipts.sha256 })
        .from(receipts)
        .where(eq(receipts.id, id));
      if (existing) return issued(existing.sha256);

      const [consumer] = await db
        .select({ name: consumers.name, address: consumers.address, language: consumers.language })
        .from(consumers)
        .where(eq(consumers.consumerNumber, input.consumerNumber));
      const [office] = await db
        .select({ name: offices.name })
        .from(offices)
        .where(eq(offices.id, input.officeId));
      const trail = await listVerifiedDecisions(db, input.requestNumber);
      const language = isLanguage(consumer?.language) ? consumer.language : 'en';
      const say = (p: TNoticeParam | undefined) => resolveParam(p, language) ?? '';
      const completedAt = new Date(input.completedAt);
      const pdf = await deps.receipts.sign(
        await renderReceiptPdf(
          {
            requestNumber: input.requestNumber,
            revision: input.revision,
            service: say(input.service),
            outcome: say(input.outcome),
            ...(input.compensation ? { compensation: say(input.compensation) } : {}),
            consumer: {
              number: input.consumerNumber,
              name: consumer?.name ?? '',
              address: consumer?.address ?? '',
            },
            officeName: office?.name ?? input.officeId,
            submittedAt: input.submittedAt,
            completedAt: input.completedAt,
            trail: trail.map((d) => ({
              at: d.decidedAt,
              action: decisionWords(d.action, language, (id) => say(input.stepNames?.[id] ?? id)),
              by: d.actor,
              role: PHRASES.has('en', `role.${d.role}`) ? PHRASES.format(language, `role.${d.role}`) : d.role,
              signatureKeyId: d.verified ? d.signature!.keyId : undefined,
            })),
            verifyUrl,
            issuer: deps.receipts.issuer,
            language,
          },
          deps.receipts.fonts,
        ),
        completedAt,
      );
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      const { keyId, sealed } = sealBytes(deps.atRestKeys, pdf, id);
      await db
        .insert(receipts)
        .values({
          id,
          requestNumber: input.requestNumber,
          revision: input.revision,
          service: resolveParam(input.service, 'en') ?? '',
          sha256,
          sizeBytes: pdf.length,
          signerSubject: deps.receipts.signerSubject,
          keyId,
          ciphertext: sealed,
          issuedAt: completedAt,
        })
        .onConflictDoNothing({ target: receipts.id });
      // Two concurrent attempts: the stored one wins, whatever this attempt signed.
      const [stored] = await db.select({ sha256: receipts.sha256 }).from(receipts).where(eq(receipts.id, id));
      return issued(stored!.sha256);
    },
  };
}
