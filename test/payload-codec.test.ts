import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCODING_ENCRYPTED, payloadFromJson, payloadToJson } from '../lib/payload-codec';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const secret = { name: 'Lakshmi Menon', phone: '+919876543210' };

describe('AES-GCM payload codec', () => {
  it('round-trips and hides the plaintext', async () => {
    const codec = new AesGcmPayloadCodec(new Map([['k1', k1]]), 'k1');
    const payload = defaultPayloadConverter.toPayload(secret);
    const [encoded] = await codec.encode([payload]);
    expect(new TextDecoder().decode(encoded!.metadata!.encoding)).toBe(ENCODING_ENCRYPTED);
    expect(new TextDecoder().decode(encoded!.metadata!['encryption-key-id'])).toBe('k1');
    expect(Buffer.from(encoded!.data!).includes('Lakshmi')).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('decodes payloads sealed with an older key after rotation', async () => {
    const before = new AesGcmPayloadCodec(new Map([['k1', k1]]), 'k1');
    const after = new AesGcmPayloadCodec(
      new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      'k2',
    );
    const [old] = await before.encode([defaultPayloadConverter.toPayload(secret)]);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(secret)]);
    expect(new TextDecoder().decode(fresh!.metadata!['encryption-key-id'])).toBe('k2');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([secret, secret]);
  });

  it('rejects tampered data and unknown keys', async () => {
    const codec = new AesGcmPayloadCodec(new Map([['k1', k1]]), 'k1');
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
    const tampered = { ...encoded!, data: Buffer.from(encoded!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    const other = new AesGcmPayloadCodec(new Map([['k2', k2]]), 'k2');
    await expect(other.decode([encoded!])).rejects.toThrow(/unknown key id "k1"/);
  });

  it('passes through payloads that are not encrypted', async () => {
    const codec = new AesGcmPayloadCodec(new Map([['k1', k1]]), 'k1');
    const plain = defaultPayloadConverter.toPayload('hello');
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('converts to and from the Temporal UI JSON shape', async () => {
    const payload = defaultPayloadConverter.toPayload(secret);
    const back = payloadFromJson(payloadToJson(payload));
    expect(defaultPayloadConverter.fromPayload(back)).toEqual(secret);
  });
});
