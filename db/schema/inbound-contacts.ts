import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every time someone reaches the utility about a consumer: an agent looking the caller up at the
 * desk, registering a complaint or starting a request for them. The KPIs (contacts per channel,
 * per agent, per hour) read this table.
 */
export const inboundContacts = pgTable(
  'inbound_contacts',
  {
    id: text('id').primaryKey(),
    /** agent (the call-centre desk: look-ups, complaints, requests); web, ivr, sms, whatsapp, email, zalo, messenger (a complaint or request registered there) */
    channel: text('channel').notNull(),
    /** the staff subject who took the contact (on the other channels: who submitted it) */
    agent: text('agent').notNull(),
    /** the agent's office when they took it (on the other channels: the consumer's section office) */
    officeId: text('office_id').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    /** look-up | complaint | request */
    kind: text('kind').notNull(),
    /** the Request Number a complaint or request got */
    requestNumber: text('request_number'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('inbound_contacts_at_idx').on(t.at),
    index('inbound_contacts_agent_consumer_idx').on(t.agent, t.consumerNumber, t.at),
  ],
);

/**
 * Contacts per half hour (UTC-aligned), office, channel and kind: kept in the same statement that
 * records a contact (db/inbound-contacts.ts), so the contacts KPIs read slots, not contacts. Half
 * hours, so that the local hours and days of every profile's zone (India's +5:30 too) are whole
 * slots.
 */
export const inboundContactSlots = pgTable(
  'inbound_contact_slots',
  {
    /** the start of the half hour */
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    officeId: text('office_id').notNull(),
    channel: text('channel').notNull(),
    kind: text('kind').notNull(),
    contacts: integer('contacts').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.slot, t.officeId, t.channel, t.kind] }),
    // The contacts KPIs (db/kpis.ts): a period's slots read from the index alone (no heap fetches).
    index('inbound_contact_slots_kpi_idx').on(t.slot, t.officeId, t.channel, t.kind, t.contacts),
  ],
);
