import { z } from '@hono/zod-openapi';
import {
  catalogueKindOf,
  listComplaintTypes,
  listServiceTypes,
  upsertCatalogueEntry,
} from '../../db/catalogue';
import { ZComplaintType } from '../../domain/complaint-catalogue';
import { ZServiceType, ZServiceTypeBody } from '../../domain/catalogue';
import { ROLES } from '../../domain/roles';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

// Domain schemas can be built before @hono/zod-openapi extends zod; a fresh object from their
// shape carries the OpenAPI name (the handler still validates with the domain schema itself).
const ZServiceTypeDoc = z.object(ZServiceType.shape).openapi('ServiceType', {
  description:
    'code, name, form fields, documents, steps (performer, TAT), overall TAT, escalation matrix, apply, receiptName',
});
const ZComplaintTypeDoc = z.object(ZComplaintType.shape).openapi('ComplaintType', {
  description: 'code, name, priority, TAT, calendar, field work, outage linking, re-alerts, escalation',
});
/** PUT bodies: the type without its code, which the path names. */
const BODIES = {
  service: { body: z.object(ZServiceTypeBody.shape).openapi('ServiceTypeBody'), doc: ZServiceTypeDoc },
  complaint: {
    body: z.object(ZComplaintType.omit({ code: true }).shape).openapi('ComplaintTypeBody'),
    doc: ZComplaintTypeDoc,
  },
} as const;

/** The catalogue is data: list it, and let admins add or revise a type without touching workflow code. */
export function createCatalogueRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/catalogue/service-types',
      tags: ['catalogue'],
      summary: 'Service-request types: eForm fields, documents, steps, TAT, escalation',
      roles: ROLES,
      responses: {
        200: {
          description: 'the catalogue',
          content: { 'application/json': { schema: z.object({ items: z.array(ZServiceTypeDoc) }) } },
        },
      },
    }),
    async (c) => c.json({ items: await listServiceTypes(deps.db) }, 200),
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/catalogue/complaint-types',
      tags: ['catalogue'],
      summary: 'Complaint types: priority, TAT, calendar, field work, outage linking, escalation',
      roles: ROLES,
      responses: {
        200: {
          description: 'the complaint catalogue',
          content: { 'application/json': { schema: z.object({ items: z.array(ZComplaintTypeDoc) }) } },
        },
      },
    }),
    async (c) => c.json({ items: await listComplaintTypes(deps.db) }, 200),
  );

  const put = <K extends 'service' | 'complaint'>(
    kind: K,
    schema: K extends 'service' ? typeof ZServiceType : typeof ZComplaintType,
    list: (db: AppDeps['db']) => Promise<{ code: string; version: number }[]>,
  ) => {
    // A code of the other kind is a conflict whatever the body says: answer it before the body is
    // judged (and only to admins, whom the route lets in; others get its 403).
    app.use(`/v1/catalogue/${kind}-types/:code`, async (c, next) => {
      if (c.req.method === 'PUT' && c.get('principal')?.role === 'admin') {
        const code = c.req.param('code');
        const stored = code ? await catalogueKindOf(deps.db, code) : undefined;
        if (stored && stored !== kind) throw new HttpProblem(409, `"${code}" is a ${stored} type`);
      }
      await next();
    });
    app.openapi(
      secureRoute({
        method: 'put',
        path: `/v1/catalogue/${kind}-types/{code}`,
        tags: ['catalogue'],
        summary: `Add or revise a ${kind} type (a higher version replaces the stored one)`,
        roles: ['admin'],
        request: {
          params: z.object({ code: z.string().regex(/^[a-z][a-z0-9-]{2,40}$/, 'kebab-case code') }),
          body: { content: { 'application/json': { schema: BODIES[kind].body } }, required: true },
        },
        responses: {
          200: { description: 'stored', content: { 'application/json': { schema: BODIES[kind].doc } } },
          ...problemResponses(400, 409),
        },
      }),
      async (c) => {
        const { code } = c.req.valid('param');
        const parsed = schema.safeParse({ ...c.req.valid('json'), code });
        if (!parsed.success)
          throw new HttpProblem(400, `invalid ${kind} type`, { errors: fieldErrors(parsed.error.issues) });
        const existing = (await list(deps.db)).find((t) => t.code === code);
        if (existing && existing.version >= parsed.data.version) {
          throw new HttpProblem(
            409,
            `stored version is ${existing.version}; send version ${existing.version + 1}`,
          );
        }
        await upsertCatalogueEntry(deps.db, parsed.data);
        return c.json(parsed.data, 200);
      },
    );
  };
  put('service', ZServiceType, listServiceTypes);
  put('complaint', ZComplaintType, listComplaintTypes);
  return app;
}
