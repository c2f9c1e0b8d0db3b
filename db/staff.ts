import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './client';
import { offices, onCallShifts, staff, staffInbox } from './schema';

export type TStaffMember = typeof staff.$inferSelect;

/** The active people of an office in a role: whom an alert to "the executive of sec-pattom" reaches. */
export function activeStaffOf(db: Database, officeId: string, role: string) {
  return db
    .select({ subject: staff.subject, language: staff.language })
    .from(staff)
    .where(and(eq(staff.officeId, officeId), eq(staff.role, role), eq(staff.active, true)))
    .orderBy(asc(staff.subject));
}

/**
 * Who takes a notice to an office's role: its own active people, else those of the nearest office
 * above it that has someone in that role (an alert never lands on an empty desk unseen). None
 * anywhere up the chain: nobody, and the caller says so.
 */
export async function staffFor(db: Database, officeId: string, role: string) {
  let at: string | null = officeId;
  for (let hops = 0; at && hops < 10; hops += 1) {
    const people = await activeStaffOf(db, at, role);
    if (people.length > 0) return { officeId: at, people };
    const [office] = await db.select({ parentId: offices.parentId }).from(offices).where(eq(offices.id, at));
    at = office?.parentId ?? null;
  }
  return { officeId, people: [] };
}

/** One active person of the directory, with how to reach them. */
export async function activeStaffMember(db: Database, subject: string) {
  const [row] = await db
    .select()
    .from(staff)
    .where(and(eq(staff.subject, subject), eq(staff.active, true)));
  return row;
}

/** An office's roster, with each person's directory entry. */
export function rosterOf(db: Database, officeId: string) {
  return db
    .select({ shift: onCallShifts, member: staff })
    .from(onCallShifts)
    .innerJoin(staff, eq(staff.subject, onCallShifts.subject))
    .where(eq(onCallShifts.officeId, officeId))
    .orderBy(asc(onCallShifts.from), asc(onCallShifts.subject), asc(onCallShifts.id));
}

export type TInboxDelivery = {
  subject: string;
  /** the notice's idempotency key: one row per notice per person */
  noticeKey: string;
  template: string;
  title: string;
  body: string;
  urgent: boolean;
};

/** Puts a notice in one person's inbox; delivering the same notice again adds nothing. True if added. */
export async function deliverToInbox(db: Database, item: TInboxDelivery): Promise<boolean> {
  const added = await db
    .insert(staffInbox)
    .values(item)
    .onConflictDoNothing({ target: [staffInbox.subject, staffInbox.noticeKey] })
    .returning({ id: staffInbox.id });
  return added.length > 0;
}

/** One page of a person's own inbox, newest first, with the number still unread (of those asked for). */
export async function inboxOf(
  db: Database,
  subject: string,
  q: { unread?: boolean; page: number; pageSize: number },
) {
  const mine = eq(staffInbox.subject, subject);
  const where = q.unread ? and(mine, isNull(staffInbox.readAt)) : mine;
  const [items, [counts]] = await Promise.all([
    db
      .select()
      .from(staffInbox)
      .where(where)
      .orderBy(desc(staffInbox.createdAt), desc(staffInbox.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db
      .select({
        total: count(),
        unread: sql<number>`count(*) filter (where ${staffInbox.readAt} is null)`.mapWith(Number),
      })
      .from(staffInbox)
      .where(where),
  ]);
  return { items, unread: counts!.unread, total: counts!.total };
}

/** Marks one of a person's alerts read (once: a second time keeps the first time); undefined if not theirs. */
export async function markInboxRead(db: Database, subject: string, id: string, at: Date) {
  const mine = and(eq(staffInbox.id, id), eq(staffInbox.subject, subject));
  await db
    .update(staffInbox)
    .set({ readAt: at })
    .where(and(mine, isNull(staffInbox.readAt)));
  const [item] = await db.select().from(staffInbox).where(mine);
  return item;
}
