import { date, integer, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * The SLA KPIs' rollup: what closed (requests) or was resolved (complaints) per UTC day, office,
 * kind and type. Kept by triggers on `service_requests` and `complaints` (migration 0030), in the
 * statement that writes a closure, whoever writes it: each changed row takes back what its old
 * version added and adds its new one, so a reopening, a late closure, a breach found later or a
 * retried write that changes nothing all leave the sums equal to the rows. A row whose items all
 * left is deleted. db/kpis.ts reads whole days here and the period's partial first and last days
 * from the items.
 */
export const kpiClosureDays = pgTable(
  'kpi_closure_days',
  {
    /** the UTC day of the closure (resolution) */
    day: date('day', { mode: 'string' }).notNull(),
    /** request | complaint */
    kind: text('kind').notNull(),
    typeCode: text('type_code').notNull(),
    officeId: text('office_id').notNull(),
    closed: integer('closed').notNull(),
    /** not breached: within TAT */
    withinTat: integer('within_tat').notNull(),
    /** the sum of the times to close (submission to closure), in seconds */
    seconds: numeric('seconds').notNull(),
    /** items per bucket of time to close (domain/kpis.ts TTC_BUCKET_STARTS; 1-based, 67 buckets) */
    ttc: integer('ttc').array().notNull(),
    /** items closed in each half hour of the day (1: 00:00–00:30 UTC … 48), and of those within TAT */
    closedBySlot: integer('closed_by_slot').array().notNull(),
    withinBySlot: integer('within_by_slot').array().notNull(),
    /** breached items by the highest escalation level they reached (element 1: level 0) */
    breachedByLevel: integer('breached_by_level').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind, t.typeCode, t.officeId] })],
);
