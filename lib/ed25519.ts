import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';

/** An Ed25519 public key as registered: raw 32 bytes, base64url (the JWK `x`). */
export function publicKeyFromBase64url(x: string): KeyObject {
  const raw = Buffer.from(x, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== x)
    throw new Error('an Ed25519 public key is 32 bytes, base64url-encoded (43 characters)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** The key id is the RFC 7638 JWK thumbprint, so the same key always gets the same id. */
export const keyIdOf = (x: string) => calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });

export function verifyEd25519(publicKey: KeyObject, message: string, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(message), publicKey, bytes);
}

/** What a client does (the dev CLI and the tests): sign the canonical decision message. */
export function signEd25519(privateKey: KeyObject, message: string): string {
  return sign(null, Buffer.from(message), privateKey).toString('base64url');
}

export function generateEd25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey, publicKey, x };
}
