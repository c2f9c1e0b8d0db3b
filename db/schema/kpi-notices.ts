import { boolean, date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * The outbound notices KPI's rollup: notices per UTC day of their recording, office (the
 * notice's `kpi_office_id`, '' when it has none), first channel, status and fallback. Kept by
 * triggers on `notifications` (migration 0032) in the statement that writes a notice or changes
 * its status, whoever writes it: a changed row takes back what its old version added and adds its
 * new one, so the counts stay equal to the rows; a row left with none is deleted. db/kpis.ts
 * reads the period's whole days here and its partial first and last days from the notices.
 */
export const kpiNoticeDays = pgTable(
  'kpi_notice_days',
  {
    /** the UTC day the notice was recorded (created_at) */
    day: date('day', { mode: 'string' }).notNull(),
    /** the notice's kpi_office_id; '' when it has none (counted for every office, in no office's scope) */
    officeId: text('office_id').notNull(),
    firstChannel: text('first_channel').notNull(),
    status: text('status').notNull(),
    fellBack: boolean('fell_back').notNull(),
    notices: integer('notices').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.officeId, t.firstChannel, t.status, t.fellBack] })],
);
