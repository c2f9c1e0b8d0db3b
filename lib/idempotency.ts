import { createHash } from 'node:crypto';

/** Idempotency keys are per caller: two callers choosing the same key never collide. */
export function scopeIdempotencyKey(subject: string, key: string): string {
  return createHash('sha256').update(`${subject}\n${key}`).digest('hex');
}
