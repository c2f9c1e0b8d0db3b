import { z } from '@hono/zod-openapi';
import { outagesAffecting, type TOutage } from '../../db/outages';
import { ZConsumerNumber } from '../../domain/consumer';
import { ZOutageRegistration as ZRegister } from '../../domain/outage';
import {
  cancelOutage,
  changeOutageEtr,
  DISPATCH_ROLES as DISPATCH,
  listOpenOutages,
  OUTAGE_READ_ROLES,
  registerOutage,
  rescheduleOutage,
  restoreOutage,
} from '../../use-cases/outages';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZOutage = z
  .object({
    id: z.string(),
    kind: z.enum(['planned', 'emergency']),
    status: z.enum(['scheduled', 'active', 'restored', 'cancelled']),
    feederIds: z.array(z.string()),
    transformerIds: z.array(z.string()),
    reason: z.string(),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    etr: z.string().describe('estimated time of restoration'),
    restoredAt: z.string().nullable(),
    officeId: z.string(),
  })
  .openapi('Outage');

const shape = (o: TOutage) => ({
  ...o,
  kind: o.kind as 'planned' | 'emergency',
  status: o.status as 'scheduled' | 'active' | 'restored' | 'cancelled',
  startsAt: o.startsAt.toISOString(),
  endsAt: o.endsAt?.toISOString() ?? null,
  etr: o.etr.toISOString(),
  restoredAt: o.restoredAt?.toISOString() ?? null,
  registeredBy: undefined,
  createdAt: undefined,
  updatedAt: undefined,
});

/**
 * Outages on feeders and transformers, registered by dispatchers within their office. The
 * registry answers "is this consumer in an outage, and until when" for complaints, WhatsApp and
 * the IVR; notification campaigns build on its events later.
 */
export function createOutageRoutes(deps: AppDeps) {
  const app = createRouter();
  const now = deps.now ?? (() => new Date());
  const idParam = z.object({ id: z.string().min(1) });

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/outages',
      tags: ['outages'],
      summary: 'Register a planned or emergency outage on feeders and/or transformers',
      roles: DISPATCH,
      request: { body: { content: { 'application/json': { schema: ZRegister } }, required: true } },
      responses: {
        201: { description: 'registered', content: { 'application/json': { schema: ZOutage } } },
        ...problemResponses(400, 403),
      },
    }),
    async (c) => {
      const stored = await registerOutage(deps, c.get('principal'), c.req.valid('json'));
      return c.json(shape(stored), 201);
    },
  );

  app.openapi(
    secureRoute({
      method: 'patch',
      path: '/v1/outages/{id}',
      tags: ['outages'],
      summary: 'Change the estimated time of restoration',
      roles: DISPATCH,
      request: {
        params: idParam,
        body: {
          content: { 'application/json': { schema: z.object({ etr: z.iso.datetime({ offset: true }) }) } },
          required: true,
        },
      },
      responses: {
        200: { description: 'updated', content: { 'application/json': { schema: ZOutage } } },
        ...problemResponses(400, 403, 404, 409),
      },
    }),
    async (c) => {
      const updated = await changeOutageEtr(deps, c.get('principal'), {
        id: c.req.valid('param').id,
        etr: c.req.valid('json').etr,
      });
      return c.json(shape(updated), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/outages/{id}/restore',
      tags: ['outages'],
      summary: 'Mark the outage restored',
      roles: DISPATCH,
      request: { params: idParam },
      responses: {
        200: { description: 'restored', content: { 'application/json': { schema: ZOutage } } },
        ...problemResponses(403, 404, 409),
      },
    }),
    async (c) => {
      const updated = await restoreOutage(deps, c.get('principal'), { id: c.req.valid('param').id });
      return c.json(shape(updated), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/outages/{id}/reschedule',
      tags: ['outages'],
      summary:
        'Move a planned outage not yet begun: everyone told hears the new times, advance notices are planned again',
      roles: DISPATCH,
      request: {
        params: idParam,
        body: {
          content: {
            'application/json': {
              schema: z.object({
                startsAt: z.iso.datetime({ offset: true }),
                endsAt: z.iso.datetime({ offset: true }),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        200: { description: 'rescheduled', content: { 'application/json': { schema: ZOutage } } },
        ...problemResponses(400, 403, 404, 409),
      },
    }),
    async (c) => {
      const updated = await rescheduleOutage(deps, c.get('principal'), {
        id: c.req.valid('param').id,
        ...c.req.valid('json'),
      });
      return c.json(shape(updated), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/outages/{id}/cancel',
      tags: ['outages'],
      summary:
        'Cancel a planned outage not yet begun: nothing more is sent but the cancellation, to everyone told',
      roles: DISPATCH,
      request: { params: idParam },
      responses: {
        200: { description: 'cancelled', content: { 'application/json': { schema: ZOutage } } },
        ...problemResponses(403, 404, 409),
      },
    }),
    async (c) => {
      const updated = await cancelOutage(deps, c.get('principal'), { id: c.req.valid('param').id });
      return c.json(shape(updated), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/outages',
      tags: ['outages'],
      summary:
        'Outages not yet restored (scheduled and active) in your office, the offices under it and the offices above it, newest first',
      roles: OUTAGE_READ_ROLES,
      request: {
        query: z.object({
          officeId: z
            .string()
            .min(1)
            .optional()
            .describe('an office within yours (default: yours; ops and admin see every office)'),
        }),
      },
      responses: {
        200: {
          description: 'outages',
          content: { 'application/json': { schema: z.object({ items: z.array(ZOutage) }) } },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const rows = await listOpenOutages(deps, c.get('principal'), c.req.valid('query'));
      return c.json({ items: rows.map(shape) }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/outages',
      tags: ['self-service'],
      summary: "Current and upcoming outages on the consumer's supply, with restoration times",
      roles: ['consumer', 'agent', 'executive', 'supervisor', 'dispatcher', 'csc', 'ops', 'admin'],
      request: { params: z.object({ consumerNumber: ZConsumerNumber }) },
      responses: {
        200: {
          description: 'outages',
          content: { 'application/json': { schema: z.object({ items: z.array(ZOutage) }) } },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      await assertConsumerAccess(c, deps.db, consumerNumber);
      const rows = await outagesAffecting(deps.db, consumerNumber, now());
      return c.json({ items: rows.map(shape) }, 200);
    },
  );
  return app;
}
