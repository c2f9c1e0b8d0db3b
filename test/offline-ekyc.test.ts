import { createHash } from 'node:crypto';
import { Uint8ArrayWriter, ZipWriter, TextReader } from '@zip.js/zip.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { addressesMatch, compareWithEkyc, namesMatch } from '../domain/kyc-match';
import {
  buildOfflineEkycZip,
  ekycMobileHash,
  readOfflineEkyc,
  refuseZipDirectory,
} from '../lib/offline-ekyc';
import { createDevEkycSigner } from '../lib/signing-material';

/** Real ZIPs, real XML signatures: a development signer stands in for UIDAI's certificate. */
let signer: ReturnType<typeof createDevEkycSigner>;
let base: Parameters<typeof buildOfflineEkycZip>[0];
const read = (zip: Uint8Array, extra: { mobile?: string; email?: string; shareCode?: string } = {}) =>
  readOfflineEkyc(zip, { shareCode: 'A7k2', trustAnchorsPem: signer.certificatePem, ...extra });

beforeAll(() => {
  signer = createDevEkycSigner();
  base = {
    aadhaarLast4: '4563',
    shareCode: 'A7k2',
    name: 'Anitha Kumari',
    dob: '12-03-1985',
    gender: 'F',
    address: {
      house: 'TC 12/44',
      street: 'Pattom Palace Road',
      vtc: 'Thiruvananthapuram',
      dist: 'Thiruvananthapuram',
      state: 'Kerala',
      pc: '695004',
    },
    mobile: '9447012345',
    email: 'anitha@example.in',
    signingKeyPem: signer.privateKeyPem,
  };
});

describe('offline e-KYC', () => {
  it('opens the ZIP with the share code, verifies the signature and reads the signed data', async () => {
    const verdict = await read(await buildOfflineEkycZip(base), {
      mobile: '+91 94470 12345',
      email: 'Anitha@Example.in',
    });
    expect(verdict).toMatchObject({
      ok: true,
      checks: { signature: 'valid', shareCode: 'opens the file', mobile: 'matches', email: 'matches' },
      data: { name: 'Anitha Kumari', pinCode: '695004', aadhaarLast4: '4563', hasPhoto: true },
    });
    expect(verdict.data!.address).toContain('Pattom Palace Road');
  });

  it('hashes the mobile by the UIDAI rule: with the share code, as many rounds as the last Aadhaar digit', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const once = ekycMobileHash('9447012345', 'A7k2', 1);
    expect(once).toBe(sha('9447012345A7k2'));
    expect(ekycMobileHash('9447012345', 'A7k2', 0)).toBe(once);
    expect(ekycMobileHash('9447012345', 'A7k2', 3)).toBe(sha(sha(once)));
  });

  it('checks the e-mail against a plain SHA-256 of the address, as UIDAI publishes it', async () => {
    // the hash a genuine file carries, computed here by the published rule, not by the code under test
    const e = createHash('sha256').update('anitha@example.in').digest('hex');
    const zip = await buildOfflineEkycZip({ ...base, hashes: { e } });
    expect(await read(zip, { email: 'anitha@example.in' })).toMatchObject({
      ok: true,
      checks: { email: 'matches' },
    });
    expect((await read(zip, { email: 'Anitha@Example.in' })).checks.email).toBe('matches');
    const other = await read(zip, { email: 'someone@example.in' });
    expect(other).toMatchObject({ ok: false, checks: { email: 'does not match' } });
    // the salted, repeated hash (the mobile's rule) is not what UIDAI writes for the e-mail
    const salted = await buildOfflineEkycZip({
      ...base,
      hashes: { e: ekycMobileHash('anitha@example.in', 'A7k2', 3) },
    });
    expect((await read(salted, { email: 'anitha@example.in' })).checks.email).toBe('does not match');
  });

  it('refuses a ZIP of many entries from its directory record, before opening it', async () => {
    const writer = new ZipWriter(new Uint8ArrayWriter(), { level: 0 });
    for (let i = 0; i < 2_000; i++) await writer.add(`f${i}.xml`, new TextReader(''));
    const many = await writer.close();
    expect(refuseZipDirectory(many)).toBe(
      'the ZIP holds 2000 entries; an offline e-KYC ZIP holds exactly one XML file',
    );
    expect((await read(many)).reasons).toEqual([refuseZipDirectory(many)]);
    expect(refuseZipDirectory(await buildOfflineEkycZip(base))).toBeUndefined();
    expect(refuseZipDirectory(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatch(/damaged/);
  });

  it('refuses a wrong share code, an untrusted signer, edited data and wrapped signatures', async () => {
    const zip = await buildOfflineEkycZip(base);
    expect((await read(zip, { shareCode: 'zzzz' })).reasons).toEqual([
      'the share code does not open this file',
    ]);
    const stranger = createDevEkycSigner();
    expect(
      (await readOfflineEkyc(zip, { shareCode: 'A7k2', trustAnchorsPem: stranger.certificatePem })).reasons,
    ).toEqual(['the XML signature does not verify against the trusted UIDAI certificates']);

    const edited = await buildOfflineEkycZip({
      ...base,
      tamper: (x) => x.replace('Anitha Kumari', 'Someone Else'),
    });
    expect((await read(edited)).ok).toBe(false);

    // Signature wrapping: the genuine signed content moved under a wrapper, forged data in its place.
    const wrapped = await buildOfflineEkycZip({
      ...base,
      tamper: (x) => {
        const signature = /<Signature[\s\S]*<\/Signature>/.exec(x)![0];
        const genuine = x.replace(/^<\?xml[^>]*\?>/, '').replace(signature, '');
        return `<OfflinePaperlessKyc referenceId="456320261123120000000"><UidData><Poi name="Forged Person" dob="" gender="M"/><Poa pc="110001" vtc="Delhi"/></UidData><Wrapper>${genuine}</Wrapper>${signature}</OfflinePaperlessKyc>`;
      },
    });
    const verdict = await read(wrapped);
    expect(verdict.ok).toBe(false);
    expect(verdict.data).toBeUndefined();

    // A second, unsigned UidData next to the signed one changes the signed document: refused too.
    const injected = await buildOfflineEkycZip({
      ...base,
      tamper: (x) => x.replace('<UidData>', '<UidData><Poi name="Forged Person"/></UidData><UidData>'),
    });
    expect((await read(injected)).ok).toBe(false);
  });

  it('flags a mobile number that is not the registered one', async () => {
    const verdict = await read(await buildOfflineEkycZip(base), { mobile: '9999912345' });
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.mobile).toBe('does not match');
  });

  it('refuses files that are not share-code-protected e-KYC ZIPs', async () => {
    expect((await read(Buffer.from('%PDF-1.7 nope'))).reasons[0]).toMatch(/not a ZIP/);
    const { ZipWriter, Uint8ArrayWriter, TextReader } = await import('@zip.js/zip.js');
    const plain = new ZipWriter(new Uint8ArrayWriter());
    await plain.add('offlineaadhaar.xml', new TextReader('<OfflinePaperlessKyc/>'));
    expect((await read(await plain.close())).reasons).toEqual([
      'the e-KYC file is not protected by a share code',
    ]);
  });
});

describe('comparing e-KYC with the eForm', () => {
  it('matches names regardless of order, case, honorifics and initials', () => {
    expect(namesMatch('Smt. ANITHA  Kumari', 'Kumari Anitha')).toBe(true);
    expect(namesMatch('A. Kumari', 'Anitha Kumari')).toBe(true);
    expect(namesMatch('Rajesh Nair', 'Anitha Kumari')).toBe(false);
  });

  it('matches addresses by their words and PIN codes exactly', () => {
    expect(
      addressesMatch(
        'TC 12/44, Pattom Palace Road',
        'TC 12/44, Pattom Palace Road, Thiruvananthapuram, Kerala',
      ),
    ).toBe(true);
    expect(addressesMatch('34/1207 Kaloor, Kochi', 'TC 12/44, Pattom Palace Road, Thiruvananthapuram')).toBe(
      false,
    );
    expect(
      compareWithEkyc(
        { name: 'Anitha Kumari', address: 'TC 12/44, Pattom', pinCode: '695004' },
        { name: 'Anitha Kumari', address: 'TC 12/44 Pattom', pinCode: '695003' },
      ),
    ).toEqual({
      name: 'matches',
      address: 'matches',
      pinCode: 'differs',
      notes: ['PIN code on e-KYC 695004 differs from 695003'],
    });
  });
});
