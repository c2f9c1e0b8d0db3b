import { installedProfile } from '../domain/utility-profile';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import forge from 'node-forge';

/** What signs receipts: a PKCS#12 bundle (key + certificate chain) and the roots a verifier trusts. */
export type SigningMaterial = { p12: Buffer; passphrase: string; trustAnchorsPem: string };

function makeCertificate(options: {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  publicKey: forge.pki.PublicKey;
  signingKey: forge.pki.rsa.PrivateKey;
  ca: boolean;
  years: number;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + options.years * 365 * 24 * 3600_000);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
          { name: 'extKeyUsage', emailProtection: true },
          { name: 'subjectKeyIdentifier' },
        ],
  );
  cert.sign(options.signingKey, forge.md.sha256.create());
  return cert;
}

const rsaKeys = () => {
  // Node's native generator: forge's pure-JS one takes seconds.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
};

/** `country`: the utility profile's (its signing certificate's countryName). */
const distinguishedName = (commonName: string, organisation: string, country: string) => [
  { name: 'commonName', value: commonName },
  { name: 'organizationName', value: organisation },
  { name: 'countryName', value: country },
];

function selfSigned(commonName: string, organisation: string, country: string, ca: boolean, years: number) {
  const keys = rsaKeys();
  const name = distinguishedName(commonName, organisation, country);
  const cert = makeCertificate({
    subject: name,
    issuer: name,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    ca,
    years,
  });
  return { keys, name, cert };
}

/**
 * A development root CA and a receipt-signing certificate issued by it, as a PKCS#12 bundle.
 * Production brings the utility's own certificate instead (RECEIPT_SIGNING_P12_PATH).
 */
export function createDevSigningMaterial(
  organisation: string,
  passphrase: string,
  country = installedProfile().receipts.certificate.countryName,
): SigningMaterial {
  const {
    keys: root,
    name: rootName,
    cert: rootCert,
  } = selfSigned(`${organisation} Development Root CA`, organisation, country, true, 10);
  const leaf = rsaKeys();
  const leafCert = makeCertificate({
    subject: distinguishedName(`${organisation} Receipts (development)`, organisation, country),
    issuer: rootName,
    publicKey: leaf.publicKey,
    signingKey: root.privateKey,
    ca: false,
    years: 3,
  });
  const asn1 = forge.pkcs12.toPkcs12Asn1(leaf.privateKey, [leafCert, rootCert], passphrase, {
    algorithm: '3des',
  });
  return {
    p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'),
    passphrase,
    trustAnchorsPem: forge.pki.certificateToPem(rootCert),
  };
}

/**
 * Reads the configured signing bundle and trust anchors. When `createIfMissing` (development and
 * tests), a missing bundle is created once with a development CA and kept for later runs.
 */
export async function loadSigningMaterial(options: {
  p12Path: string;
  passphrase: string;
  trustAnchorsPath: string;
  organisation: string;
  /** the development certificate's countryName (default: the installed profile's) */
  country?: string;
  createIfMissing: boolean;
}): Promise<SigningMaterial> {
  if (!existsSync(options.p12Path)) {
    if (!options.createIfMissing)
      throw new Error(`no receipt-signing bundle at ${options.p12Path} (RECEIPT_SIGNING_P12_PATH)`);
    const material = createDevSigningMaterial(options.organisation, options.passphrase, options.country);
    await mkdir(dirname(options.p12Path), { recursive: true });
    await mkdir(dirname(options.trustAnchorsPath), { recursive: true });
    await writeFile(options.p12Path, material.p12, { mode: 0o600 });
    await writeFile(options.trustAnchorsPath, material.trustAnchorsPem);
    return material;
  }
  return {
    p12: await readFile(options.p12Path),
    passphrase: options.passphrase,
    trustAnchorsPem: await readFile(options.trustAnchorsPath, 'utf8'),
  };
}

/** The distinguished name of the certificate that signs (the bundle's non-CA certificate). */
export function signerSubjectOf(material: SigningMaterial): string {
  const p12 = forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(material.p12.toString('binary')),
    material.passphrase,
  );
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => Boolean(cert));
  const isCa = (cert: forge.pki.Certificate) => {
    const constraints: { cA?: boolean } | undefined = cert.getExtension('basicConstraints');
    return constraints?.cA === true;
  };
  const leaf = certs.find((cert) => !isCa(cert)) ?? certs[0];
  if (!leaf) throw new Error('the receipt-signing bundle holds no certificate');
  return leaf.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
}

/** A development stand-in for UIDAI's e-KYC signing certificate, and its private key. */
export function createDevEkycSigner(): { certificatePem: string; privateKeyPem: string } {
  const { keys, cert } = selfSigned(
    'Offline e-KYC signer (development, not UIDAI)',
    'Seva development',
    'IN', // UIDAI's format: the stand-in is Indian whatever the profile
    false,
    5,
  );
  return {
    certificatePem: forge.pki.certificateToPem(cert),
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

/**
 * The certificates offline e-KYC signatures must verify against (UIDAI's, in production). Outside
 * production a missing file is created with a development signer whose private key is kept next
 * to it, so demo and test e-KYC files can be made.
 */
export async function loadEkycTrustAnchors(options: {
  trustAnchorsPath: string;
  createIfMissing: boolean;
}): Promise<{ trustAnchorsPem: string; devSignerKeyPem?: string }> {
  const devKeyPath = `${options.trustAnchorsPath}.dev-signer-key.pem`;
  if (!existsSync(options.trustAnchorsPath)) {
    if (!options.createIfMissing)
      throw new Error(`no e-KYC trust anchors at ${options.trustAnchorsPath} (EKYC_TRUST_ANCHORS_PATH)`);
    const signer = createDevEkycSigner();
    await mkdir(dirname(options.trustAnchorsPath), { recursive: true });
    await writeFile(options.trustAnchorsPath, signer.certificatePem);
    await writeFile(devKeyPath, signer.privateKeyPem, { mode: 0o600 });
  }
  return {
    trustAnchorsPem: await readFile(options.trustAnchorsPath, 'utf8'),
    devSignerKeyPem: existsSync(devKeyPath) ? await readFile(devKeyPath, 'utf8') : undefined,
  };
}
