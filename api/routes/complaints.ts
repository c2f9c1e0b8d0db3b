import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { listComplaintTypes } from '../../db/catalogue';
import { allocateRequestNumber } from '../../db/request-numbers';
import { offices, openComplaints } from '../../db/schema';
import { ALWAYS_OPEN } from '../../domain/calendar';
import {
  assignCrewUpdate,
  complaintStatusQuery,
  confirmUpdate,
  reportAgainUpdate,
  resolveUpdate,
  ZAssignCrew,
  ZComplaintIntake,
  ZConfirm,
  ZResolve,
  type TComplaintInput,
  type TComplaintState,
} from '../../domain/complaint';
import { STANDARD_CALENDAR } from '../../domain/offices';
import { ZRequestNumber } from '../../domain/request-number';
import { SA } from '../../domain/search-attributes';
import type { TActor } from '../../domain/service-request';
import type { complaintWorkflow } from '../../workflows/complaint';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';
import { actorOf } from './service-requests';

const INTAKE_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'admin'] as const;
const ZState = z.record(z.string(), z.unknown()).openapi('ComplaintState');
const ZRegistered = z
  .object({
    requestNumber: z.string(),
    status: z.string(),
    statusUrl: z.string(),
    joined: z.boolean(),
    dueAt: z.string().nullable(),
  })
  .openapi('ComplaintRegistered');

/** Complaints registered by agents and consumers; the channel webhooks use the same intake. */
export function createComplaintRoutes(deps: AppDeps) {
  const app = createRouter();
  const now = deps.now ?? (() => new Date());
  const handleOf = (rn: string) => deps.temporal.workflow.getHandle<typeof complaintWorkflow>(rn);

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/complaints',
      tags: ['complaints'],
      summary: 'Register a complaint (a repeat of an open one of the same type joins it)',
      roles: INTAKE_ROLES,
      request: { body: { content: { 'application/json': { schema: ZComplaintIntake } }, required: true } },
      responses: {
        201: { description: 'registered', content: { 'application/json': { schema: ZRegistered } } },
        200: {
          description: 'joined the open complaint of the same type',
          content: { 'application/json': { schema: ZRegistered } },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const type = (await listComplaintTypes(deps.db)).find((t) => t.code === body.type);
      if (!type)
        throw new HttpProblem(400, 'unknown complaint type', {
          errors: [
            {
              field: 'type',
              message: `unknown complaint type "${body.type}"; see GET /v1/catalogue/complaint-types`,
            },
          ],
        });
      const officeId = await assertConsumerAccess(c, deps.db, body.consumerNumber);
      const actor = actorOf(c.get('principal'));
      const answer = (rn: string, state: TComplaintState | undefined, joined: boolean) =>
        c.json(
          {
            requestNumber: rn,
            status: state?.status ?? 'open',
            statusUrl: `/v1/complaints/${rn}`,
            joined,
            dueAt: state?.dueAt ?? null,
          },
          joined ? 200 : 201,
        );
      const rn = await allocateRequestNumber(deps.db, 'CR', now());
      const [slot] = await deps.db
        .insert(openComplaints)
        .values({ consumerNumber: body.consumerNumber, typeCode: type.code, requestNumber: rn })
        .onConflictDoNothing()
        .returning();
      if (!slot) {
        const [open] = await deps.db
          .select()
          .from(openComplaints)
          .where(
            and(
              eq(openComplaints.consumerNumber, body.consumerNumber),
              eq(openComplaints.typeCode, type.code),
            ),
          );
        const state = await handleOf(open!.requestNumber)
          .executeUpdate(reportAgainUpdate, { args: [{ channel: body.channel, actor }] })
          .catch(async (error: unknown) => {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            // A slot left by a complaint that no longer runs: free it and ask the caller to retry.
            await deps.db.delete(openComplaints).where(eq(openComplaints.requestNumber, open!.requestNumber));
            throw new HttpProblem(409, 'the earlier complaint has just closed; send this one again');
          });
        return answer(open!.requestNumber, state, true);
      }
      const [office] = await deps.db.select().from(offices).where(eq(offices.id, officeId));
      const input: TComplaintInput = {
        requestNumber: rn,
        type,
        consumerNumber: body.consumerNumber,
        officeId,
        officePath: office!.path,
        calendar: type.calendar === '24x7' ? ALWAYS_OPEN : (office!.calendar ?? STANDARD_CALENDAR),
        channel: body.channel,
        description: body.description,
        submittedBy: actor.subject,
        submittedAt: now().toISOString(),
      };
      // Nothing half-written stays behind: no workflow, no slot.
      const release = () => deps.db.delete(openComplaints).where(eq(openComplaints.requestNumber, rn));
      await deps.temporal.workflow
        .start<typeof complaintWorkflow>('complaintWorkflow', {
          workflowId: rn,
          taskQueue: deps.config.temporal.taskQueue,
          args: [input],
          typedSearchAttributes: [
            { key: SA.RequestNumber, value: rn },
            { key: SA.ConsumerNumber, value: body.consumerNumber },
            { key: SA.RequestType, value: type.code },
            { key: SA.RequestKind, value: 'complaint' },
            { key: SA.OfficeId, value: officeId },
            { key: SA.RequestStatus, value: 'open' },
            { key: SA.Channel, value: body.channel },
          ],
        })
        .catch(async (error: unknown) => {
          await release();
          throw error;
        });
      return answer(rn, undefined, false);
    },
  );

  const authorise = async (c: Context<AppEnv>, rn: string) => {
    const handle = handleOf(rn);
    const description = await handle.describe().catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) throw new HttpProblem(404, `no complaint ${rn}`);
      throw error;
    });
    const consumerNumber = description.typedSearchAttributes.get(SA.ConsumerNumber);
    if (description.type !== 'complaintWorkflow' || !consumerNumber)
      throw new HttpProblem(404, `no complaint ${rn}`);
    await assertConsumerAccess(c, deps.db, consumerNumber);
    return { handle, running: description.status.name === 'RUNNING' };
  };
  const ZRn = z.object({ requestNumber: ZRequestNumber });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/complaints/{requestNumber}',
      tags: ['complaints'],
      summary: 'A complaint: status, crew, reports and timeline',
      roles: [...INTAKE_ROLES, 'dispatcher', 'ops'],
      request: { params: ZRn },
      responses: {
        200: { description: 'the complaint', content: { 'application/json': { schema: ZState } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      const { handle, running } = await authorise(c, requestNumber);
      const state = running ? await handle.query(complaintStatusQuery) : await handle.result();
      return c.json(state as unknown as Record<string, unknown>, 200);
    },
  );

  const action = <S extends z.ZodObject>(
    path: string,
    summary: string,
    roles: readonly ('consumer' | 'agent' | 'executive' | 'supervisor' | 'admin')[],
    schema: S,
    update: UpdateDefinition<TComplaintState, [z.infer<S> & { actor: TActor }]>,
  ) =>
    app.openapi(
      secureRoute({
        method: 'post',
        path: `/v1/complaints/{requestNumber}/${path}`,
        tags: ['complaints'],
        summary,
        roles,
        request: { params: ZRn, body: { content: { 'application/json': { schema } }, required: true } },
        responses: {
          200: {
            description: 'the complaint as it now stands',
            content: { 'application/json': { schema: ZState } },
          },
          ...problemResponses(400, 404, 409),
        },
      }),
      async (c) => {
        const valid = c.req.valid.bind(c.req) as unknown as <T extends 'param' | 'json'>(
          target: T,
        ) => T extends 'param' ? { requestNumber: string } : z.infer<S>;
        const { requestNumber } = valid('param');
        const { handle, running } = await authorise(c, requestNumber);
        if (!running) throw new HttpProblem(409, `complaint ${requestNumber} is closed`);
        const state = await handle.executeUpdate(update, {
          args: [{ ...valid('json'), actor: actorOf(c.get('principal')) }],
        });
        return c.json(state as unknown as Record<string, unknown>, 200);
      },
    );
  action('assign-crew', 'Send a crew', ['executive', 'supervisor', 'admin'], ZAssignCrew, assignCrewUpdate);
  action(
    'resolve',
    'Record the resolution; the consumer is asked to confirm',
    ['executive', 'supervisor', 'admin'],
    ZResolve,
    resolveUpdate,
  );
  action(
    'confirm',
    'The consumer: fixed, or still not fixed (reopens it)',
    ['consumer', 'agent'],
    ZConfirm,
    confirmUpdate,
  );
  return app;
}
