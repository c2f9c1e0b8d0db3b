import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { RECEIPT_LABELS } from '../domain/receipt-labels';
import { loadPdfFonts, splitScriptRuns } from '../lib/pdf-text';
import {
  createReceiptSigner,
  createReceiptVerifier,
  derPrefix,
  renderReceiptPdf,
  type TReceipt,
} from '../lib/receipt-pdf';
import { createDevSigningMaterial } from '../lib/signing-material';
import { pdfFonts, pdfsig, pdfText } from './helpers/poppler';

/**
 * The receipt as a reader sees it: real fonts from the configured directory, the real signer, and
 * poppler reading the result (text, fonts, signature). Layout is looked at by eye (README).
 */
const fonts = loadPdfFonts(loadConfig({}).pdfFonts.dir);
const material = createDevSigningMaterial('Kerala State Electricity Board', 'pw');
const signer = createReceiptSigner(material);
const verify = createReceiptVerifier(material.trustAnchorsPem);

const receiptFor = (
  consumer: { name: string; address: string },
  language: TReceipt['language'],
): TReceipt => ({
  requestNumber: 'SR-2026-000123-4',
  revision: 0,
  service: 'Address change',
  outcome: 'The requested service — Address change — is processed',
  consumer: { number: '1154600000010', ...consumer },
  officeName: 'Electrical Section, Pattom',
  submittedAt: '2026-11-20T05:30:00.000Z',
  completedAt: '2026-11-24T11:15:00.000Z',
  trail: [
    {
      at: '2026-11-24T11:15:00.000Z',
      action: 'step-document-review',
      by: 'exec-pattom-01',
      role: 'executive',
      signatureKeyId: 'k_8f3a2c91d0e4',
    },
  ],
  verifyUrl: 'http://127.0.0.1:3000/v1/receipts/SR-2026-000123-4',
  issuer: 'Kerala State Electricity Board',
  language,
});
const signed = async (receipt: TReceipt) =>
  signer.sign(await renderReceiptPdf(receipt, fonts), new Date(receipt.completedAt));

describe('receipt PDF in the consumer’s script', () => {
  it('prints a Malayalam name and address as written, with Malayalam labels, embedded fonts and a valid signature', async () => {
    const name = 'അനിൽ കുമാർ';
    const address =
      'ടി.സി. 25/1001, ശ്രീകൃഷ്ണ നഗർ, കവടിയാർ, തിരുവനന്തപുരം, കേരളം 695003 — പട്ടം ഇലക്ട്രിക്കൽ സെക്ഷനു സമീപം, രണ്ടാം നില';
    const pdf = await signed(receiptFor({ name, address }, 'ml'));

    const text = pdfText(pdf);
    expect(text).toContain(`${RECEIPT_LABELS.ml.consumer}: ${name}`);
    expect(text).toContain(`${RECEIPT_LABELS.ml.address}: ${address}`);
    expect(text).toContain(RECEIPT_LABELS.ml.requestNumber);
    expect(text).toContain(RECEIPT_LABELS.ml.decisions);
    expect(text).toMatch(/നവം 24, വൈകുന്നേരം 4:45 \(ഇന്ത്യൻ സമയം\)/); // the reader’s locale, day periods and words, India time
    expect(text).not.toContain('Request Number');
    expect(text).not.toContain('?');

    const embedded = pdfFonts(pdf);
    expect(embedded.map((f) => f.name)).toEqual(
      expect.arrayContaining(['NotoSansMalayalam-Regular', 'NotoSansMalayalam-Bold', 'NotoSans-Regular']),
    );
    expect(embedded.every((f) => f.embedded)).toBe(true);

    expect(await verify(pdf)).toMatchObject({ valid: true, reasons: [], requestNumber: 'SR-2026-000123-4' });
    expect(pdfsig(pdf)).toMatch(/Signature Validation: Signature is Valid/);
    expect(pdfsig(pdf)).toMatch(/Total document signed/);
  });

  it('keeps Devanagari conjuncts and the i-sign in logical order for a Hindi reader', async () => {
    const name = 'श्रीकृष्ण द्विवेदी';
    const address = 'मकान संख्या 12, प्रेमनगर, द्वारका मार्ग, नई दिल्ली 110075';
    const pdf = await signed(receiptFor({ name, address }, 'hi'));
    const text = pdfText(pdf);
    expect(text).toContain(`${RECEIPT_LABELS.hi.consumer}: ${name}`);
    expect(text).toContain(`${RECEIPT_LABELS.hi.address}: ${address}`);
    expect(text).toContain(RECEIPT_LABELS.hi.title);
    expect(pdfFonts(pdf).filter((f) => f.name.startsWith('NotoSansDevanagari'))).not.toHaveLength(0);
    expect((await verify(pdf)).valid).toBe(true);
  });

  it('speaks Vietnamese, Russian and English with the Latin/Cyrillic font, wrapping long values onto more lines and pages', async () => {
    const vi = pdfText(
      await signed(receiptFor({ name: 'Nguyễn Thị Phương', address: 'Số 12, đường Lê Lợi, Quận 1' }, 'vi')),
    );
    expect(vi).toContain(`${RECEIPT_LABELS.vi.consumer}: Nguyễn Thị Phương`);
    const ru = pdfText(
      await signed(receiptFor({ name: 'Иван Петрович Сидоров', address: 'ул. Ленина, д. 15' }, 'ru')),
    );
    expect(ru).toContain(`${RECEIPT_LABELS.ru.consumer}: Иван Петрович Сидоров`);

    const long = 'കവടിയാർ '.repeat(60).trim();
    const receipt = receiptFor({ name: 'Anil Kumar', address: long }, undefined);
    receipt.trail = Array.from({ length: 40 }, () => receipt.trail[0]!);
    const pdf = await signed(receipt);
    const en = pdfText(pdf);
    expect(en).toContain(`Address: ${long}`);
    expect(en).toContain('Verify this receipt: http://127.0.0.1:3000/v1/receipts/SR-2026-000123-4');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(2);
    expect((await verify(pdf)).valid).toBe(true);
  });
});

describe('script runs', () => {
  it('keeps joiners and marks with their run and gives each script its font', () => {
    expect(splitScriptRuns('ന്‍ क्‍ष Anil')).toEqual([
      { script: 'malayalam', text: 'ന്‍ ' },
      { script: 'devanagari', text: 'क्‍ष ' },
      { script: 'latin', text: 'Anil' },
    ]);
    expect(splitScriptRuns('— പട്ടം, 695003')).toEqual([{ script: 'malayalam', text: '— പട്ടം, 695003' }]);
    expect(splitScriptRuns('25/1001')).toEqual([{ script: 'latin', text: '25/1001' }]);
  });

  it('names the package when the fonts are missing', () => {
    expect(() => loadPdfFonts('/nonexistent/fonts')).toThrow(/fonts-noto-core.*PDF_FONT_DIR/s);
  });
});

describe('reading the signature out of its placeholder', () => {
  it('keeps a DER signature whose last bytes are zero, and drops only the padding', () => {
    // SEQUENCE { OCTET STRING 01 02 00 00 } — a signature value may end in zero bytes.
    const der = Buffer.from([0x30, 0x06, 0x04, 0x04, 0x01, 0x02, 0x00, 0x00]);
    const padded = Buffer.concat([der, Buffer.alloc(32)]);
    expect(derPrefix(padded).equals(der)).toBe(true);
    // Long-form length, as a real CMS signature has.
    const long = Buffer.concat([
      Buffer.from([0x30, 0x82, 0x01, 0x00]),
      Buffer.alloc(255, 7),
      Buffer.from([0]),
    ]);
    expect(derPrefix(Buffer.concat([long, Buffer.alloc(100)])).equals(long)).toBe(true);
  });
});
