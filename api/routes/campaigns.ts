import { z } from '@hono/zod-openapi';
import type { TCallListEntry } from '../../db/campaigns';
import { CALL_NOTE_MAX, CALL_OUTCOMES } from '../../domain/campaign-contract';
import { LANGUAGES } from '../../domain/languages';
import {
  CAMPAIGN_CHANNELS,
  CAMPAIGN_COMPOSE_ROLES,
  cancelManualCampaign,
  createManualCampaign,
  MANUAL_TEMPLATES,
  MESSAGE_MAX,
  previewManualCampaign,
  TITLE_MAX,
} from '../../use-cases/manual-campaigns';
import { ZIdempotencyKey } from '../idempotency';
import {
  CALL_LIST_ROLES,
  CAMPAIGN_READ_ROLES,
  claimCallEntry,
  listCallList,
  listCampaigns,
  readCampaign,
  recordCallOutcome,
  type TCampaignSummary,
} from '../../use-cases/campaigns';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZChannelFigures = z.object({
  channel: z.string(),
  sent: z.number().int().describe('attempts made on the channel'),
  delivered: z.number().int(),
  failed: z.number().int().describe('refused, failed or without a receipt in time'),
});

const ZCampaign = z
  .object({
    id: z.string(),
    kind: z.string().describe('outage, manual, reminders'),
    outageId: z.string().nullable(),
    officeId: z.string(),
    status: z.string().describe('scheduled, materialising, running, done, cancelled'),
    title: z.string().nullable().describe('a manual campaign’s name'),
    scheduledAt: z.string().nullable().describe('a manual campaign: when it starts sending'),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    figures: z.object({
      targeted: z.number().int().describe('consumers affected when the campaign started'),
      callList: z.number().int().describe('of them life-support or social: called by an operator first'),
      stages: z.array(
        z.object({
          stage: z.string(),
          template: z.string(),
          planned: z.number().int(),
          delivered: z.number().int().describe('delivered on a channel, or reached by a call'),
          open: z.number().int(),
          cancelled: z
            .number()
            .int()
            .describe('not sent: the campaign was cancelled, or the bill paid first'),
          toldByComplaint: z.number().int().describe('told by their own linked complaint instead'),
        }),
      ),
      channels: z.array(ZChannelFigures),
      calls: z.object({
        total: z.number().int(),
        open: z.number().int(),
        claimed: z.number().int(),
        reached: z.number().int(),
        fellBack: z.number().int().describe('not reached or a wrong number: told on the automated channels'),
        escalated: z.number().int(),
      }),
      complaintsLinked: z.number().int(),
      inboundContacts: z
        .number()
        .int()
        .describe('desk contacts from the affected consumers since the campaign began'),
    }),
  })
  .openapi('Campaign');

const ZCallListEntry = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    outageId: z.string().nullable(),
    stage: z.string(),
    template: z.string(),
    consumerNumber: z.string(),
    name: z.string(),
    phone: z.string(),
    address: z.string(),
    language: z.string(),
    officeId: z.string(),
    area: z.string(),
    reason: z.string().nullable().describe('life-support or the social category'),
    status: z.string().describe('calling, claimed; with done=true also reached and the rest'),
    claimedBy: z.string().nullable(),
    calls: z.number().int(),
    lastOutcome: z.string().nullable(),
    lastNote: z.string().nullable(),
    dueAt: z.string().describe('workable from'),
    escalatedAt: z.string().nullable(),
  })
  .openapi('CallListEntry');

const ZEntryState = z.object({
  id: z.string(),
  consumerNumber: z.string(),
  status: z.string(),
  claimedBy: z.string().nullable(),
  calls: z.number().int(),
  callOutcome: z.string().nullable(),
  callNote: z.string().nullable(),
});

const shape = (c: TCampaignSummary) => ({
  id: c.id,
  kind: c.kind,
  outageId: c.outageId,
  officeId: c.officeId,
  status: c.status,
  title: c.title,
  scheduledAt: c.scheduledAt?.toISOString() ?? null,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  figures: c.figures,
});

const ZManualCampaign = z
  .object({
    title: z.string().min(1).max(TITLE_MAX),
    targets: z
      .object({
        officeIds: z.array(z.string().min(1).max(100)).max(200).optional(),
        feederIds: z.array(z.string().min(1).max(100)).max(500).optional(),
        transformerIds: z.array(z.string().min(1).max(100)).max(5000).optional(),
        consumerNumbers: z
          .array(z.string().regex(/^[0-9A-Za-z-]{1,40}$/, 'a consumer number'))
          .max(200_000)
          .optional()
          .describe('an uploaded list'),
      })
      .strict(),
    template: z.enum(MANUAL_TEMPLATES).describe('campaign-message: the free text of `text`'),
    text: z
      .partialRecord(z.enum(LANGUAGES), z.string().max(MESSAGE_MAX))
      .optional()
      .describe(
        'campaign-message: the words per language; {name}, {consumerNumber} and {area} are filled in',
      ),
    channel: z.enum(CAMPAIGN_CHANNELS).optional().describe('tried first; preferred: each consumer’s own'),
    scheduledAt: z.iso.datetime({ offset: true }).optional().describe('when to start; now when absent'),
    urgent: z.boolean().optional().describe('sent even in quiet hours'),
    callList: z.boolean().optional().describe('life-support and social consumers are called first'),
  })
  .strict()
  .openapi('ManualCampaign');
const entryState = (e: {
  id: string;
  consumerNumber: string;
  status: string;
  claimedBy: string | null;
  calls: number;
  callOutcome: string | null;
  callNote: string | null;
}) => ({
  id: e.id,
  consumerNumber: e.consumerNumber,
  status: e.status,
  claimedBy: e.claimedBy,
  calls: e.calls,
  callOutcome: e.callOutcome,
  callNote: e.callNote,
});

const officeQuery = z
  .string()
  .min(1)
  .optional()
  .describe('an office within yours (default: yours; ops and admin see every office)');

/** Outage campaigns' figures, and the call list operators work (#14). */
export function createCampaignRoutes(deps: AppDeps) {
  const app = createRouter();
  const idParam = z.object({ id: z.string().min(1).max(200) });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/campaigns',
      tags: ['campaigns'],
      summary:
        'Campaigns of your office (and of the offices above it that reach it), newest first, with their figures',
      roles: CAMPAIGN_READ_ROLES,
      request: { query: z.object({ officeId: officeQuery }) },
      responses: {
        200: {
          description: 'campaigns',
          content: { 'application/json': { schema: z.object({ items: z.array(ZCampaign) }) } },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const items = await listCampaigns(deps, c.get('principal'), c.req.valid('query'));
      return c.json({ items: items.map(shape) }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/campaigns/{id}',
      tags: ['campaigns'],
      summary:
        'One campaign: targeted, sent, delivered and failed per channel, call-list progress, complaints linked',
      roles: CAMPAIGN_READ_ROLES,
      request: { params: idParam },
      responses: {
        200: { description: 'the campaign', content: { 'application/json': { schema: ZCampaign } } },
        ...problemResponses(403, 404),
      },
    }),
    async (c) => c.json(shape(await readCampaign(deps, c.get('principal'), c.req.valid('param'))), 200),
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/campaigns',
      tags: ['campaigns'],
      summary:
        'Compose a manual campaign: whom (offices, feeders, transformers, a list of consumer numbers), what (a notice template or free text per language), which channel first, now or at a time',
      roles: CAMPAIGN_COMPOSE_ROLES,
      request: {
        headers: z.object({ 'idempotency-key': ZIdempotencyKey }),
        body: { required: true, content: { 'application/json': { schema: ZManualCampaign } } },
      },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: ZCampaign } } },
        200: {
          description: 'the same Idempotency-Key was used before: that campaign',
          content: { 'application/json': { schema: ZCampaign } },
        },
        ...problemResponses(400, 403, 503),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const made = await createManualCampaign(
        deps,
        principal,
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
      );
      const summary = await readCampaign(deps, principal, { id: made.campaign.id });
      return made.created ? c.json(shape(summary), 201) : c.json(shape(summary), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/campaigns/preview',
      tags: ['campaigns'],
      summary:
        'What a manual campaign would do: how many consumers it reaches, and its message in each language',
      roles: CAMPAIGN_COMPOSE_ROLES,
      request: { body: { required: true, content: { 'application/json': { schema: ZManualCampaign } } } },
      responses: {
        200: {
          description: 'the preview',
          content: {
            'application/json': {
              schema: z.object({
                recipients: z.number().int(),
                samples: z.array(z.object({ language: z.string(), subject: z.string(), body: z.string() })),
              }),
            },
          },
        },
        ...problemResponses(400, 403),
      },
    }),
    async (c) => c.json(await previewManualCampaign(deps, c.get('principal'), c.req.valid('json')), 200),
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/campaigns/{id}/cancel',
      tags: ['campaigns'],
      summary: 'Cancel a manual campaign that is scheduled or running: what has not gone does not go',
      roles: CAMPAIGN_COMPOSE_ROLES,
      request: { params: idParam },
      responses: {
        200: { description: 'cancelled', content: { 'application/json': { schema: ZCampaign } } },
        ...problemResponses(403, 404, 409, 503),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { id } = c.req.valid('param');
      await cancelManualCampaign(deps, principal, { id });
      return c.json(shape(await readCampaign(deps, principal, { id })), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/call-lists',
      tags: ['campaigns'],
      summary:
        'The call list of your office and the offices under it: life-support and social consumers to call, oldest first',
      roles: CALL_LIST_ROLES,
      request: {
        query: z.object({
          officeId: officeQuery,
          campaignId: z.string().min(1).optional(),
          done: z.enum(['true', 'false']).optional().describe('also the entries already worked'),
        }),
      },
      responses: {
        200: {
          description: 'entries',
          content: { 'application/json': { schema: z.object({ items: z.array(ZCallListEntry) }) } },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const items: TCallListEntry[] = await listCallList(deps, c.get('principal'), {
        ...q,
        done: q.done === 'true',
      });
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/call-lists/{id}/claim',
      tags: ['campaigns'],
      summary: 'Take a call-list entry: it is yours until you record the call',
      roles: CALL_LIST_ROLES,
      request: { params: idParam },
      responses: {
        200: { description: 'claimed', content: { 'application/json': { schema: ZEntryState } } },
        ...problemResponses(403, 404, 409),
      },
    }),
    async (c) =>
      c.json(entryState(await claimCallEntry(deps, c.get('principal'), c.req.valid('param'))), 200),
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/call-lists/{id}/outcome',
      tags: ['campaigns'],
      summary:
        'Record the call: reached ends it; not reached brings it back later, then the automated channels; wrong number goes to e-mail or a letter',
      roles: CALL_LIST_ROLES,
      request: {
        params: idParam,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                outcome: z.enum(CALL_OUTCOMES),
                note: z.string().max(CALL_NOTE_MAX).optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: { description: 'recorded', content: { 'application/json': { schema: ZEntryState } } },
        ...problemResponses(400, 403, 404, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const entry = await recordCallOutcome(deps, c.get('principal'), {
        id: c.req.valid('param').id,
        ...body,
        requestKey: c.req.valid('header')['idempotency-key'],
      });
      return c.json(entryState(entry), 200);
    },
  );

  return app;
}
