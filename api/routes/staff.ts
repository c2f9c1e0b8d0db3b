import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { and, asc, count, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { offices, onCallShifts, staff, type staffInbox } from '../../db/schema';
import { inboxOf, markInboxRead, rosterOf, type TStaffMember } from '../../db/staff';
import { STAFF_ROLES } from '../../domain/roles';
import {
  onCallNow,
  STAFF_CHANNELS,
  STAFF_LANGUAGES,
  ZOnCallShift,
  ZStaffRole,
  ZSubject,
} from '../../domain/staff';
import { toE164 } from '../../domain/phone';
import { assertOfficeAccess, queueScope, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { pageOf, ZPageQuery } from '../pagination';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

/** Who may look people up: supervisors and head office; executives see their own office. */
const DIRECTORY_READERS = ['executive', 'supervisor', 'ops', 'admin'] as const;
const ROSTER_EDITORS = ['ops', 'admin'] as const;
/** `inbox` is a path of its own under /v1/staff. */
const RESERVED_SUBJECTS = new Set(['inbox']);

const ZPhone = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const e164 = toE164(v);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid phone number, e.g. +919447012345' });
      return z.NEVER;
    }
    return e164;
  })
  .openapi({
    type: 'string',
    example: '+919447012345',
    description: 'stored as E.164; without a country code, Indian',
  });

const ZStaffInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: ZStaffRole,
    officeId: z.string().min(1).max(100),
    phone: ZPhone,
    email: z.email().max(254).nullable().optional(),
    preferredChannel: z.enum(STAFF_CHANNELS, { message: `one of ${STAFF_CHANNELS.join(', ')}` }),
    language: z.enum(STAFF_LANGUAGES, { message: `one of ${STAFF_LANGUAGES.join(', ')}` }).default('en'),
    active: z.boolean().default(true).describe('false deactivates: no alerts, no on-call shifts'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.preferredChannel === 'email' && !v.email)
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'required when preferredChannel is email' });
  })
  .openapi('StaffMemberInput');

const ZStaffMember = z
  .object({
    subject: z.string(),
    name: z.string(),
    role: z.string(),
    officeId: z.string(),
    phone: z.string(),
    email: z.string().nullable(),
    preferredChannel: z.string(),
    language: z.string(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('StaffMember');

const ZShift = z
  .object({
    id: z.string(),
    subject: z.string(),
    name: z.string(),
    role: z.string(),
    from: z.string(),
    to: z.string(),
    weekdays: z.array(z.number().int()).nullable(),
    active: z.boolean().describe('whether the person is still active, and still in this office'),
  })
  .openapi('OnCallShift');

const ZRoster = z
  .object({
    officeId: z.string(),
    at: z.string().describe('the instant "now" refers to'),
    onCall: z.array(ZShift).describe('shifts covering `at` whose person is active'),
    shifts: z.array(ZShift).describe('the whole roster'),
  })
  .openapi('OnCallRoster');

const ZInboxItem = z
  .object({
    id: z.string(),
    noticeKey: z.string(),
    template: z.string(),
    title: z.string(),
    body: z.string(),
    urgent: z.boolean(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('InboxItem');

const memberOut = (m: TStaffMember) => ({
  subject: m.subject,
  name: m.name,
  role: m.role,
  officeId: m.officeId,
  phone: m.phone,
  email: m.email,
  preferredChannel: m.preferredChannel,
  language: m.language,
  active: m.active,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

const inboxOut = (i: typeof staffInbox.$inferSelect) => ({
  id: i.id,
  noticeKey: i.noticeKey,
  template: i.template,
  title: i.title,
  body: i.body,
  urgent: i.urgent,
  createdAt: i.createdAt.toISOString(),
  readAt: i.readAt?.toISOString() ?? null,
});

const badField = (field: string, message: string) =>
  new HttpProblem(400, `invalid ${field}`, { errors: [{ field, message }] });

/**
 * The staff directory (who a token's subject is, and how to reach them), each office's on-call
 * roster, and every staff member's own inbox of alerts.
 */
export function createStaffRoutes(deps: AppDeps) {
  const app = createRouter();
  const now = deps.now ?? (() => new Date());

  // The inbox first: /v1/staff/inbox is not a subject.
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/staff/inbox',
      tags: ['staff'],
      summary: 'Your own alerts, newest first, with the number still unread',
      roles: STAFF_ROLES,
      request: { query: z.object({ unread: z.enum(['true', 'false']).optional(), ...ZPageQuery }) },
      responses: {
        200: {
          description: 'one page of your inbox',
          content: {
            'application/json': {
              schema: pageOf(ZInboxItem, { unread: z.number().int() }),
            },
          },
        },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items, unread, total } = await inboxOf(deps.db, c.get('principal').subject, {
        unread: q.unread === 'true',
        page: q.page,
        pageSize: q.pageSize,
      });
      return c.json(
        {
          items: items.map(inboxOut),
          unread,
          page: q.page,
          pageSize: q.pageSize,
          total,
        },
        200,
      );
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/staff/inbox/{id}/read',
      tags: ['staff'],
      summary: 'Mark one of your alerts read (again: answers when it was first read)',
      roles: STAFF_ROLES,
      request: { params: z.object({ id: z.uuid() }) },
      responses: {
        200: { description: 'the alert', content: { 'application/json': { schema: ZInboxItem } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const item = await markInboxRead(deps.db, c.get('principal').subject, id, now());
      // Someone else's alert is as absent as one that never was.
      if (!item) throw new HttpProblem(404, `no alert ${id} in your inbox`);
      return c.json(inboxOut(item), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/staff',
      tags: ['staff'],
      summary: 'Staff of an office and the offices under it',
      roles: DIRECTORY_READERS,
      request: {
        query: z.object({
          officeId: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe('default: yours (ops and admin: every office)'),
          role: ZStaffRole.optional(),
          active: z.enum(['true', 'false', 'all']).default('all'),
          ...ZPageQuery,
        }),
      },
      responses: {
        200: {
          description: 'one page of the directory, by office and subject',
          content: {
            'application/json': {
              schema: pageOf(ZStaffMember),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await queueScope(c, deps.db, q.officeId);
      const filters: SQL[] = [];
      if (scope) filters.push(inArray(staff.officeId, scope.within));
      if (q.role) filters.push(eq(staff.role, q.role));
      if (q.active !== 'all') filters.push(eq(staff.active, q.active === 'true'));
      const where = filters.length ? and(...filters) : undefined;
      const items = await deps.db
        .select()
        .from(staff)
        .where(where)
        .orderBy(asc(staff.officeId), asc(staff.subject))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize);
      const [total] = await deps.db.select({ n: count() }).from(staff).where(where);
      return c.json(
        { items: items.map(memberOut), page: q.page, pageSize: q.pageSize, total: total!.n },
        200,
      );
    },
  );

  const subjectParam = z.object({ subject: ZSubject });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/staff/{subject}',
      tags: ['staff'],
      summary: "A staff member's directory entry (anyone may read their own)",
      roles: STAFF_ROLES,
      request: { params: subjectParam },
      responses: {
        200: { description: 'the entry', content: { 'application/json': { schema: ZStaffMember } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { subject } = c.req.valid('param');
      const principal = c.get('principal');
      const self = principal.subject === subject;
      if (!self && !(DIRECTORY_READERS as readonly string[]).includes(principal.role)) {
        throw new HttpProblem(
          403,
          `role "${principal.role}" may read only its own entry; others: ${DIRECTORY_READERS.join(', ')}`,
        );
      }
      const [member] = await deps.db.select().from(staff).where(eq(staff.subject, subject));
      if (!member) throw new HttpProblem(404, `no staff member ${subject}`);
      if (!self) await assertOfficeAccess(c, deps.db, member.officeId);
      return c.json(memberOut(member), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'put',
      path: '/v1/staff/{subject}',
      tags: ['staff'],
      summary: 'Create or replace a directory entry (active: false deactivates)',
      roles: ['admin'],
      request: {
        params: subjectParam,
        body: { required: true, content: { 'application/json': { schema: ZStaffInput } } },
      },
      responses: {
        200: { description: 'replaced', content: { 'application/json': { schema: ZStaffMember } } },
        201: { description: 'created', content: { 'application/json': { schema: ZStaffMember } } },
      },
    }),
    async (c) => {
      const { subject } = c.req.valid('param');
      const input = c.req.valid('json');
      if (RESERVED_SUBJECTS.has(subject)) throw badField('path.subject', `"${subject}" is reserved`);
      const [office] = await deps.db
        .select({ id: offices.id })
        .from(offices)
        .where(eq(offices.id, input.officeId));
      if (!office) throw badField('officeId', `no office ${input.officeId}`);
      const values = { ...input, email: input.email ?? null };
      const at = now();
      const [row] = await deps.db
        .insert(staff)
        .values({ subject, ...values, createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: staff.subject, set: { ...values, updatedAt: at } })
        // xmax = 0 only for a row this statement inserted
        .returning({ ...getTableColumns(staff), created: sql<boolean>`(xmax = 0)` });
      const { created, ...member } = row!;
      return c.json(memberOut(member), created ? 201 : 200);
    },
  );

  // The on-call roster of an office.
  const officeParam = z.object({ officeId: z.string().min(1).max(100) });
  const shiftOut = (officeId: string, r: Awaited<ReturnType<typeof rosterOf>>[number]) => ({
    id: r.shift.id,
    subject: r.shift.subject,
    name: r.member.name,
    role: r.member.role,
    from: r.shift.from,
    to: r.shift.to,
    weekdays: r.shift.weekdays,
    // someone who has moved to another office is no longer on call here
    active: r.member.active && r.member.officeId === officeId,
  });
  const rosterAnswer = async (officeId: string, at: Date) => {
    const shifts = (await rosterOf(deps.db, officeId)).map((r) => shiftOut(officeId, r));
    return {
      officeId,
      at: at.toISOString(),
      onCall: onCallNow(
        shifts.filter((s) => s.active),
        at,
        deps.config.profile.utcOffsetMinutes,
      ),
      shifts,
    };
  };
  const officeExists = async (officeId: string) => {
    const [office] = await deps.db.select({ id: offices.id }).from(offices).where(eq(offices.id, officeId));
    if (!office) throw new HttpProblem(404, `no office ${officeId}`);
  };

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/offices/{officeId}/on-call',
      tags: ['staff'],
      summary: "Who is on call now (India time), and the office's whole roster",
      roles: STAFF_ROLES,
      request: {
        params: officeParam,
        query: z.object({
          at: z.iso.datetime({ offset: true }).optional().describe('another instant than now, e.g. to plan'),
        }),
      },
      responses: {
        200: { description: 'the roster', content: { 'application/json': { schema: ZRoster } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { officeId } = c.req.valid('param');
      const { at } = c.req.valid('query');
      await officeExists(officeId);
      await assertOfficeAccess(c, deps.db, officeId);
      return c.json(await rosterAnswer(officeId, at ? new Date(at) : now()), 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'put',
      path: '/v1/offices/{officeId}/on-call',
      tags: ['staff'],
      summary: "Replace the office's roster (shifts may overlap and cross midnight)",
      roles: ROSTER_EDITORS,
      request: {
        params: officeParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({
                  shifts: z
                    .array(ZOnCallShift)
                    .max(200)
                    .describe('each person must be active staff of this office; [] clears the roster'),
                })
                .strict(),
            },
          },
        },
      },
      responses: {
        200: { description: 'the new roster', content: { 'application/json': { schema: ZRoster } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { officeId } = c.req.valid('param');
      const { shifts } = c.req.valid('json');
      await officeExists(officeId);
      await assertOfficeAccess(c, deps.db, officeId);
      const subjects = [...new Set(shifts.map((s) => s.subject))];
      const members = subjects.length
        ? await deps.db
            .select({ subject: staff.subject, officeId: staff.officeId, active: staff.active })
            .from(staff)
            .where(inArray(staff.subject, subjects))
        : [];
      const bySubject = new Map(members.map((m) => [m.subject, m]));
      const errors = shifts.flatMap((s, i) => {
        const m = bySubject.get(s.subject);
        const message = !m
          ? 'not in the staff directory'
          : m.officeId !== officeId
            ? `works at ${m.officeId}, not ${officeId}`
            : !m.active
              ? 'is not active'
              : undefined;
        return message ? [{ field: `shifts.${i}.subject`, message }] : [];
      });
      if (errors.length)
        throw new HttpProblem(400, 'shifts name people who cannot be on call here', { errors });
      await deps.db.transaction(async (tx) => {
        // one replacement at a time per office, so two never merge
        await tx.select({ id: offices.id }).from(offices).where(eq(offices.id, officeId)).for('update');
        await tx.delete(onCallShifts).where(eq(onCallShifts.officeId, officeId));
        if (shifts.length)
          await tx.insert(onCallShifts).values(
            shifts.map((s) => ({
              id: randomUUID(),
              officeId,
              subject: s.subject,
              from: s.from,
              to: s.to,
              weekdays: s.weekdays ?? null,
            })),
          );
      });
      return c.json(await rosterAnswer(officeId, now()), 200);
    },
  );

  return app;
}
