import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  inArray,
  or,
  sql,
  type AnyColumn,
  type SQL,
  type SQLWrapper,
} from 'drizzle-orm';
import { DomainProblem, FailureType } from '../domain/failures';
import { STAFF_ROLES } from '../domain/roles';
import type { Database } from './client';
import { complaints, serviceRequests } from './schema';

/** An office's scope as `queueScope` (use-cases/access.ts) answers it; undefined: every office. */
export type TQueueScope = { officeId: string; within: SQLWrapper } | undefined;

export type TWorkItemQuery = {
  /** a status, `open` (in progress or awaiting the consumer) or `all` */
  status: string;
  type?: string;
  escalated?: boolean;
  /** exactly this escalation level */
  level?: number;
  /** due before this instant (overdue: now) */
  dueBefore?: Date;
  /** the API's order: soonest due first; the console's: breached first, then warned, then soonest due */
  order?: 'due' | 'urgent' | 'submitted' | 'level';
  page: number;
  pageSize: number;
} & TSeek;

/**
 * Seek pagination: the page after (or before) the row a cursor names, found by walking the index
 * of the queue's order from there, so page 200 costs what page 1 does. A cursor is the `next` or
 * `prev` of an earlier answer; when one is given, `page` is not used to find the rows.
 */
export type TSeek = { after?: string; before?: string };

/** The columns of an order that seek pagination walks, all ascending, each index-backed. */
type TKeys = { name: string; columns: AnyColumn[] };
const cursorOf = (keys: TKeys, row: Record<string, unknown>) =>
  Buffer.from(JSON.stringify([keys.name, ...keys.columns.map((c) => row[`k_${c.name}`])])).toString(
    'base64url',
  );

/** The values a cursor holds for `keys`, or a refusal naming the query parameter. */
function readCursor(keys: TKeys, cursor: string, field: string): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values[0] !== keys.name ||
    values.length !== keys.columns.length + 1 ||
    !values.slice(1).every((v) => typeof v === 'string' && v.length <= 64)
  )
    throw new DomainProblem(FailureType.InvalidInput, `${field} is not a cursor of this list and order`, {
      errors: [{ field, message: 'not a cursor of this list' }],
    });
  return values.slice(1) as string[];
}

/**
 * One page in `keys` order: after a cursor, before one, or by offset; with the cursors of the
 * pages either side (null at an end). Keys travel as text (a due date may be 'infinity').
 */
async function seekPage<TTable extends typeof serviceRequests | typeof complaints>(
  db: Database,
  table: TTable,
  where: SQL | undefined,
  keys: TKeys,
  q: { page: number; pageSize: number } & TSeek,
  field: string,
): Promise<{ rows: TTable['$inferSelect'][]; next: string | null; prev: string | null }> {
  const tuple = sql`(${sql.join(keys.columns, sql`, `)})`;
  const typed = (values: string[]) =>
    sql`(${sql.join(
      values.map((v, i) => sql`${v}::${sql.raw(keys.columns[i]!.getSQLType())}`),
      sql`, `,
    )})`;
  const backwards = !q.after && !!q.before;
  const seek = q.after
    ? sql`${tuple} > ${typed(readCursor(keys, q.after, `${field}after`))}`
    : q.before
      ? sql`${tuple} < ${typed(readCursor(keys, q.before, `${field}before`))}`
      : undefined;
  const found = (await db
    .select({
      ...getTableColumns(table as typeof serviceRequests),
      ...Object.fromEntries(keys.columns.map((c) => [`k_${c.name}`, sql<string>`${c}::text`])),
    })
    .from(table as typeof serviceRequests)
    .where(and(where, seek))
    .orderBy(...keys.columns.map((c) => (backwards ? desc(c) : asc(c))))
    // one more than a page: is there another?
    .limit(q.pageSize + 1)
    .offset(seek ? 0 : (q.page - 1) * q.pageSize)) as unknown as (TTable['$inferSelect'] &
    Record<string, unknown>)[];
  const more = found.length > q.pageSize;
  const rows = found.slice(0, q.pageSize);
  if (backwards) rows.reverse();
  const [first, last] = [rows[0], rows.at(-1)];
  const atTop = backwards ? !more : !seek && q.page === 1;
  return {
    rows,
    next: last && (backwards || more) ? cursorOf(keys, last) : null,
    prev: first && !atTop ? cursorOf(keys, first) : null,
  };
}

/**
 * The orders a page of requests can be sought in, by their indexes (migration 0020): the
 * console's (breached and warned first, then soonest due: `queue_rank`) and the API's (soonest
 * due; `queue_due` is the due date with none last). The others page by offset.
 */
const SEEK_ORDERS: Partial<Record<NonNullable<TWorkItemQuery['order']>, TKeys>> = {
  urgent: {
    name: 'sr-urgent',
    columns: [serviceRequests.queueRank, serviceRequests.queueDue, serviceRequests.requestNumber],
  },
  due: { name: 'sr-due', columns: [serviceRequests.queueDue, serviceRequests.requestNumber] },
};
const COMPLAINT_KEYS: TKeys = {
  name: 'cr',
  columns: [complaints.queueRank, complaints.queueDue, complaints.requestNumber],
};

/**
 * How many of a list's rows there are, from the counts per status when the list is filtered by
 * status alone (one grouped query for both); undefined when other filters apply.
 */
export function totalFromCounts(
  counts: Record<string, number>,
  statuses: readonly string[] | 'all',
  filtered: boolean,
): number | undefined {
  if (filtered) return undefined;
  return Object.entries(counts)
    .filter(([status]) => statuses === 'all' || statuses.includes(status))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Requests of the office and its sub-offices, plus those escalated to it. */
const requestsInScope = (scope: TQueueScope): SQL[] =>
  scope
    ? [
        or(
          inArray(serviceRequests.officeId, scope.within),
          eq(serviceRequests.escalationOfficeId, scope.officeId),
        )!,
      ]
    : [];

/**
 * An office's work queue of service requests (the `service_requests` read model), one page and the
 * total: what `GET /v1/work-items` answers and the console's queue draws.
 */
export async function listWorkItems(
  db: Database,
  scope: TQueueScope,
  q: TWorkItemQuery,
  known?: { total?: number },
) {
  const filters = requestsInScope(scope);
  if (q.status === 'open')
    filters.push(inArray(serviceRequests.status, ['in-progress', 'awaiting-consumer']));
  else if (q.status !== 'all') filters.push(eq(serviceRequests.status, q.status));
  if (q.type) filters.push(eq(serviceRequests.typeCode, q.type));
  if (q.escalated === true) filters.push(sql`${serviceRequests.escalationLevel} > 0`);
  if (q.escalated === false) filters.push(eq(serviceRequests.escalationLevel, 0));
  if (q.level !== undefined) filters.push(eq(serviceRequests.escalationLevel, q.level));
  if (q.dueBefore) filters.push(sql`${serviceRequests.dueAt} < ${q.dueBefore.toISOString()}`);
  const where = and(...filters);
  const seekable = SEEK_ORDERS[q.order ?? 'due'];
  const due = [asc(serviceRequests.queueDue), asc(serviceRequests.requestNumber)];
  const [{ rows, next, prev }, total] = await Promise.all([
    seekable
      ? seekPage(db, serviceRequests, where, seekable, q, 'query.')
      : db
          .select()
          .from(serviceRequests)
          .where(where)
          .orderBy(
            ...(q.order === 'submitted'
              ? [desc(serviceRequests.submittedAt), asc(serviceRequests.requestNumber)]
              : [desc(serviceRequests.escalationLevel), ...due]),
          )
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .then((found) => ({ rows: found, next: null, prev: null })),
    known?.total ??
      db
        .select({ n: count() })
        .from(serviceRequests)
        .where(where)
        .then(([r]) => r!.n),
  ]);
  const items = rows.map((r) => ({
    requestNumber: r.requestNumber,
    typeCode: r.typeCode,
    consumerNumber: r.consumerNumber,
    officeId: r.officeId,
    status: r.status,
    currentStep: r.currentStep,
    dueAt: r.dueAt?.toISOString() ?? null,
    escalationLevel: r.escalationLevel,
    escalationOfficeId: r.escalationOfficeId,
    warned: r.state?.warned ?? false,
    breached: r.state?.breached ?? false,
    actBy: (r.escalationLevel > 0 ? r.state?.escalationDueAt : undefined) ?? r.dueAt?.toISOString() ?? null,
    submittedAt: r.submittedAt.toISOString(),
  }));
  return { items, total, next, prev };
}
export type TWorkItem = Awaited<ReturnType<typeof listWorkItems>>['items'][number];

/** How many of the scope's requests are in each status. */
export async function workItemCounts(db: Database, scope: TQueueScope): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: serviceRequests.status, n: count() })
    .from(serviceRequests)
    .where(and(...requestsInScope(scope)))
    .groupBy(serviceRequests.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export const OPEN_COMPLAINT_STATUSES = ['open', 'assigned', 'awaiting-restoration', 'resolved'];

export type TComplaintQuery = {
  /** a status, `active` (not closed) or `all` */
  status: string;
  type?: string;
  priority?: string;
  outageId?: string;
  consumerNumber?: string;
  escalated?: boolean;
  level?: number;
  dueBefore?: Date;
  page: number;
  pageSize: number;
} & TSeek;

const complaintsInScope = (scope: TQueueScope): SQL[] =>
  scope
    ? [or(inArray(complaints.officeId, scope.within), eq(complaints.escalationOfficeId, scope.officeId))!]
    : [];

/**
 * An office's complaint queue (the `complaints` read model): emergencies first, then field work
 * waiting, then soonest due — what `GET /v1/complaints` answers and the console draws.
 */
export async function listComplaintItems(
  db: Database,
  scope: TQueueScope,
  q: TComplaintQuery,
  known?: { total?: number },
) {
  const filters = complaintsInScope(scope);
  if (q.status === 'active') filters.push(inArray(complaints.status, OPEN_COMPLAINT_STATUSES));
  else if (q.status !== 'all') filters.push(eq(complaints.status, q.status));
  if (q.type) filters.push(eq(complaints.typeCode, q.type));
  if (q.priority) filters.push(eq(complaints.priority, q.priority));
  if (q.outageId) filters.push(eq(complaints.outageId, q.outageId));
  if (q.consumerNumber) filters.push(eq(complaints.consumerNumber, q.consumerNumber));
  if (q.escalated === true) filters.push(sql`${complaints.escalationLevel} > 0`);
  if (q.escalated === false) filters.push(eq(complaints.escalationLevel, 0));
  if (q.level !== undefined) filters.push(eq(complaints.escalationLevel, q.level));
  if (q.dueBefore) filters.push(sql`${complaints.dueAt} < ${q.dueBefore.toISOString()}`);
  const where = and(...filters);
  // Emergencies first, then field work waiting, then complaints waiting on an outage, then on the
  // consumer; soonest due first within each (complaints.queue_rank, queue_due).
  const [{ rows, next, prev }, total] = await Promise.all([
    seekPage(db, complaints, where, COMPLAINT_KEYS, q, 'query.'),
    known?.total ??
      db
        .select({ n: count() })
        .from(complaints)
        .where(where)
        .then(([r]) => r!.n),
  ]);
  const items = rows.map((r) => ({
    requestNumber: r.requestNumber,
    typeCode: r.typeCode,
    priority: r.priority,
    consumerNumber: r.consumerNumber,
    officeId: r.officeId,
    status: r.status,
    dueAt: r.dueAt?.toISOString() ?? null,
    escalationLevel: r.escalationLevel,
    escalationOfficeId: r.escalationOfficeId,
    outageId: r.outageId,
    crew: r.crew,
    reopenCount: r.reopenCount,
    reports: r.reports,
    channel: r.channel,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    submittedAt: r.submittedAt.toISOString(),
    /** not in the API's answer: the console marks breaches */
    breached: r.state?.breached ?? false,
  }));
  return { items, total, next, prev };
}
export type TComplaintItem = Awaited<ReturnType<typeof listComplaintItems>>['items'][number];

export async function complaintCounts(db: Database, scope: TQueueScope): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: complaints.status, n: count() })
    .from(complaints)
    .where(and(...complaintsInScope(scope)))
    .groupBy(complaints.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Who reads the queues (GET /v1/work-items and GET /v1/complaints, and the console's queue). */
export const WORK_ITEM_ROLES = ['agent', 'executive', 'supervisor', 'ops', 'admin'] as const;
export const COMPLAINT_QUEUE_ROLES = STAFF_ROLES;
