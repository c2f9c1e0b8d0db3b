import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { consumers, devOutbox, notificationAttempts, notifications } from '../../db/schema';
import { ZConsumerNumber } from '../../domain/consumer';
import { deliveryReceiptSignal, noticeWorkflowId } from '../../domain/notices';
import { STAFF_ROLES } from '../../domain/roles';
import { assertConsumerAccess, queueScope, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';
import { standardWebhookVerifier } from '../webhook-signature';

/** Our own receipt shape, and Resend's e-mail events (both signed the Standard Webhooks way). */
const ZReceipt = z.union([
  z.object({
    messageId: z.string().min(1),
    status: z.enum(['delivered', 'failed']),
    detail: z.string().max(500).optional(),
  }),
  z.object({
    type: z.string().startsWith('email.'),
    data: z.object({ email_id: z.string().min(1) }),
  }),
]);

const ZNotice = z
  .object({
    key: z.string(),
    template: z.string(),
    status: z.string().describe('pending, delivered, undelivered'),
    channel: z.string(),
    language: z.string(),
    createdAt: z.string(),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        channel: z.string(),
        recipient: z.string(),
        status: z.string(),
        detail: z.string().nullable().describe('e.g. SMS encoding and segments, or why it failed'),
        sentAt: z.string(),
      }),
    ),
  })
  .openapi('Notice');

export function createNoticeRoutes(deps: AppDeps) {
  const app = createRouter();
  const verifyReceipt = standardWebhookVerifier(deps.config.notices.webhookSecret);

  // Documented by hand: the body is verified as raw text against its signature before it is parsed.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/webhooks/delivery/{provider}',
    tags: ['notifications'],
    summary:
      'Delivery receipts from providers (Standard Webhooks signature: webhook-id, -timestamp, -signature)',
    'x-roles': ['public'],
    request: {
      params: z.object({ provider: z.string() }),
      body: { required: true, content: { 'application/json': { schema: ZReceipt } } },
    },
    responses: {
      202: { description: 'taken (or ignored: unknown message id)' },
      ...problemResponses(400, 401),
    },
  });
  app.post('/v1/webhooks/delivery/:provider', async (c) => {
    const provider = c.req.param('provider');
    const body = await verifyReceipt(c);
    const parsed = ZReceipt.safeParse(body);
    if (!parsed.success) throw new HttpProblem(400, 'not a delivery receipt');
    const receipt =
      'messageId' in parsed.data
        ? parsed.data
        : {
            messageId: parsed.data.data.email_id,
            status:
              parsed.data.type === 'email.delivered'
                ? ('delivered' as const)
                : ['email.bounced', 'email.failed', 'email.complained'].includes(parsed.data.type)
                  ? ('failed' as const)
                  : undefined,
            detail: parsed.data.type,
          };
    if (!receipt.status) return c.json({ ignored: `event ${receipt.detail}` }, 202);
    const [attempt] = await deps.db
      .select()
      .from(notificationAttempts)
      .where(
        and(
          eq(notificationAttempts.provider, provider),
          eq(notificationAttempts.providerMessageId, receipt.messageId),
        ),
      );
    if (!attempt) {
      c.get('logger').warn(
        { provider, messageId: receipt.messageId },
        'delivery receipt for an unknown message; ignored',
      );
      return c.json({ ignored: 'unknown message id' }, 202);
    }
    await deps.db
      .update(notificationAttempts)
      .set({ status: receipt.status, detail: receipt.detail ?? null, updatedAt: new Date() })
      .where(
        and(eq(notificationAttempts.id, attempt.id), sql`${notificationAttempts.status} <> 'delivered'`),
      );
    try {
      await deps.temporal.workflow.getHandle(noticeWorkflowId(attempt.key)).signal(deliveryReceiptSignal, {
        attempt: attempt.attempt,
        status: receipt.status,
        detail: receipt.detail,
      });
    } catch (error) {
      // The notice already finished (e.g. it fell back after a timeout): the row above records it.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    return c.json({ taken: true }, 202);
  });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/notifications',
      tags: ['notifications'],
      summary: 'What was sent to a consumer, on which channel, and whether it arrived',
      roles: ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'ops', 'admin'],
      request: {
        params: z.object({ consumerNumber: ZConsumerNumber }),
        query: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.iso
            .datetime({ offset: true })
            .optional()
            .describe('page: createdAt of the last item seen'),
        }),
      },
      responses: {
        200: {
          description: 'newest first',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(ZNotice), nextBefore: z.string().nullable() }),
            },
          },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { limit, before } = c.req.valid('query');
      await assertConsumerAccess(c, deps.db, consumerNumber);
      const rows = await deps.db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.consumerNumber, consumerNumber),
            before ? lt(notifications.createdAt, new Date(before)) : undefined,
          ),
        )
        .orderBy(desc(notifications.createdAt))
        .limit(limit);
      const attempts = rows.length
        ? await deps.db
            .select()
            .from(notificationAttempts)
            .where(
              inArray(
                notificationAttempts.key,
                rows.map((r) => r.key),
              ),
            )
        : [];
      const items = rows.map((r) => ({
        key: r.key,
        template: r.template,
        status: r.status,
        channel: r.channel,
        language: r.language,
        createdAt: r.createdAt.toISOString(),
        attempts: attempts
          .filter((a) => a.key === r.key)
          .sort((a, b) => a.attempt - b.attempt)
          .map((a) => ({
            attempt: a.attempt,
            channel: a.channel,
            recipient: a.recipient,
            status: a.status,
            detail: a.detail,
            sentAt: a.sentAt.toISOString(),
          })),
      }));
      return c.json(
        { items, nextBefore: rows.length === limit ? rows.at(-1)!.createdAt.toISOString() : null },
        200,
      );
    },
  );

  if (deps.config.notices.sandboxAllowed) {
    app.openapi(
      secureRoute({
        method: 'get',
        path: '/v1/dev/outbox',
        tags: ['notifications'],
        summary: 'Development only: what the sandbox provider "sent" (SMS, WhatsApp, voice, e-mail)',
        roles: STAFF_ROLES,
        request: {
          query: z.object({
            recipient: z.string().optional().describe('phone or e-mail address'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
        responses: {
          200: {
            description: 'newest first',
            content: {
              'application/json': {
                schema: z.object({
                  items: z.array(
                    z.object({
                      id: z.string(),
                      channel: z.string(),
                      recipient: z.string(),
                      subject: z.string().nullable(),
                      body: z.string(),
                      createdAt: z.string(),
                    }),
                  ),
                }),
              },
            },
          },
        },
      }),
      async (c) => {
        const { recipient, limit } = c.req.valid('query');
        // Like every read of consumers' data: staff see what went to the consumers of their offices.
        const scope = await queueScope(c, deps.db, undefined);
        const reachable = scope
          ? or(
              inArray(
                devOutbox.recipient,
                deps.db
                  .select({ to: consumers.phone })
                  .from(consumers)
                  .where(inArray(consumers.sectionOfficeId, scope.within)),
              ),
              inArray(
                devOutbox.recipient,
                deps.db
                  .select({ to: sql<string>`coalesce(${consumers.email}, '')` })
                  .from(consumers)
                  .where(inArray(consumers.sectionOfficeId, scope.within)),
              ),
            )
          : undefined;
        const rows = await deps.db
          .select()
          .from(devOutbox)
          .where(and(recipient ? eq(devOutbox.recipient, recipient) : undefined, reachable))
          .orderBy(desc(devOutbox.createdAt))
          .limit(limit);
        return c.json(
          {
            items: rows.map(({ idempotencyKey: _k, ...r }) => ({
              ...r,
              createdAt: r.createdAt.toISOString(),
            })),
          },
          200,
        );
      },
    );
  }
  return app;
}
