import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ZKpiQuery } from '../../domain/kpis';
import { toCsv, type TCell } from '../../lib/csv';
import {
  KPI_COLUMNS,
  KPI_READERS,
  KPI_ROLES,
  KPI_TABLES,
  type TKpiName,
  type TKpiQuery,
} from '../../use-cases/kpis';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';

const share = z.number().nullable().describe('a fraction 0–1 (null: nothing to share)');
const ZPeriod = z.object({ from: z.string(), to: z.string(), granularity: z.string() });
const scope = { officeId: z.string().nullable().describe('the office asked for (null: every office)') };

const ZSla = z
  .object({
    period: ZPeriod,
    ...scope,
    type: z.string().nullable(),
    groups: z.array(
      z.object({
        kind: z.enum(['request', 'complaint']),
        typeCode: z.string().nullable().describe('null: every type of the kind'),
        officeId: z.string().nullable().describe('null: every office of the scope'),
        closed: z.number().int(),
        withinTat: z.number().int(),
        share,
        avgHours: z.number().nullable(),
        p90Hours: z
          .number()
          .nullable()
          .describe(
            "p90 of the time to close, read from the closure rollup's buckets: within one bucket's width (15 min under 1 h … 2 d for 14–30 d; README)",
          ),
      }),
    ),
    series: z.array(
      z.object({
        kind: z.string(),
        bucket: z.string(),
        closed: z.number().int(),
        withinTat: z.number().int(),
        share,
      }),
    ),
    breaches: z.array(
      z.object({
        kind: z.string(),
        level: z.number().int(),
        closed: z.number().int().describe('closed in the period, breached'),
        open: z.number().int().describe('open now, breached'),
      }),
    ),
  })
  .openapi('SlaKpi');

const ZBacklog = z
  .object({
    asOf: z.string(),
    ...scope,
    type: z.string().nullable(),
    buckets: z.array(z.string()),
    rows: z.array(
      z.object({
        kind: z.string(),
        officeId: z.string(),
        status: z.string(),
        bucket: z.string(),
        items: z.number().int(),
      }),
    ),
    open: z.object({ request: z.number().int(), complaint: z.number().int() }),
    waitingOnConsumer: z.object({ request: z.number().int(), complaint: z.number().int() }),
    emergencies: z.object({ unacknowledged: z.number().int(), oldestSubmittedAt: z.string().nullable() }),
  })
  .openapi('BacklogKpi');

const ZMix = z.object({
  contacts: z.number().int(),
  lookUps: z.number().int(),
  complaints: z.number().int(),
  requests: z.number().int(),
  lookUpShare: share,
  complaintShare: share,
  requestShare: share,
});
const ZContacts = z
  .object({
    period: ZPeriod,
    ...scope,
    series: z.array(z.object({ bucket: z.string(), channel: z.string(), contacts: z.number().int() })),
    channels: z.array(ZMix.extend({ channel: z.string() })),
    total: ZMix,
  })
  .openapi('ContactsKpi');

const ZNotices = z
  .object({
    period: ZPeriod,
    ...scope,
    channels: z.array(
      z.object({
        channel: z.string().describe('the channel it was to go on first'),
        notices: z.number().int(),
        delivered: z.number().int(),
        undelivered: z.number().int(),
        pending: z.number().int(),
        fellBack: z.number().int().describe('delivered on a later channel of its chain'),
        deliveryRate: share,
        fallbackShare: share,
      }),
    ),
  })
  .openapi('NoticesKpi');

const ZCampaigns = z
  .object({
    period: ZPeriod,
    ...scope,
    campaigns: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        officeId: z.string(),
        status: z.string(),
        createdAt: z.string(),
        recipients: z.number().int(),
        sent: z.number().int(),
        delivered: z.number().int(),
        callsMade: z.number().int(),
        deliveryRate: share,
      }),
    ),
  })
  .openapi('CampaignsKpi');

const KPIS: Record<TKpiName, { schema: z.ZodType; summary: string }> = {
  sla: {
    schema: ZSla,
    summary:
      'SLA compliance: share closed within TAT by type, office and period; breaches by escalation level; average and p90 time to close',
  },
  backlog: {
    schema: ZBacklog,
    summary:
      'Backlog now: open items by office, status and age; waiting on the consumer; unacknowledged emergencies',
  },
  contacts: {
    schema: ZContacts,
    summary:
      'Inbound contacts by channel per hour or day, and the share of look-ups, complaints and requests',
  },
  notices: { schema: ZNotices, summary: 'Outbound notices by channel: delivery rate and fallbacks' },
  campaigns: {
    schema: ZCampaigns,
    summary: 'Campaigns of the period: recipients, sent, delivered, calls made',
  },
};

/** CSV when asked for by `?format=csv` or an Accept header that prefers text/csv to JSON. */
const wantsCsv = (c: Context<AppEnv>, q: TKpiQuery) => {
  if (q.format) return q.format === 'csv';
  const accept = c.req.header('accept') ?? '';
  return /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
};

/** The KPIs (#17), each as JSON or as CSV, for your office and those under it (ops, admin: any). */
export function createKpiRoutes(deps: AppDeps) {
  const app = createRouter();
  for (const name of Object.keys(KPIS) as TKpiName[]) {
    const { schema, summary } = KPIS[name];
    app.openapi(
      secureRoute({
        method: 'get',
        path: `/v1/kpis/${name}`,
        tags: ['kpis'],
        summary,
        roles: KPI_ROLES,
        request: { query: ZKpiQuery },
        responses: {
          200: {
            description: `the ${name} KPI`,
            content: {
              'application/json': { schema },
              'text/csv': { schema: z.string().describe(`columns: ${KPI_COLUMNS[name].join(', ')}`) },
            },
          },
          ...problemResponses(400, 403, 404),
        },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const read = KPI_READERS[name] as (d: AppDeps, p: unknown, q: TKpiQuery) => Promise<unknown>;
        const result = await read(deps, c.get('principal'), q);
        if (!wantsCsv(c, q)) return c.json(result as never, 200);
        const table = (KPI_TABLES[name] as (k: unknown) => Record<string, TCell>[])(result);
        return c.body(toCsv(KPI_COLUMNS[name], table), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="kpi-${name}.csv"`,
        });
      },
    );
  }
  return app;
}
