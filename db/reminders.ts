import { sql, type SQL } from 'drizzle-orm';
import { REMINDER_CAMPAIGN_ID } from '../domain/campaign-contract';
import { offsetText } from '../domain/utility-profile-contract';
import type { Database } from './client';

/**
 * Disconnection reminders (#14): which bills are still owed comes from the ledger, as
 * `settleBills` reckons it (credits settle the oldest bills first), in SQL so that 100,000
 * consumers cost one statement. `consumers` is a query of `consumer_number`s to look at.
 */
const owedBills = (consumers: SQL) => sql`
  with k as (${consumers}),
  b as (
    select p.consumer_number, p.bill_id, bl.period, bl.due_date, bl.disconnection_date, sum(p.amount) as amount
    from ledger_postings p join bills bl on bl.id = p.bill_id
    where p.kind = 'bill' and p.consumer_number in (select consumer_number from k)
    group by p.consumer_number, p.bill_id, bl.period, bl.due_date, bl.disconnection_date),
  cr as (
    select p.consumer_number, greatest(0, -sum(p.amount)) as credit
    from ledger_postings p
    where p.kind <> 'bill' and p.consumer_number in (select consumer_number from k)
    group by p.consumer_number)
  select b.consumer_number, b.bill_id, b.due_date, b.disconnection_date,
         least(b.amount, greatest(0, sum(b.amount) over (partition by b.consumer_number order by b.period, b.bill_id)
                                     - coalesce(cr.credit, 0))) as outstanding
  from b left join cr on cr.consumer_number = b.consumer_number`;

/** Reminder campaigns are one per circle (`DR-disconnection-<circle>`): each circle's staff see their own. */
export const reminderCampaignOf = (circleId: string) => `${REMINDER_CAMPAIGN_ID}-${circleId}`;

export type TPlannedReminders = { campaignId: string; stage: string; consumers: number }[];

/**
 * The day's reminders, in one transaction: every consumer with a bill past its due date, still
 * owed, whose disconnection date is within the offsets gets the reminder of the offset now due
 * (the smallest offset not below the days left: a missed run is caught up once, never twice) —
 * one delivery per consumer, disconnection date and offset (`remind-<date>-<n>d`), its amount the
 * sum owed on the bills cut that day. Voice first, the chain after it.
 */
export async function planReminders(
  db: Database,
  input: { today: string; offsetsDays: number[]; dueAt: Date; utcOffsetMinutes: number },
): Promise<TPlannedReminders> {
  const max = Math.max(...input.offsetsDays);
  const offsets = sql.raw(`array[${input.offsetsDays.map((d) => Math.trunc(d)).join(',')}]::int[]`);
  const zone = sql.raw(`'${offsetText(input.utcOffsetMinutes)}'`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      create temp table reminders_due on commit drop as
      select o.consumer_number, o.disconnection_date::text as disconnection_date,
             sum(o.outstanding)::numeric(14, 2)::text as amount,
             (select min(x) from unnest(${offsets}) x where x >= o.disconnection_date - ${input.today}::date) as days
      from (${owedBills(sql`
        select distinct consumer_number from bills
        where disconnection_date > ${input.today}::date and disconnection_date <= ${input.today}::date + ${max}::int
          and due_date < ${input.today}::date`)}) o
      where o.outstanding > 0 and o.due_date < ${input.today}::date
        and o.disconnection_date > ${input.today}::date and o.disconnection_date <= ${input.today}::date + ${max}::int
      group by o.consumer_number, o.disconnection_date`);
    await tx.execute(sql`
      create temp table reminders_to on commit drop as
      select r.*, c.section_office_id as office_id, split_part(f.path, '/', 1) as circle_id,
             t.id as transformer_id, t.feeder_id, t.name as area,
             'remind-' || r.disconnection_date || '-' || r.days || 'd' as stage
      from reminders_due r
      join consumers c on c.consumer_number = r.consumer_number and c.active
      join transformers t on t.id = c.transformer_id
      join offices f on f.id = c.section_office_id`);
    await tx.execute(sql`
      insert into campaigns (id, kind, office_id, status, title)
      select distinct ${REMINDER_CAMPAIGN_ID} || '-' || circle_id, 'reminders', circle_id, 'running', 'disconnection reminders'
      from reminders_to
      on conflict (id) do update set status = 'running', updated_at = now()`);
    await tx.execute(sql`
      insert into campaign_recipients
        (campaign_id, consumer_number, transformer_id, feeder_id, office_id, area, call_list, call_reason)
      select distinct on (circle_id, consumer_number) ${REMINDER_CAMPAIGN_ID} || '-' || circle_id, consumer_number,
             transformer_id, feeder_id, office_id, area, false, null
      from reminders_to order by circle_id, consumer_number
      on conflict do nothing`);
    await tx.execute(sql`
      insert into campaign_stages (campaign_id, stage, template, params, channel)
      select distinct ${REMINDER_CAMPAIGN_ID} || '-' || circle_id, stage, 'disconnection-reminder',
             jsonb_build_object('date', disconnection_date || 'T00:00:00' || ${zone}), 'voice'
      from reminders_to
      on conflict do nothing`);
    const made = await tx.execute<{ campaign_id: string; stage: string; n: number }>(sql`
      with made as (
        insert into campaign_deliveries (id, campaign_id, stage, consumer_number, route, status, due_at, params)
        select ${REMINDER_CAMPAIGN_ID} || '-' || circle_id || '.' || stage || '.' || consumer_number,
               ${REMINDER_CAMPAIGN_ID} || '-' || circle_id, stage, consumer_number, 'auto', 'due', ${input.dueAt.toISOString()},
               jsonb_build_object('amount', amount, 'consumerNumber', consumer_number)
        from reminders_to
        on conflict (id) do nothing
        returning campaign_id, stage)
      select campaign_id, stage, count(*)::int as n from made group by campaign_id, stage order by campaign_id, stage`);
    return made.map((m) => ({ campaignId: m.campaign_id, stage: m.stage, consumers: m.n }));
  });
}

/**
 * Of these consumers, those who still owe on a bill cut on `disconnectionDate`: a reminder for
 * anyone else is moot (they paid since it was planned).
 */
export async function stillOwing(
  db: Pick<Database, 'execute'>,
  consumerNumbers: readonly string[],
  disconnectionDate: string,
): Promise<Set<string>> {
  if (consumerNumbers.length === 0) return new Set();
  const rows = await db.execute<{ consumer_number: string }>(sql`
    select distinct consumer_number from (${owedBills(
      sql`select consumer_number from consumers where consumer_number in (${sql.join(
        consumerNumbers.map((n) => sql`${n}`),
        sql`, `,
      )})`,
    )}) o
    where o.outstanding > 0 and o.disconnection_date = ${disconnectionDate}::date`);
  return new Set(rows.map((r) => r.consumer_number));
}

/**
 * A payment posted: these consumers' reminders not yet gone, for disconnection dates they no
 * longer owe on, are cancelled (the send-time check catches any this misses). Runs in the
 * payment's own transaction.
 */
export async function cancelPaidReminders(
  db: Pick<Database, 'execute'>,
  consumerNumbers: readonly string[],
): Promise<number> {
  if (consumerNumbers.length === 0) return 0;
  const list = sql.join(
    consumerNumbers.map((n) => sql`${n}`),
    sql`, `,
  );
  const cancelled = await db.execute<{ id: string }>(sql`
    update campaign_deliveries d set status = 'cancelled', detail = 'paid', updated_at = now()
    from campaign_stages s
    where d.campaign_id like ${`${REMINDER_CAMPAIGN_ID}-%`} and d.consumer_number in (${list})
      and d.status = 'due'
      and s.campaign_id = d.campaign_id and s.stage = d.stage
      and not exists (
        select 1 from (${owedBills(sql`select consumer_number from consumers where consumer_number in (${list})`)}) o
        where o.consumer_number = d.consumer_number and o.outstanding > 0
          and o.disconnection_date = left(s.params ->> 'date', 10)::date)
    returning d.id`);
  return cancelled.length;
}
