import { randomUUID } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RANK_ALL, searchConsumers } from '../db/agent-search';
import { createDatabase } from '../db/client';
import { complaints, consumers, serviceRequests } from '../db/schema';
import { listComplaintItems, listWorkItems, totalFromCounts } from '../db/work-items';
import type { TComplaintState } from '../domain/complaint';
import { DomainProblem } from '../domain/failures';
import type { TServiceRequestState } from '../domain/service-request';

/**
 * The queues' seek pagination and the desk's search past RANK_ALL matches, on the real
 * PostgreSQL. Rows of this file carry a type code (and consumer names) of their own.
 */
const { db, close } = createDatabase(inject('databaseUrl'), { max: 2 });
const tag = randomUUID().slice(0, 8);
const TYPE = `keyset-${tag}`;
afterAll(async () => {
  await db.delete(serviceRequests).where(eq(serviceRequests.typeCode, TYPE));
  await db.delete(complaints).where(eq(complaints.typeCode, TYPE));
  await db
    .delete(consumers)
    .where(like(consumers.consumerNumber, `1569${tag.replace(/\D/g, '0').slice(0, 3)}%`));
  await close();
});

const t0 = Date.parse('2026-12-01T00:00:00Z');
/** 57 requests: some breached or warned, due dates shared by several, some with none. */
const requests = Array.from({ length: 57 }, (_, i) => ({
  requestNumber: `SR-2026-K${tag}${String(i).padStart(3, '0')}`,
  typeCode: TYPE,
  consumerNumber: '1560100000001',
  officeId: 'sec-aluva-town',
  status: i % 3 === 0 ? 'awaiting-consumer' : 'in-progress',
  dueAt: i % 11 === 0 ? null : new Date(t0 + (i % 7) * 3_600_000),
  channel: 'web',
  submittedBy: 'consumer',
  submittedAt: new Date(t0 - i * 60_000),
  state: { breached: i % 5 === 0, warned: i % 4 === 0 } as unknown as TServiceRequestState,
}));
const PRIORITY = ['emergency', 'high', 'normal', 'low'];
const STATUSES = ['open', 'assigned', 'awaiting-restoration', 'resolved'];
const complaintRows = Array.from({ length: 43 }, (_, i) => ({
  requestNumber: `CR-2026-K${tag}${String(i).padStart(3, '0')}`,
  typeCode: TYPE,
  priority: PRIORITY[i % 4]!,
  consumerNumber: '1560100000001',
  officeId: 'sec-aluva-town',
  status: STATUSES[(i * 3) % 4]!,
  dueAt: i % 9 === 0 ? null : new Date(t0 + (i % 5) * 3_600_000),
  channel: 'sms',
  submittedAt: new Date(t0 - i * 60_000),
  state: { breached: false, timeline: [] } as unknown as TComplaintState,
}));

/** The queue's order as the console has always drawn it, computed here from the rows themselves. */
const urgentOrder = [...requests]
  .sort(
    (a, b) =>
      Number(b.state.breached) - Number(a.state.breached) ||
      Number(b.state.warned) - Number(a.state.warned) ||
      (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) ||
      a.requestNumber.localeCompare(b.requestNumber),
  )
  .map((r) => r.requestNumber);
const dueOrder = [...requests]
  .sort(
    (a, b) =>
      (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) ||
      a.requestNumber.localeCompare(b.requestNumber),
  )
  .map((r) => r.requestNumber);
const stage = (s: string) => ({ open: 0, assigned: 0, 'awaiting-restoration': 1, resolved: 2 })[s] ?? 3;
const complaintOrder = [...complaintRows]
  .sort(
    (a, b) =>
      PRIORITY.indexOf(a.priority) - PRIORITY.indexOf(b.priority) ||
      stage(a.status) - stage(b.status) ||
      (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) ||
      a.requestNumber.localeCompare(b.requestNumber),
  )
  .map((r) => r.requestNumber);

type TList = (q: {
  page: number;
  after?: string;
  before?: string;
}) => Promise<{
  items: { requestNumber: string }[];
  next: string | null;
  prev: string | null;
  total: number;
}>;

/** Every page, forwards by `next` and back by `prev`, against the same pages by number. */
async function walk(list: TList, expected: string[]) {
  const forwards: string[][] = [];
  let page = await list({ page: 1 });
  expect(page.prev).toBeNull();
  for (;;) {
    forwards.push(page.items.map((i) => i.requestNumber));
    if (!page.next) break;
    page = await list({ page: forwards.length + 1, after: page.next });
  }
  expect(forwards.flat()).toEqual(expected);
  for (const [i, rows] of forwards.entries())
    expect((await list({ page: i + 1 })).items.map((r) => r.requestNumber)).toEqual(rows);
  const backwards: string[][] = [forwards.at(-1)!];
  while (page.prev) {
    page = await list({ page: 1, before: page.prev });
    backwards.unshift(page.items.map((i) => i.requestNumber));
  }
  expect(backwards).toEqual(forwards);
  return forwards.length;
}

describe('the work queues page by seeking their order through its index', () => {
  it('walks requests in the console order and the API order, and complaints, as offset pages do', async () => {
    await db.insert(serviceRequests).values(requests);
    await db.insert(complaints).values(complaintRows);
    const requestList =
      (order: 'urgent' | 'due'): TList =>
      (q) =>
        listWorkItems(db, undefined, { status: 'all', type: TYPE, order, pageSize: 10, ...q });
    expect(await walk(requestList('urgent'), urgentOrder)).toBe(6);
    expect(await walk(requestList('due'), dueOrder)).toBe(6);
    expect(
      await walk(
        (q) => listComplaintItems(db, undefined, { status: 'all', type: TYPE, pageSize: 10, ...q }),
        complaintOrder,
      ),
    ).toBe(5);
    // Filters still apply after a cursor: only the open ones.
    const first = await listWorkItems(db, undefined, {
      status: 'awaiting-consumer',
      type: TYPE,
      order: 'urgent',
      page: 1,
      pageSize: 5,
    });
    const second = await listWorkItems(db, undefined, {
      status: 'awaiting-consumer',
      type: TYPE,
      order: 'urgent',
      page: 2,
      pageSize: 5,
      after: first.next!,
    });
    expect(second.items.every((i) => i.status === 'awaiting-consumer')).toBe(true);
    expect(second.items.map((i) => i.requestNumber)).toEqual(
      urgentOrder
        .filter((rn) => requests.find((r) => r.requestNumber === rn)!.status === 'awaiting-consumer')
        .slice(5, 10),
    );
    expect(second.total).toBe(19);
  });

  it('refuses a cursor it did not write, or one of another order, naming the parameter', async () => {
    const due = await listWorkItems(db, undefined, {
      status: 'all',
      type: TYPE,
      order: 'due',
      page: 1,
      pageSize: 5,
    });
    for (const after of ['bm90LWEtY3Vyc29y', due.next!]) {
      const refused = await listWorkItems(db, undefined, {
        status: 'all',
        type: TYPE,
        order: 'urgent',
        page: 1,
        pageSize: 5,
        after,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainProblem);
      expect((refused as DomainProblem).details).toMatchObject({ errors: [{ field: 'query.after' }] });
    }
  });

  it('takes the total from the counts per status when only the status filters', () => {
    const counts = { 'in-progress': 7, 'awaiting-consumer': 3, completed: 5 };
    expect(totalFromCounts(counts, ['in-progress', 'awaiting-consumer'], false)).toBe(10);
    expect(totalFromCounts(counts, 'all', false)).toBe(15);
    expect(totalFromCounts(counts, ['completed'], true)).toBeUndefined();
  });
});

describe('the desk search past RANK_ALL matches', () => {
  it('says "more", and ranks those whose every word is closest', async () => {
    const prefix = `1569${tag.replace(/\D/g, '0').slice(0, 3)}`;
    const name = `Zyqkunju${tag.replace(/\d/g, 'x')}`.toLowerCase();
    await db.insert(consumers).values(
      Array.from({ length: RANK_ALL + 20 }, (_, i) => ({
        consumerNumber: `${prefix}${String(i).padStart(6, '0')}`,
        name: `${name[0]!.toUpperCase()}${name.slice(1)} ${i === 7 ? 'Kurian' : 'Menon'}`,
        phone: `+9197${String(10_000_000 + i)}`,
        address: `House ${i}, Temple Road, Aluva`,
        sectionOfficeId: 'sec-aluva-town',
        transformerId: 'dtr-aluva-town-1',
      })),
    );
    const many = await searchConsumers(db, { by: 'name-address', words: [name] }, { page: 1, pageSize: 20 });
    expect(many).toMatchObject({ total: RANK_ALL, more: true });
    expect(many.items).toHaveLength(20);
    expect(many.items.every((h) => h.name.toLowerCase().startsWith(name))).toBe(true);
    // Two words, the one Kurian among them closest: first.
    const two = await searchConsumers(
      db,
      { by: 'name-address', words: [name, 'kurian'] },
      { page: 1, pageSize: 5 },
    );
    expect(two.items[0]!.consumerNumber).toBe(`${prefix}000007`);
    expect(two.more).toBeUndefined();
    expect(two.total).toBe(1);
    // A page past the last of a few: none, and the total still right.
    const past = await searchConsumers(
      db,
      { by: 'name-address', words: [name, 'kurian'] },
      { page: 3, pageSize: 5 },
    );
    expect(past).toEqual({ items: [], total: 1 });
  });
});
