import { and, asc, count, desc, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
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
};

const breached = sql`coalesce((${serviceRequests.state}->>'breached')::boolean, false)`;
const warned = sql`coalesce((${serviceRequests.state}->>'warned')::boolean, false)`;

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
export async function listWorkItems(db: Database, scope: TQueueScope, q: TWorkItemQuery) {
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
  const due = [sql`${serviceRequests.dueAt} asc nulls last`, asc(serviceRequests.requestNumber)];
  const order =
    q.order === 'urgent'
      ? [sql`${breached} desc`, sql`${warned} desc`, ...due]
      : q.order === 'submitted'
        ? [desc(serviceRequests.submittedAt), asc(serviceRequests.requestNumber)]
        : q.order === 'level'
          ? [desc(serviceRequests.escalationLevel), ...due]
          : due;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(serviceRequests)
      .where(where)
      .orderBy(...order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: count() }).from(serviceRequests).where(where),
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
  return { items, total: total!.n };
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
};

const complaintsInScope = (scope: TQueueScope): SQL[] =>
  scope
    ? [or(inArray(complaints.officeId, scope.within), eq(complaints.escalationOfficeId, scope.officeId))!]
    : [];

/**
 * An office's complaint queue (the `complaints` read model): emergencies first, then field work
 * waiting, then soonest due — what `GET /v1/complaints` answers and the console draws.
 */
export async function listComplaintItems(db: Database, scope: TQueueScope, q: TComplaintQuery) {
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
  // Field work waiting first; then complaints waiting on an outage, then those waiting on the consumer.
  const stage = sql`case ${complaints.status} when 'open' then 0 when 'assigned' then 0 when 'awaiting-restoration' then 1 when 'resolved' then 2 else 3 end`;
  const rank = sql`case ${complaints.priority} when 'emergency' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(complaints)
      .where(where)
      .orderBy(rank, stage, sql`${complaints.dueAt} asc nulls last`, asc(complaints.requestNumber))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: count() }).from(complaints).where(where),
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
  return { items, total: total!.n };
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
