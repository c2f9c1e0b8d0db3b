import { beforeAll, describe, expect, it } from 'vitest';
import { addressesMatch, compareWithEkyc, namesMatch } from '../domain/kyc-match';
import { buildOfflineEkycZip, ekycContactHash, readOfflineEkyc } from '../lib/offline-ekyc';
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

  it('hashes contacts by the UIDAI rule: as many rounds as the last Aadhaar digit', () => {
    const once = ekycContactHash('9447012345', 'A7k2', 1);
    expect(ekycContactHash('9447012345', 'A7k2', 0)).toBe(once);
    expect(ekycContactHash('9447012345', 'A7k2', 2)).not.toBe(once);
    expect(once).toMatch(/^[0-9a-f]{64}$/);
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
