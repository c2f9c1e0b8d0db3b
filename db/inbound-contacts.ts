import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { consumers, inboundContacts, inboundContactSlots } from './schema';

/** The channel a desk contact is counted under. */
export const DESK_CHANNEL = 'agent';

export type TInboundContactKind = 'look-up' | 'complaint' | 'request';
export type TInboundContact = typeof inboundContacts.$inferSelect;

/** Opening the same caller again within this long is the same call (a reload, coming back after registering). */
export const SAME_CALL_MS = 10 * 60_000;

/** The half hour a contact is counted in (`inbound_contact_slots`): UTC-aligned. */
export const contactSlot = (at: SQL | string) =>
  sql`date_bin('30 minutes', ${at}, timestamptz '2000-01-01 00:00:00+00')`;

/** Inserts what `rows` (a SELECT of one contact, or none) gives, and counts it in its half hour, in one statement. */
const insertCounted = async (db: Pick<Database, 'execute'>, rows: SQL) => {
  const written = await db.execute(sql`
    with c as (
      insert into ${inboundContacts} (id, channel, agent, office_id, consumer_number, kind, request_number, at)
      ${rows}
      on conflict (id) do nothing
      returning office_id, channel, kind, at)
    insert into ${inboundContactSlots} (slot, office_id, channel, kind, contacts)
    select ${contactSlot(sql`at`)}, office_id, channel, kind, count(*)::int from c group by 1, 2, 3, 4
    on conflict (slot, office_id, channel, kind)
      do update set contacts = ${inboundContactSlots}.contacts + excluded.contacts
    returning slot`);
  return written.length > 0;
};

/**
 * Counts a contact. A look-up is counted once per agent and consumer within SAME_CALL_MS (one
 * insert that checks, so two tabs at once count one); a complaint or request is counted each time.
 * Answers whether a row was written.
 */
export async function recordInboundContact(
  db: Database,
  contact: {
    channel: string;
    agent: string;
    officeId: string;
    consumerNumber: string;
    kind: TInboundContactKind;
    requestNumber?: string;
    at: Date;
  },
): Promise<boolean> {
  const at = contact.at.toISOString();
  const row = sql`select ${randomUUID()}, ${contact.channel}, ${contact.agent}, ${contact.officeId},
    ${contact.consumerNumber}, ${contact.kind}, ${contact.requestNumber ?? null}, ${at}::timestamptz`;
  if (contact.kind !== 'look-up') return insertCounted(db, row);
  const since = new Date(contact.at.getTime() - SAME_CALL_MS).toISOString();
  return insertCounted(
    db,
    sql`${row} where not exists (
      select 1 from ${inboundContacts}
      where agent = ${contact.agent} and consumer_number = ${contact.consumerNumber} and kind = 'look-up'
        and at > ${since})`,
  );
}

/**
 * Counts a complaint or request that came in on a channel other than the desk (which counts its
 * own): once per Request Number (a retried intake counts nothing more), under the consumer's
 * section office.
 */
export const recordIntakeContact = (
  db: Pick<Database, 'execute'>,
  contact: {
    channel: string;
    submittedBy: string;
    consumerNumber: string;
    kind: Exclude<TInboundContactKind, 'look-up'>;
    requestNumber: string;
    at: Date;
  },
) =>
  insertCounted(
    db,
    sql`select ${`intake:${contact.requestNumber}`}, ${contact.channel}, ${contact.submittedBy},
      section_office_id, consumer_number, ${contact.kind}, ${contact.requestNumber}, ${contact.at.toISOString()}::timestamptz
    from ${consumers} where consumer_number = ${contact.consumerNumber}`,
  );

/** A consumer's contacts, newest first. */
export const contactsOf = (db: Database, consumerNumber: string, limit = 20) =>
  db
    .select()
    .from(inboundContacts)
    .where(eq(inboundContacts.consumerNumber, consumerNumber))
    .orderBy(desc(inboundContacts.at))
    .limit(limit);

/** How many contacts an agent took since an instant (the desk's own counter). */
export async function contactsTakenBy(db: Database, agent: string, since: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(inboundContacts)
    .where(and(eq(inboundContacts.agent, agent), gt(inboundContacts.at, since)));
  return row?.n ?? 0;
}
