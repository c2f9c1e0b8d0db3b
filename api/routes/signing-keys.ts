import { z } from '@hono/zod-openapi';
import {
  findSigningKey,
  listSigningKeys,
  registerSigningKey,
  revokeSigningKey,
  type TSigningKey,
} from '../../db/signing-keys';
import { STAFF_ROLES } from '../../domain/roles';
import { keyIdOf, publicKeyFromBase64url } from '../../lib/ed25519';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
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
  const now = deps.now ?? (() => new Date());

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/signing-keys',
      tags: ['signing keys'],
      summary: 'Register an Ed25519 public key for signing decisions',
      description:
        "Answers with the key id (RFC 7638 thumbprint) to put in each decision's `signature.keyId`. Registering the same key again returns it.",
      roles: STAFF_ROLES,
      request: { body: { content: { 'application/json': { schema: ZRegister } }, required: true } },
      responses: {
        201: { description: 'registered', content: { 'application/json': { schema: ZKey } } },
        200: { description: 'already registered', content: { 'application/json': { schema: ZKey } } },
        ...problemResponses(400, 403, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const principal = c.get('principal');
      const subject = body.subject ?? principal.subject;
      if (principal.role !== 'admin') {
        if (subject !== principal.subject) throw new HttpProblem(403, 'only admins register keys for others');
        if (!deps.config.decisions.selfEnrolment)
          throw new HttpProblem(403, 'keys are registered by an admin here (self-enrolment is off)');
      }
      try {
        publicKeyFromBase64url(body.publicKey);
      } catch (error) {
        throw new HttpProblem(400, 'invalid public key', {
          errors: [{ field: 'publicKey', message: (error as Error).message }],
        });
      }
      const keyId = await keyIdOf(body.publicKey);
      const existing = await findSigningKey(deps.db, keyId);
      if (existing && existing.subject !== subject)
        throw new HttpProblem(409, 'this key is registered to someone else; generate your own');
      if (existing?.revokedAt) throw new HttpProblem(409, 'this key was revoked; generate a new one');
      const { key, created } = await registerSigningKey(deps.db, {
        keyId,
        subject,
        publicKey: body.publicKey,
        label: body.label ?? null,
        registeredBy: principal.subject,
      });
      return c.json(shape(key), created ? 201 : 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/signing-keys',
      tags: ['signing keys'],
      summary: "List registered keys (yours; admins and ops may list anyone's)",
      roles: STAFF_ROLES,
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
      const principal = c.get('principal');
      const requested = c.req.valid('query').subject;
      const privileged = principal.role === 'admin' || principal.role === 'ops';
      if (requested && requested !== principal.subject && !privileged)
        throw new HttpProblem(403, 'you may list only your own keys');
      const rows = await listSigningKeys(deps.db, privileged ? requested : principal.subject);
      return c.json({ items: rows.map(shape) }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/signing-keys/{keyId}/revoke',
      tags: ['signing keys'],
      summary: 'Revoke a key (it signs nothing new; what it signed stays verifiable)',
      roles: STAFF_ROLES,
      request: { params: z.object({ keyId: z.string().min(1) }) },
      responses: {
        200: { description: 'revoked', content: { 'application/json': { schema: ZKey } } },
        ...problemResponses(403, 404),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { keyId } = c.req.valid('param');
      const key = await findSigningKey(deps.db, keyId);
      if (!key) throw new HttpProblem(404, `no key ${keyId}`);
      if (key.subject !== principal.subject && principal.role !== 'admin')
        throw new HttpProblem(403, 'you may revoke only your own keys');
      const revoked = key.revokedAt ? key : await revokeSigningKey(deps.db, keyId, now());
      return c.json(shape(revoked!), 200);
    },
  );
  return app;
}
