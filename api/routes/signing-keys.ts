import { z } from '@hono/zod-openapi';
import type { TSigningKey } from '../../db/signing-keys';
import {
  enrolSigningKey,
  revokeSigningKeyOf,
  SIGNING_KEY_ROLES,
  signingKeysOf,
} from '../../use-cases/signing-keys';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZKey = z
  .object({
    keyId: z.string(),
    subject: z.string(),
    publicKey: z.string().describe('Ed25519 public key, raw 32 bytes base64url (JWK "x")'),
    label: z.string().nullable(),
    registeredBy: z.string(),
    registeredAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('SigningKey');

const ZRegister = z.object({
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'raw 32-byte Ed25519 public key, base64url (43 characters)'),
  subject: z.string().min(1).max(100).optional().describe('whose key (admins only; default: yourself)'),
  label: z.string().trim().max(100).optional().describe('e.g. "office laptop"'),
});

const shape = (k: TSigningKey) => ({
  ...k,
  registeredAt: k.registeredAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/**
 * Registry of staff members' Ed25519 public keys, which verify their signed decisions. Admins
 * register keys for anyone; staff register their own when self-enrolment is on (not in production).
 */
export function createSigningKeyRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/signing-keys',
      tags: ['signing keys'],
      summary: 'Register an Ed25519 public key for signing decisions',
      description:
        "Answers with the key id (RFC 7638 thumbprint) to put in each decision's `signature.keyId`. Registering the same key again returns it.",
      roles: SIGNING_KEY_ROLES,
      request: { body: { content: { 'application/json': { schema: ZRegister } }, required: true } },
      responses: {
        201: { description: 'registered', content: { 'application/json': { schema: ZKey } } },
        200: { description: 'already registered', content: { 'application/json': { schema: ZKey } } },
        ...problemResponses(400, 403, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { key, created } = await enrolSigningKey(deps, c.get('principal'), body);
      return c.json(shape(key), created ? 201 : 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/signing-keys',
      tags: ['signing keys'],
      summary: "List registered keys (yours; admins and ops may list anyone's)",
      roles: SIGNING_KEY_ROLES,
      request: { query: z.object({ subject: z.string().min(1).optional() }) },
      responses: {
        200: {
          description: 'keys, newest first',
          content: { 'application/json': { schema: z.object({ items: z.array(ZKey) }) } },
        },
        ...problemResponses(400, 403),
      },
    }),
    async (c) => {
      const rows = await signingKeysOf(deps, c.get('principal'), c.req.valid('query').subject);
      return c.json({ items: rows.map(shape) }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/signing-keys/{keyId}/revoke',
      tags: ['signing keys'],
      summary: 'Revoke a key (it signs nothing new; what it signed stays verifiable)',
      roles: SIGNING_KEY_ROLES,
      request: { params: z.object({ keyId: z.string().min(1) }) },
      responses: {
        200: { description: 'revoked', content: { 'application/json': { schema: ZKey } } },
        ...problemResponses(403, 404),
      },
    }),
    async (c) => {
      const revoked = await revokeSigningKeyOf(deps, c.get('principal'), c.req.valid('param').keyId);
      return c.json(shape(revoked), 200);
    },
  );
  return app;
}
