import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: take the namespace from the default export.
const { temporal } = proto;

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * AES-256-GCM payload codec. Each payload is serialised whole (metadata + data) and encrypted,
 * so the server only ever stores `binary/encrypted` plus the id of the key that sealed it.
 * Encryption always uses the active key; decryption accepts any configured key, which is how
 * keys rotate: add the new key, make it active, keep the old one until old histories age out.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly activeKeyId: string,
  ) {
    const key = keys.get(activeKeyId);
    if (!key || key.length !== 32) throw new Error(`payload key "${activeKeyId}" missing or not 32 bytes`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.activeKeyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCODING_ENCRYPTED),
          [METADATA_KEY_ID]: encoder.encode(this.activeKeyId),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING_ENCRYPTED) return payload;
      const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
      const keyId = keyIdBytes ? decoder.decode(keyIdBytes) : '';
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`payload sealed with unknown key id "${keyId}"`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The JSON shape the Temporal UI and `temporal --codec-endpoint` send: base64 metadata values and data. */
export type TJsonPayload = { metadata?: Record<string, string> | null; data?: string | null };

export function payloadFromJson({ metadata, data }: TJsonPayload): Payload {
  return {
    metadata: metadata
      ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]))
      : undefined,
    data: data ? Buffer.from(data, 'base64') : undefined,
  };
}

export function payloadToJson({ metadata, data }: Payload): TJsonPayload {
  return {
    metadata: metadata
      ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
      : undefined,
    data: data ? Buffer.from(data).toString('base64') : undefined,
  };
}
