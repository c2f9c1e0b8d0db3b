import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import { locateAssets, outagesAffecting, type TOutage } from '../../db/outages';
import { offices, outageComplaints, outageEvents, outages } from '../../db/schema';
import { outageEtrChangedSignal, outageRestoredSignal } from '../../domain/complaint';
import { ZConsumerNumber } from '../../domain/consumer';
import { DomainProblem, FailureType } from '../../domain/failures';
import { assertConsumerAccess, assertOfficeAccess, queueScope, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const DISPATCH = ['dispatcher', 'supervisor', 'admin'] as const;

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

const ZRegister = z
  .object({
    kind: z.enum(['planned', 'emergency']),
    feederIds: z.array(z.string().min(1)).max(50).default([]),
    transformerIds: z.array(z.string().min(1)).max(500).default([]),
    reason: z.string().trim().min(3).max(500),
    startsAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('planned: when it begins (emergency: now)'),
    endsAt: z.iso.datetime({ offset: true }).optional().describe('planned: when it ends'),
    etr: z.iso.datetime({ offset: true }).optional().describe('emergency: estimated restoration'),
  })
  .superRefine((o, ctx) => {
    if (o.feederIds.length + o.transformerIds.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['feederIds'],
        message: 'name at least one feeder or transformer',
      });
    if (o.kind === 'planned') {
      if (!o.startsAt)
        ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'required for a planned outage' });
      if (!o.endsAt)
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'required for a planned outage' });
      if (o.startsAt && o.endsAt && new Date(o.endsAt) <= new Date(o.startsAt))
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    } else if (!o.etr) {
      ctx.addIssue({ code: 'custom', path: ['etr'], message: 'required for an emergency outage' });
    }
  });

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

  const load = async (id: string) => {
    const [row] = await deps.db.select().from(outages).where(eq(outages.id, id));
    if (!row) throw new HttpProblem(404, `no outage ${id}`);
    return row;
  };
  /** Tells every complaint linked to the outage; one that has closed or not yet started is skipped (it checks itself). */
  const tellLinked = async (outageId: string, send: (rn: string) => Promise<void>) => {
    const links = await deps.db
      .select({ rn: outageComplaints.requestNumber })
      .from(outageComplaints)
      .where(eq(outageComplaints.outageId, outageId));
    let told = 0;
    for (let i = 0; i < links.length; i += 50) {
      const results = await Promise.allSettled(links.slice(i, i + 50).map((l) => send(l.rn)));
      for (const r of results) {
        if (r.status === 'fulfilled') told += 1;
        else if (!(r.reason instanceof WorkflowNotFoundError)) throw r.reason;
      }
    }
    return told;
  };
  const record = (outageId: string, event: string, by: string, detail: Record<string, unknown>) =>
    deps.db.insert(outageEvents).values({ id: randomUUID(), outageId, event, by, detail });

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
      const body = c.req.valid('json');
      const principal = c.get('principal');
      const assets = await locateAssets(deps.db, body.feederIds, body.transformerIds);
      const errors = [
        ...body.feederIds.flatMap((id, i) =>
          assets.feeders.has(id) ? [] : [{ field: `feederIds.${i}`, message: `no feeder ${id}` }],
        ),
        ...body.transformerIds.flatMap((id, i) =>
          assets.transformers.has(id)
            ? []
            : [{ field: `transformerIds.${i}`, message: `no transformer ${id}` }],
        ),
      ];
      if (errors.length) throw new HttpProblem(400, 'unknown network assets', { errors });
      // An ETR or an end already past would be read out to every consumer who calls.
      const past = body.kind === 'emergency' ? 'etr' : 'endsAt';
      if (new Date(body[past]!) <= now())
        throw new HttpProblem(400, `${past} is in the past`, {
          errors: [{ field: past, message: 'must be in the future' }],
        });
      for (const [asset, officeId] of [
        ...[...assets.feeders].map(([id, office]) => [`feeder ${id}`, office] as const),
        ...[...assets.transformers].map(([id, office]) => [`transformer ${id}`, office] as const),
      ])
        await assertOfficeAccess(c, deps.db, officeId).catch((error: unknown) => {
          if (!DomainProblem.is(error, FailureType.Forbidden)) throw error;
          throw new HttpProblem(
            403,
            `${asset} belongs to office ${officeId}, outside your office; a dispatcher of ${officeId} (or above) registers it`,
          );
        });
      const t = now();
      const startsAt = body.startsAt ? new Date(body.startsAt) : t;
      const row = {
        id: `OUT-${t.toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`,
        kind: body.kind,
        status: startsAt <= t ? 'active' : 'scheduled',
        feederIds: body.feederIds,
        transformerIds: body.transformerIds,
        reason: body.reason,
        startsAt,
        endsAt: body.endsAt ? new Date(body.endsAt) : null,
        etr: new Date(body.etr ?? body.endsAt!),
        officeId: principal.kind === 'staff' ? principal.officeId : '',
        registeredBy: principal.subject,
      };
      const [stored] = await deps.db.insert(outages).values(row).returning();
      await record(row.id, 'registered', principal.subject, { kind: row.kind });
      return c.json(shape(stored!), 201);
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
      const outage = await load(c.req.valid('param').id);
      await assertOfficeAccess(c, deps.db, outage.officeId);
      if (!['scheduled', 'active'].includes(outage.status))
        throw new HttpProblem(409, `the outage is ${outage.status}`);
      const etr = new Date(c.req.valid('json').etr);
      if (etr <= now())
        throw new HttpProblem(400, 'the ETR must be in the future', {
          errors: [{ field: 'etr', message: 'must be in the future' }],
        });
      const [updated] = await deps.db
        .update(outages)
        .set({ etr, updatedAt: now() })
        .where(eq(outages.id, outage.id))
        .returning();
      const told = await tellLinked(outage.id, (rn) =>
        deps.temporal.workflow
          .getHandle(rn)
          .signal(outageEtrChangedSignal, { outageId: outage.id, etr: etr.toISOString() }),
      );
      await record(outage.id, 'etr-changed', c.get('principal').subject, { from: outage.etr, to: etr, told });
      return c.json(shape(updated!), 200);
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
      const outage = await load(c.req.valid('param').id);
      await assertOfficeAccess(c, deps.db, outage.officeId);
      // A retry is harmless: tell the linked complaints again (they ignore a second word).
      if (outage.status === 'cancelled') throw new HttpProblem(409, 'the outage was cancelled');
      const [updated] =
        outage.status === 'restored'
          ? [outage]
          : await deps.db
              .update(outages)
              .set({ status: 'restored', restoredAt: now(), updatedAt: now() })
              .where(eq(outages.id, outage.id))
              .returning();
      const restoredAt = updated!.restoredAt!.toISOString();
      const told = await tellLinked(outage.id, (rn) =>
        deps.temporal.workflow
          .getHandle(rn)
          .signal(outageRestoredSignal, { outageId: outage.id, restoredAt }),
      );
      if (outage.status !== 'restored')
        await record(outage.id, 'restored', c.get('principal').subject, { told });
      return c.json(shape(updated!), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/outages',
      tags: ['outages'],
      summary:
        'Outages not yet restored (scheduled and active) in your office, the offices under it and the offices above it, newest first',
      roles: ['agent', 'executive', 'supervisor', 'dispatcher', 'csc', 'ops', 'admin'],
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
      const scope = await queueScope(c, deps.db, c.req.valid('query').officeId);
      // Outages registered in the office and under it, and those registered above it (a feeder
      // outage of the sub-division reaches its sections' consumers).
      const [office] = scope
        ? await deps.db.select({ path: offices.path }).from(offices).where(eq(offices.id, scope.officeId))
        : [];
      const above = office ? office.path.split('/') : [];
      const rows = await deps.db
        .select()
        .from(outages)
        .where(
          and(
            inArray(outages.status, ['scheduled', 'active']),
            scope ? or(inArray(outages.officeId, scope.within), inArray(outages.officeId, above)) : undefined,
          ),
        )
        .orderBy(desc(outages.startsAt))
        .limit(200);
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
