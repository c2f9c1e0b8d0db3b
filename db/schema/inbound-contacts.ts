import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every time someone reaches the utility about a consumer: an agent looking the caller up at the
 * desk, registering a complaint or starting a request for them. The KPIs (contacts per channel,
 * per agent, per hour) read this table.
 */
export const inboundContacts = pgTable(
  'inbound_contacts',
  {
    id: text('id').primaryKey(),
    /** agent (the call-centre desk); other channels later */
    channel: text('channel').notNull(),
    /** the staff subject who took the contact */
    agent: text('agent').notNull(),
    /** the agent's office when they took it */
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
