import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';

/** The `Idempotency-Key` request header: a retried POST with the same key acts once. */
export const ZIdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 characters of A-Z a-z 0-9 . _ : -')
  .optional();

/** Keys are per caller: two callers choosing the same key never collide. */
export function scopeIdempotencyKey(subject: string, key: string): string {
  return createHash('sha256').update(`${subject}\n${key}`).digest('hex');
}
