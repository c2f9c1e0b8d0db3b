import { createHash, X509Certificate } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import type * as asn1js from 'asn1js';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import * as pkijs from 'pkijs';
import QRCode from 'qrcode';
import { signerSubjectOf, type SigningMaterial } from './signing-material';

/** What a completion receipt states. Everything here is printed; the verification URL is also the QR code. */
export type TReceipt = {
  requestNumber: string;
  revision: number;
  service: string;
  outcome: string;
  consumer: { number: string; name: string; address: string };
  officeName: string;
  submittedAt: string;
  completedAt: string;
  trail: { at: string; action: string; by: string; role: string; signature?: string }[];
  verifyUrl: string;
  issuer: string;
};

const KEYWORD_PREFIX = 'seva-receipt:';
const SIGNATURE_LENGTH = 16_384;

// The standard PDF fonts speak WinAnsi only: keep what the font has, strip accents from what it
// lacks, and show '?' for other scripts rather than failing the receipt.
const ASCII_PRINTABLE = /^[\x20-\x7e]$/;
function printableFor(font: PDFFont | undefined) {
  const supported = new Set(font?.getCharacterSet() ?? []);
  const has = (ch: string) => (font ? supported.has(ch.codePointAt(0)!) : ASCII_PRINTABLE.test(ch));
  return (s: string) =>
    [...s.normalize('NFC')]
      .map((ch) => {
        if (has(ch)) return ch;
        const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
        return [...base].every(has) && base ? base : '?';
      })
      .join('');
}
const printable = printableFor(undefined);

const formatIst = (iso: string) =>
  `${new Date(iso).toLocaleString('en-IN', { timeZone: 'Asia/Kolkata', dateStyle: 'medium', timeStyle: 'short' })} IST`;

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of printableFor(font)(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays out the receipt and reserves room for the signature; the result still has to be signed. */
export async function renderReceiptPdf(receipt: TReceipt): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Receipt ${receipt.requestNumber}`);
  pdf.setAuthor(printable(receipt.issuer));
  pdf.setSubject(printable(`${receipt.service} — ${receipt.outcome}`));
  pdf.setKeywords([`${KEYWORD_PREFIX}${receipt.requestNumber}:${receipt.revision}`]);
  pdf.setCreator('Seva');
  pdf.setProducer('Seva');
  pdf.setCreationDate(new Date(receipt.completedAt));
  pdf.setModificationDate(new Date(receipt.completedAt));

  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage = pdf.addPage([595.28, 841.89]); // A4
  const margin = 50;
  const width = page.getWidth() - 2 * margin;
  let y = page.getHeight() - margin;
  const text = (
    s: string,
    options: { size?: number; font?: PDFFont; x?: number; gap?: number; width?: number } = {},
  ) => {
    const size = options.size ?? 10;
    const font = options.font ?? regular;
    for (const line of wrap(s, font, size, (options.width ?? width) - (options.x ?? 0))) {
      if (y < margin + size) {
        page = pdf.addPage([595.28, 841.89]);
        y = page.getHeight() - margin;
      }
      page.drawText(line, { x: margin + (options.x ?? 0), y, size, font, color: rgb(0.1, 0.1, 0.1) });
      y -= size + (options.gap ?? 4);
    }
  };

  const qr = await pdf.embedPng(await QRCode.toBuffer(receipt.verifyUrl, { margin: 1, width: 240 }));
  page.drawImage(qr, {
    x: page.getWidth() - margin - 110,
    y: page.getHeight() - margin - 110,
    width: 110,
    height: 110,
  });

  text(receipt.issuer, { size: 14, font: bold });
  text('Service request receipt', { size: 12, gap: 14 });
  const facts: [string, string][] = [
    ['Request Number', receipt.requestNumber],
    ['Service', receipt.service],
    ['Outcome', receipt.outcome],
    ['Consumer number', receipt.consumer.number],
    ['Consumer', receipt.consumer.name],
    ['Address', receipt.consumer.address],
    ['Section office', receipt.officeName],
    ['Submitted', formatIst(receipt.submittedAt)],
    ['Completed', formatIst(receipt.completedAt)],
  ];
  for (const [label, value] of facts) {
    const top = y;
    text(`${label}:`, { font: bold });
    y = top;
    text(value, { x: 120, width: width - 120 }); // clear of the QR code
  }
  y -= 10;
  text('Decision trail', { size: 12, font: bold, gap: 8 });
  for (const entry of receipt.trail) {
    text(`${formatIst(entry.at)} — ${entry.action} by ${entry.by} (${entry.role})`, { size: 9, gap: 2 });
    if (entry.signature) text(`signed: ${entry.signature}`, { size: 7, x: 12, gap: 4 });
  }
  y -= 10;
  text(`Verify this receipt: ${receipt.verifyUrl}`, { size: 8 });
  text(
    'This document carries a digital signature of the issuer; any change to it invalidates the signature.',
    {
      size: 8,
    },
  );

  pdflibAddPlaceholder({
    pdfDoc: pdf,
    reason: `Receipt for ${receipt.requestNumber}`,
    contactInfo: receipt.verifyUrl,
    name: printable(receipt.issuer),
    location: 'India',
    signatureLength: SIGNATURE_LENGTH,
    signingTime: new Date(receipt.completedAt),
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
    const der = Buffer.from(contents.slice(1, -1).replace(/(00)+$/, ''), 'hex');

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
