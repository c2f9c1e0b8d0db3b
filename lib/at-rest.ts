import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM for stored documents, with the same rotating keys as the payload codec. */
export type AtRestKeys = { keys: ReadonlyMap<string, Buffer>; activeKeyId: string };

export function sealBytes(
  { keys, activeKeyId }: AtRestKeys,
  plain: Uint8Array,
  aad: string,
): { keyId: string; sealed: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.get(activeKeyId)!, iv);
  cipher.setAAD(Buffer.from(aad));
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { keyId: activeKeyId, sealed };
}

export function openBytes({ keys }: AtRestKeys, keyId: string, sealed: Buffer, aad: string): Buffer {
  const key = keys.get(keyId);
  if (!key) throw new Error(`no key "${keyId}" to open this document`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}
