import { createHash, X509Certificate } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import type * as asn1js from 'asn1js';
import { PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import QRCode from 'qrcode';
import type { TLanguage } from '../domain/notice-templates';
import { RECEIPT_LABELS, formatReceiptTime, type TReceiptLabels } from '../domain/receipt-labels';
import { createPdfWriter, type TPdfFonts } from './pdf-text';
import { signerSubjectOf, type SigningMaterial } from './signing-material';

/** What a completion receipt states. Everything here is printed; the verification URL is also the QR code. */
export type TReceipt = {
  requestNumber: string;
  revision: number;
  service: string;
  outcome: string;
  /** statutory compensation credited for a missed standard of performance, in words */
  compensation?: string;
  consumer: { number: string; name: string; address: string };
  officeName: string;
  submittedAt: string;
  completedAt: string;
  trail: { at: string; action: string; by: string; role: string; signatureKeyId?: string }[];
  verifyUrl: string;
  issuer: string;
  /** the consumer's language: labels and dates; names and addresses print in their own script */
  language?: TLanguage;
};

const KEYWORD_PREFIX = 'seva-receipt:';
const SIGNATURE_LENGTH = 16_384;

/**
 * Lays out the receipt in the consumer's language and script (pdfkit, shaped Noto fonts, see
 * lib/pdf-text.ts) and reserves room for the signature; the result still has to be signed.
 */
export async function renderReceiptPdf(receipt: TReceipt, fonts: TPdfFonts): Promise<Buffer> {
  const language = receipt.language ?? 'en';
  const labels: TReceiptLabels = RECEIPT_LABELS[language];
  const at = (iso: string) => formatReceiptTime(iso, language);
  const w = createPdfWriter(fonts, { lang: language });

  w.image(await QRCode.toBuffer(receipt.verifyUrl, { margin: 1, width: 240 }), { width: 110, height: 110 });
  w.text(receipt.issuer, { size: 14, bold: true });
  w.text(labels.title, { size: 12, gap: 14 });
  const labelWidth = 120;
  const facts: [string, string][] = [
    [labels.requestNumber, receipt.requestNumber],
    [labels.service, receipt.service],
    [labels.outcome, receipt.outcome],
    ...(receipt.compensation ? ([[labels.compensation, receipt.compensation]] as [string, string][]) : []),
    [labels.consumerNumber, receipt.consumer.number],
    [labels.consumer, receipt.consumer.name],
    [labels.address, receipt.consumer.address],
    [labels.office, receipt.officeName],
    [labels.submitted, at(receipt.submittedAt)],
    [labels.completed, at(receipt.completedAt)],
  ];
  for (const [label, value] of facts) {
    w.keep(30); // a label and the first line of its value stay on one page
    const top = w.y;
    w.text(`${label}:`, { bold: true, width: labelWidth - 8, gap: 0 });
    const afterLabel = w.y;
    w.y = top;
    w.text(value, { x: labelWidth, gap: 0 });
    w.y = Math.max(w.y, afterLabel) + 2;
  }
  w.y += 10;
  w.text(labels.decisions, { size: 12, bold: true, gap: 6 });
  for (const entry of receipt.trail) {
    w.text(`${at(entry.at)} — ${entry.action} — ${entry.by} (${entry.role})`, { size: 9, gap: 0 });
    if (entry.signatureKeyId)
      w.text(`${labels.signedWithKey} ${entry.signatureKeyId}`, { size: 7, x: 12, gap: 2 });
  }
  w.y += 10;
  w.text(`${labels.verify}: ${receipt.verifyUrl}`, { size: 8 });
  w.text(labels.notice, { size: 8 });

  return prepareForSigning(await w.finish(), {
    title: `${labels.title} ${receipt.requestNumber}`,
    author: receipt.issuer,
    subject: `${receipt.service} — ${receipt.outcome}`,
    keywords: [`${KEYWORD_PREFIX}${receipt.requestNumber}:${receipt.revision}`],
    date: new Date(receipt.completedAt),
    reason: `Receipt for ${receipt.requestNumber}`,
    contactInfo: receipt.verifyUrl,
  });
}

/**
 * A laid-out PDF made ready to sign: its metadata, and room reserved for the signature. pdfkit lays
 * out; pdf-lib and @signpdf keep the signing path receipts had (placeholder, then CMS).
 */
export async function prepareForSigning(
  laidOut: Buffer,
  meta: {
    title: string;
    author: string;
    subject: string;
    keywords: string[];
    date: Date;
    reason: string;
    contactInfo: string;
  },
): Promise<Buffer> {
  const pdf = await PDFDocument.load(laidOut, { updateMetadata: false });
  pdf.setTitle(meta.title);
  pdf.setAuthor(meta.author);
  pdf.setSubject(meta.subject);
  pdf.setKeywords(meta.keywords);
  pdf.setCreator('Seva');
  pdf.setProducer('Seva');
  pdf.setCreationDate(meta.date);
  pdf.setModificationDate(meta.date);
  pdflibAddPlaceholder({
    pdfDoc: pdf,
    reason: meta.reason,
    contactInfo: meta.contactInfo,
    // a literal PDF string: ASCII only (the printed issuer keeps its script)
    name:
      meta.author
        .normalize('NFKD')
        .replace(/[^\x20-\x7e]/g, '')
        .trim() || 'Seva',
    location: 'India',
    signatureLength: SIGNATURE_LENGTH,
    signingTime: meta.date,
  });
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** Signs a rendered receipt with the utility's certificate (CMS, adbe.pkcs7.detached). */
export function createReceiptSigner(material: SigningMaterial) {
  return {
    signerSubject: signerSubjectOf(material),
    // A P12Signer consumes its bundle on first use: one per signature.
    sign: (pdf: Buffer, signingTime: Date): Promise<Buffer> =>
      new SignPdf().sign(pdf, new P12Signer(material.p12, { passphrase: material.passphrase }), signingTime),
  };
}

export type TReceiptVerdict = {
  valid: boolean;
  reasons: string[];
  requestNumber?: string;
  revision?: number;
  signer?: { subject: string; issuer: string; serialNumber: string; fingerprintSha256: string };
  signedAt?: string;
  sha256: string;
};

const certificatesFromPem = (pem: string): pkijs.Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => {
    const der = new X509Certificate(block).raw;
    return pkijs.Certificate.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength));
  });

/**
 * The DER structure at the start of a signature placeholder, without the zero padding after it.
 * Its length comes from its own header: stripping trailing zero bytes instead would also cut a
 * signature whose last byte happens to be zero (one in 256).
 */
export function derPrefix(padded: Buffer): Buffer {
  if (padded.length < 2) return padded;
  const first = padded[1]!;
  if (first < 0x80) return padded.subarray(0, 2 + first);
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || padded.length < 2 + octets) return padded;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + padded[2 + i]!;
  return padded.subarray(0, Math.min(padded.length, 2 + octets + length));
}

const toArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/**
 * Verifies a receipt the way a PDF reader does, and more strictly: exactly one signature, covering
 * the whole file (nothing appended after signing), a CMS signature whose message digest matches the
 * signed bytes, by a certificate that chains to one of the trust anchors.
 */
export function createReceiptVerifier(trustAnchorsPem: string) {
  const anchors = certificatesFromPem(trustAnchorsPem);
  return async (pdf: Buffer): Promise<TReceiptVerdict> => {
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const refuse = (reason: string): TReceiptVerdict => ({ valid: false, reasons: [reason], sha256 });
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return refuse('not a PDF file');
    const latin = pdf.toString('latin1');
    const ranges = [...latin.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
    if (ranges.length === 0) return refuse('the PDF carries no signature');
    if (ranges.length > 1)
      return refuse('the PDF carries more than one signature; a receipt has exactly one');
    const [a, b, c, d] = ranges[0]!.slice(1, 5).map(Number) as [number, number, number, number];
    if (a !== 0 || c + d !== pdf.length || b >= c)
      return refuse('the signature does not cover the whole document (it was changed after signing)');
    const contents = latin.slice(b, c);
    if (!/^<[0-9a-fA-F]+>$/.test(contents)) return refuse('the signature field is malformed');
    const signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
    const der = derPrefix(Buffer.from(contents.slice(1, -1), 'hex'));

    let signedData: pkijs.SignedData;
    try {
      const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
      signedData = new pkijs.SignedData({ schema: info.content });
    } catch {
      return refuse('the signature is not a readable CMS structure');
    }
    const reasons: string[] = [];
    let signerCert: pkijs.Certificate | undefined;
    let valid = false;
    try {
      const result = await signedData.verify({
        signer: 0,
        data: toArrayBuffer(signedBytes),
        trustedCerts: anchors,
        checkChain: true,
        extendedMode: true,
      });
      valid = result.signatureVerified === true && result.signerCertificateVerified === true;
      signerCert = result.signerCertificate ?? undefined;
      if (!result.signatureVerified) reasons.push('the content does not match its signature');
      if (!result.signerCertificateVerified) reasons.push('the signer is not trusted');
    } catch (error) {
      const e = error as {
        message?: string;
        signerCertificate?: pkijs.Certificate;
        signatureVerified?: boolean;
      };
      signerCert = e.signerCertificate ?? undefined;
      const message = e.message ?? 'unknown error';
      reasons.push(
        /certificate|path/i.test(message)
          ? 'the signer is not trusted: its certificate does not chain to a trusted root'
          : /digest|signature/i.test(message) || e.signatureVerified === false
            ? 'the content does not match its signature'
            : `the signature could not be verified: ${message}`,
      );
    }
    const signingTime = signedData.signerInfos[0]?.signedAttrs?.attributes.find(
      (attr) => attr.type === '1.2.840.113549.1.9.5',
    )?.values[0] as asn1js.UTCTime | undefined;
    const keywords = await PDFDocument.load(pdf, { updateMetadata: false })
      .then((doc) => doc.getKeywords() ?? '')
      .catch(() => '');
    const marker = new RegExp(`${KEYWORD_PREFIX}(SR-\\d{4}-\\d{6}-\\d):(\\d+)`).exec(keywords);
    if (!marker) {
      valid = false;
      reasons.push('not a Seva receipt (no request number in its metadata)');
    }
    let signer: TReceiptVerdict['signer'];
    if (signerCert) {
      const x509 = new X509Certificate(Buffer.from(signerCert.toSchema().toBER()));
      signer = {
        subject: x509.subject.replace(/\n/g, ', '),
        issuer: x509.issuer.replace(/\n/g, ', '),
        serialNumber: x509.serialNumber,
        fingerprintSha256: x509.fingerprint256,
      };
    }
    return {
      valid,
      reasons,
      requestNumber: marker?.[1],
      revision: marker ? Number(marker[2]) : undefined,
      signer,
      signedAt: signingTime?.toDate().toISOString(),
      sha256,
    };
  };
}
