import { describe, expect, it } from 'vitest';
import { SERVICE_CATALOGUE, buildFormSchema, ZServiceType } from '../domain/catalogue';
import { DOCUMENT_LIMITS, judgeDocumentContent } from '../domain/document-content';
import { readPdfFacts } from '../lib/pdf-facts';
import { checkAadhaar, checkPan } from '../domain/identity-numbers';
import { formatRequestNumber, isValidRequestNumber } from '../domain/request-number';
import { verhoeffCheckDigit, verhoeffValid } from '../domain/verhoeff';
import { makePdf, makePng } from '../scripts/lib/sample-files';

describe('Verhoeff and Request Numbers', () => {
  it('computes the textbook check digit', () => {
    expect(verhoeffCheckDigit('236')).toBe(3);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2364')).toBe(false);
  });

  it('formats Request Numbers that catch a misheard digit or a swap', () => {
    const rn = formatRequestNumber('SR', 2026, 123);
    expect(rn).toMatch(/^SR-2026-000123-\d$/);
    expect(isValidRequestNumber(rn)).toBe(true);
    expect(isValidRequestNumber(rn.replace('000123', '000124'))).toBe(false);
    expect(isValidRequestNumber(rn.replace('000123', '000132'))).toBe(false);
  });
});

describe('catalogue', () => {
  it('has the service types the utility offers, each valid', () => {
    expect(SERVICE_CATALOGUE.map((t) => t.code)).toEqual(
      expect.arrayContaining([
        'address-change',
        'ownership-transfer',
        'new-connection',
        'load-change',
        'tariff-change',
        'meter-shifting',
        'contact-update',
      ]),
    );
    expect(SERVICE_CATALOGUE.find((t) => t.code === 'new-connection')!.steps.map((s) => s.id)).toEqual([
      'document-review',
      'site-inspection',
      'estimate-payment',
      'energisation',
    ]);
  });

  it('refuses a type whose completion change names a missing form field', () => {
    const base = SERVICE_CATALOGUE[0]!;
    const result = ZServiceType.safeParse({
      ...base,
      apply: { kind: 'update-consumer', set: { address: 'nope' } },
    });
    expect(result.success).toBe(false);
  });

  it('builds eForm schemas that name the bad field', () => {
    const schema = buildFormSchema(SERVICE_CATALOGUE.find((t) => t.code === 'contact-update')!.form);
    const bad = schema.safeParse({ newPhone: '+91 12345', extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code)).toEqual(
      expect.arrayContaining(['newPhone']),
    );
    expect(schema.safeParse({ newPhone: '+919447012345' }).success).toBe(true);
    // Typed the local way, stored as E.164.
    expect(schema.parse({ newPhone: '094470 12345' })).toMatchObject({ newPhone: '+919447012345' });
    expect(schema.safeParse({ newPhone: '+91 5555 55555' }).success).toBe(false); // no such Indian mobile range
  });
});

describe('document content', () => {
  it('accepts real PNGs and PDFs by their bytes', async () => {
    expect(judgeDocumentContent(makePng())).toMatchObject({
      ok: true,
      sniffed: { mediaType: 'image/png', width: 800, height: 600 },
    });
    const pdf = makePdf(2);
    expect(judgeDocumentContent(pdf, DOCUMENT_LIMITS, await readPdfFacts(pdf))).toMatchObject({
      ok: true,
      sniffed: { mediaType: 'application/pdf', pages: 2 },
    });
  });

  it('refuses renamed files, encrypted PDFs, tiny images and oversize files', async () => {
    expect(judgeDocumentContent(Buffer.from('MZ\x90\x00 this is an exe')).reasons[0]).toMatch(
      /not a PDF, JPEG or PNG/,
    );
    const encrypted = makePdf(1, true);
    expect(
      judgeDocumentContent(encrypted, DOCUMENT_LIMITS, await readPdfFacts(encrypted)).reasons[0],
    ).toMatch(/password-protected/);
    // a PDF nobody parsed has no readable pages: the bytes alone never pass
    expect(judgeDocumentContent(makePdf(2)).ok).toBe(false);
    expect(judgeDocumentContent(makePng(20, 20)).reasons[0]).toMatch(/too small/);
    expect(
      judgeDocumentContent(makePng(), { maxBytes: 100, maxPdfPages: 30, maxPixels: 4e7, minPixels: 1 })
        .reasons[0],
    ).toMatch(/limit is 100/);
  });
});

describe('ID numbers', () => {
  it('checks Aadhaar numbers by Verhoeff and never returns them whole', () => {
    const body = '23412341234';
    const valid = `${body}${verhoeffCheckDigit(body)}`;
    expect(checkAadhaar(valid)).toEqual({ ok: true, masked: `XXXX-XXXX-${valid.slice(-4)}` });
    const typo = `${body.slice(0, 5)}${(Number(body[5]) + 1) % 10}${body.slice(6)}${verhoeffCheckDigit(body)}`;
    expect(checkAadhaar(typo).reason).toMatch(/check digit/);
    expect(checkAadhaar('1234 5678 9012').reason).toMatch(/never starts with 0 or 1/);
    expect(checkAadhaar('2345').reason).toMatch(/12 digits/);
  });

  it('checks PANs by pattern', () => {
    expect(checkPan('abcpe1234f')).toEqual({ ok: true, masked: 'ABXXXXXX4F' });
    expect(checkPan('ABCDE1234F').ok).toBe(false); // D is not a holder type
    expect(checkPan('ABCP1234FF').ok).toBe(false);
  });
});
