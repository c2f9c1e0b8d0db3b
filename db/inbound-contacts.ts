import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from './client';
import { inboundContacts } from './schema';

export type TInboundContactKind = 'look-up' | 'complaint' | 'request';
export type TInboundContact = typeof inboundContacts.$inferSelect;

/** Opening the same caller again within this long is the same call (a reload, coming back after registering). */
export const SAME_CALL_MS = 10 * 60_000;

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
  const row = { id: randomUUID(), requestNumber: null, ...contact };
  if (contact.kind !== 'look-up') {
    await db.insert(inboundContacts).values(row);
    return true;
  }
  const since = new Date(contact.at.getTime() - SAME_CALL_MS);
  const written = await db.execute(sql`
    insert into ${inboundContacts} (id, channel, agent, office_id, consumer_number, kind, request_number, at)
    select ${row.id}, ${row.channel}, ${row.agent}, ${row.officeId}, ${row.consumerNumber}, 'look-up', null, ${contact.at.toISOString()}
    where not exists (
      select 1 from ${inboundContacts}
      where agent = ${row.agent} and consumer_number = ${row.consumerNumber} and kind = 'look-up'
        and at > ${since.toISOString()}
    )
    returning id`);
  return written.length > 0;
}

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
