import { z } from '@hono/zod-openapi';

/** The `Idempotency-Key` request header: a retried POST with the same key acts once. */
export const ZIdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 characters of A-Z a-z 0-9 . _ : -')
  .optional();

export { scopeIdempotencyKey } from '../lib/idempotency';
