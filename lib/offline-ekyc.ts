import { createHash, type KeyLike } from 'node:crypto';
import { DOMParser, type Document, type Element as XmlElement } from '@xmldom/xmldom';
import {
  configure,
  TextReader,
  Uint8ArrayReader,
  Uint8ArrayWriter,
  ZipReader,
  ZipWriter,
} from '@zip.js/zip.js';
import { SignedXml } from 'xml-crypto';

// Node has no web workers in the sense zip.js means; decompress in-process.
configure({ useWebWorkers: false });

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const MAX_XML_BYTES = 2 * 1024 * 1024;
const MAX_ENTRIES = 4;

/** What an Aadhaar Paperless Offline e-KYC file says, read from its signed part only. */
export type TEkycData = {
  referenceId: string;
  /** the last four digits of the Aadhaar number (the first four of the reference id) */
  aadhaarLast4: string;
  name: string;
  dob: string;
  gender: string;
  careOf?: string;
  address: string;
  pinCode: string;
  hasPhoto: boolean;
};

export type TEkycVerdict = {
  ok: boolean;
  reasons: string[];
  checks: Record<string, string>;
  data?: TEkycData;
};

export const isZip = (bytes: Uint8Array) =>
  bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/**
 * UIDAI's rule for the mobile hash: SHA-256 over (mobile + share code), applied as many times as
 * the last digit of the Aadhaar number (once when that digit is 0 or 1), hex.
 */
export function ekycMobileHash(mobile: string, shareCode: string, aadhaarLastDigit: number): string {
  let hash = createHash('sha256').update(`${mobile}${shareCode}`).digest('hex');
  for (let i = 1; i < Math.max(1, aadhaarLastDigit); i++)
    hash = createHash('sha256').update(hash).digest('hex');
  return hash;
}

/** UIDAI's rule for the e-mail hash: a plain SHA-256 of the address, no share code, no repetition. */
export const ekycEmailHash = (email: string) => createHash('sha256').update(email).digest('hex');

/** An e-KYC ZIP holds one XML file; a directory larger than this is not one. */
const MAX_DIRECTORY_BYTES = 64 * 1024;

/**
 * Reads the ZIP's End Of Central Directory record (and its ZIP64 form) without parsing the
 * archive, so a ZIP of tens of thousands of entries is refused before anything walks it.
 * Returns the reason to refuse, or undefined.
 */
export function refuseZipDirectory(zip: Uint8Array): string | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'the ZIP is damaged (no central directory)';
  let entries: number | bigint = view.getUint16(eocd + 10, true);
  let directoryBytes: number | bigint = view.getUint32(eocd + 12, true);
  if (entries === 0xffff || directoryBytes === 0xffffffff) {
    // ZIP64: the locator sits just before the record and points at the 64-bit record.
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50)
      return 'the ZIP is damaged (no ZIP64 directory)';
    const at = Number(view.getBigUint64(locator + 8, true));
    if (at + 56 > zip.length || view.getUint32(at, true) !== 0x06064b50)
      return 'the ZIP is damaged (no ZIP64 directory)';
    entries = view.getBigUint64(at + 32, true);
    directoryBytes = view.getBigUint64(at + 40, true);
  }
  if (Number(entries) !== 1)
    return `the ZIP holds ${entries} entries; an offline e-KYC ZIP holds exactly one XML file`;
  if (Number(directoryBytes) > MAX_DIRECTORY_BYTES)
    return `the ZIP's directory is ${directoryBytes} bytes; an offline e-KYC ZIP's is a few hundred`;
  return undefined;
}

const parseXml = (xml: string): Document | undefined => {
  let failed = false;
  try {
    const doc = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') failed = true;
      },
    }).parseFromString(xml, 'text/xml');
    return failed ? undefined : doc;
  } catch {
    return undefined; // fatal errors throw
  }
};

const certificatesOf = (pem: string) =>
  pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

/** Mobile as UIDAI hashes it: the 10-digit number without +91. */
const normaliseMobile = (mobile: string) => mobile.replace(/\D/g, '').replace(/^91(?=\d{10}$)/, '');

/**
 * Opens an offline e-KYC ZIP with the consumer's share code and checks its XML signature
 * against the trust anchors (UIDAI's signing certificates). Data is read only from what the
 * signature covers — the canonical XML xml-crypto returns for the one whole-document reference —
 * so anything wrapped around or added next to the signed content is never read.
 */
export async function readOfflineEkyc(
  zip: Uint8Array,
  options: { shareCode: string; trustAnchorsPem: string; mobile?: string; email?: string },
): Promise<TEkycVerdict> {
  const checks: Record<string, string> = { format: 'uidai-offline-ekyc' };
  const fail = (...reasons: string[]): TEkycVerdict => ({ ok: false, reasons, checks });
  if (!isZip(zip)) return fail('not a ZIP file; download the offline e-KYC ZIP from the UIDAI site');
  const refused = refuseZipDirectory(zip);
  if (refused) return fail(refused);

  let xml: string;
  const reader = new ZipReader(new Uint8ArrayReader(zip), { password: options.shareCode });
  try {
    const entries = (await reader.getEntries()).filter((e) => !e.directory);
    if (entries.length === 0 || entries.length > MAX_ENTRIES)
      return fail('the ZIP does not hold one e-KYC XML file');
    const entry = entries.find((e) => e.filename.toLowerCase().endsWith('.xml'));
    if (!entry || entries.length !== 1) return fail('the ZIP must hold exactly one XML file');
    if (!entry.encrypted) return fail('the e-KYC file is not protected by a share code');
    // Checked before extracting: a small ZIP can claim to inflate to gigabytes.
    if (entry.uncompressedSize > MAX_XML_BYTES) return fail('the XML inside the ZIP is too large');
    let bytes: Uint8Array;
    try {
      bytes = await entry.getData(new Uint8ArrayWriter(), { password: options.shareCode });
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (/password/i.test(message)) return fail('the share code does not open this file');
      return fail('the ZIP is damaged');
    }
    if (bytes.length > MAX_XML_BYTES) return fail('the XML inside the ZIP is too large');
    xml = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } catch {
    return fail('the ZIP cannot be read');
  } finally {
    await reader.close().catch(() => {});
  }
  checks.shareCode = 'opens the file';

  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return fail('the XML declares a DOCTYPE, which e-KYC files never do');
  const doc = parseXml(xml);
  if (!doc?.documentElement) return fail('the XML is not well-formed');
  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG_NS, 'Signature'));
  if (signatures.length !== 1) return fail(`the XML must carry one signature, found ${signatures.length}`);
  const signatureNode = signatures[0]!;
  if (signatureNode.parentNode !== doc.documentElement)
    return fail('the signature is not enveloped in the e-KYC document');

  let signedXml: string | undefined;
  const anchors = certificatesOf(options.trustAnchorsPem);
  for (const cert of anchors) {
    const verifier = new SignedXml({ publicCert: cert as KeyLike, getCertFromKeyInfo: () => null });
    try {
      verifier.loadSignature(signatureNode);
      if (!verifier.checkSignature(xml)) continue;
    } catch {
      continue;
    }
    const references = verifier.getReferences();
    const signed = verifier.getSignedReferences();
    // One reference, to the whole document: nothing unsigned can sit next to the signed data.
    if (references.length !== 1 || (references[0]!.uri ?? '') !== '' || signed.length !== 1) {
      return fail('the signature must cover the whole document with one reference');
    }
    signedXml = signed[0];
    break;
  }
  if (anchors.length === 0) return fail('no trusted e-KYC certificate is configured');
  if (!signedXml) return fail('the XML signature does not verify against the trusted UIDAI certificates');
  checks.signature = 'valid';

  const signedDoc = parseXml(signedXml);
  const root = signedDoc?.documentElement ?? undefined;
  if (!root || root.localName !== 'OfflinePaperlessKyc')
    return fail('the signed content is not an OfflinePaperlessKyc document');
  const child = (parent: XmlElement | undefined, name: string) =>
    parent
      ? (Array.from(parent.childNodes).find((n) => (n as XmlElement).localName === name) as
          XmlElement | undefined)
      : undefined;
  const uidData = child(root, 'UidData');
  const poi = child(uidData, 'Poi');
  const poa = child(uidData, 'Poa');
  const pht = child(uidData, 'Pht');
  if (!poi || !poa) return fail('the signed content lacks UidData/Poi or UidData/Poa');

  const referenceId = root.getAttribute('referenceId') ?? '';
  if (!/^\d{4}\d{17}$/.test(referenceId)) return fail('the reference id is not in the UIDAI format');
  const aadhaarLast4 = referenceId.slice(0, 4);
  const attr = (el: XmlElement, name: string) => (el.getAttribute(name) ?? '').trim();
  const address = ['house', 'street', 'landmark', 'loc', 'vtc', 'po', 'subdist', 'dist', 'state']
    .map((k) => attr(poa, k))
    .filter(Boolean)
    .join(', ');
  const data: TEkycData = {
    referenceId,
    aadhaarLast4,
    name: attr(poi, 'name'),
    dob: attr(poi, 'dob'),
    gender: attr(poi, 'gender'),
    careOf: attr(poa, 'careof') || undefined,
    address,
    pinCode: attr(poa, 'pc'),
    hasPhoto: Boolean(pht?.textContent?.trim()),
  };

  const reasons: string[] = [];
  const lastDigit = Number(aadhaarLast4[3]);
  // The e-mail is hashed as given and lower-cased: addresses are case-insensitive in practice.
  const emailHashes = (email: string) => [
    ekycEmailHash(email.trim()),
    ekycEmailHash(email.trim().toLowerCase()),
  ];
  for (const [field, given, hashAttr, hashesOf] of [
    [
      'mobile',
      options.mobile,
      'm',
      (v: string) => [ekycMobileHash(normaliseMobile(v), options.shareCode, lastDigit)],
    ],
    ['email', options.email, 'e', emailHashes],
  ] as const) {
    if (!given) continue;
    const expected = attr(poi, hashAttr).toLowerCase();
    if (!expected) {
      checks[field] = 'not in the file';
      continue;
    }
    const matches = hashesOf(given).includes(expected);
    checks[field] = matches ? 'matches' : 'does not match';
    if (!matches) reasons.push(`the ${field} given is not the one registered with this Aadhaar`);
  }
  return { ok: reasons.length === 0, reasons, checks, data };
}

/**
 * Builds an offline e-KYC ZIP the way UIDAI does — signed XML, share-code-protected ZIP — with a
 * given signing key. Used for tests and the demo, signed by a development "UIDAI" key that only
 * development trust anchors accept.
 */
export async function buildOfflineEkycZip(input: {
  aadhaarLast4: string;
  shareCode: string;
  name: string;
  dob: string;
  gender: 'M' | 'F' | 'T';
  careOf?: string;
  address: {
    house?: string;
    street?: string;
    loc?: string;
    vtc: string;
    dist: string;
    state: string;
    pc: string;
  };
  mobile?: string;
  email?: string;
  signingKeyPem: KeyLike;
  at?: Date;
  /** the signed `m` / `e` hash attributes as given, instead of computed (tests of the hashing rule) */
  hashes?: { m?: string; e?: string };
  /** rewrite the signed XML before zipping (tests of tampering) */
  tamper?: (xml: string) => string;
}): Promise<Uint8Array> {
  const stamp = (input.at ?? new Date()).toISOString().replace(/\D/g, '').slice(0, 17);
  const lastDigit = Number(input.aadhaarLast4[3]);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const mobileHash = (v?: string) =>
    v ? ekycMobileHash(normaliseMobile(v), input.shareCode, lastDigit) : '';
  const emailHash = (v?: string) => (v ? ekycEmailHash(v) : '');
  const a = input.address;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<OfflinePaperlessKyc referenceId="${input.aadhaarLast4}${stamp}"><UidData>` +
    `<Poi dob="${esc(input.dob)}" e="${input.hashes?.e ?? emailHash(input.email)}" gender="${input.gender}" m="${input.hashes?.m ?? mobileHash(input.mobile)}" name="${esc(input.name)}"/>` +
    `<Poa careof="${esc(input.careOf ?? '')}" country="India" dist="${esc(a.dist)}" house="${esc(a.house ?? '')}" landmark="" loc="${esc(a.loc ?? '')}" pc="${a.pc}" po="" state="${esc(a.state)}" street="${esc(a.street ?? '')}" subdist="" vtc="${esc(a.vtc)}"/>` +
    `<Pht>/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U</Pht>` +
    `</UidData></OfflinePaperlessKyc>`;
  const signer = new SignedXml({
    privateKey: input.signingKeyPem,
    canonicalizationAlgorithm: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  signer.addReference({
    xpath: '/*',
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature'],
    isEmptyUri: true,
  });
  signer.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
  const signed = (input.tamper ?? ((x: string) => x))(signer.getSignedXml());
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password: input.shareCode });
  await writer.add(`offlineaadhaar${stamp}.xml`, new TextReader(signed));
  return writer.close();
}
