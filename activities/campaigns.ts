import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config';
import {
  campaignCalls,
  campaignDeliveries,
  campaignRecipients,
  campaigns,
  campaignStages,
  consumers,
  notifications,
} from '../db/schema';
import { planReminders, stillOwing, type TPlannedReminders } from '../db/reminders';
import { textArray } from '../db/sql-arrays';
import {
  campaignNoticeKey,
  MESSAGE_PLACEHOLDERS,
  PHONE_CHANNELS,
  REMINDER_CAMPAIGN_ID,
  type TManualCampaignSpec,
  type TCallEntry,
  type TCallOutcome,
  type TDispatchResult,
} from '../domain/campaign-contract';
import { FailureType } from '../domain/failures';
import { isLanguage, isTemplateId, NOTICE_TEMPLATES, type TLanguage } from '../domain/notice-templates';
import { noticeWorkflowId, type TLocalised, type TNoticeInput, type TNoticeParam } from '../domain/notices';
import { RateLimitedError } from '../lib/notice-rate-limits';
import {
  consumerChain,
  createNoticeBatchSender,
  createNotificationActivities,
  jsonRows,
  quietUntil,
  type NotificationActivityDeps,
} from './notifications';

export type CampaignActivityDeps = NotificationActivityDeps & {
  campaigns: Pick<Config['campaigns'], 'leaseMs' | 'sendConcurrency'>;
};

/** What a send left a delivery row (absent fields keep their value). */
type TSaved = {
  id: string;
  chain: string[];
  status: string;
  channel?: string;
  step?: number;
  failures?: number;
  dueAt?: Date;
  detail?: string;
};

/** Rows that need nothing more. */
const FINAL = ['delivered', 'undelivered', 'told-by-complaint', 'reached', 'cancelled'] as const;
const finalList = sql.raw(FINAL.map((s) => `'${s}'`).join(','));

const conflict = (message: string) =>
  ApplicationFailure.create({ type: FailureType.Conflict, message, nonRetryable: true });

/** Stable across retries of one activity (its own claimed rows), distinct across activities. */
function activityKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
}

/**
 * Free text in the recipient's words: `{name}`, `{consumerNumber}` and `{area}` in a text
 * parameter are filled per recipient (other braces are left as typed).
 */
export function personalise(
  params: Record<string, TNoticeParam>,
  values: Record<(typeof MESSAGE_PLACEHOLDERS)[number], string>,
): Record<string, TNoticeParam> {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (whole, key: string) =>
      (MESSAGE_PLACEHOLDERS as readonly string[]).includes(key) ? values[key as keyof typeof values] : whole,
    );
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      typeof v === 'object' && 'text' in v
        ? {
            text: Object.fromEntries(
              Object.entries(v.text).map(([l, x]) => [l, fill(x ?? '')]),
            ) as TLocalised,
          }
        : v,
    ]),
  );
}

/**
 * Outage campaigns at scale: per-recipient state lives in PostgreSQL and every step is a batch
 * statement or a claim of rows (`FOR UPDATE SKIP LOCKED`), so the workflow only drives waves and
 * timers. Each message goes through the notices' own `sendOnChannel` (rendering in the reader's
 * language, the providers, the attempt record and its idempotency key), never a copy of it.
 */
export function createCampaignActivities(deps: CampaignActivityDeps) {
  const { db, now } = deps;
  const notices = createNotificationActivities(deps);
  const sendBatch = createNoticeBatchSender(deps, notices);

  /** Attempts that end a channel (refused, or failing for good), in one statement — markAttempt's rule: a receipt that said "delivered" stands. */
  const markFailed = async (
    rows: { id: string; key: string; attempt: number; channel: string; detail: string }[],
  ) => {
    if (rows.length === 0) return;
    await db.execute(sql`
      insert into notification_attempts as a (id, key, attempt, channel, recipient, provider, status, detail)
      select id, key, attempt, channel, '-', '-', 'failed', left(detail, 500)
      from jsonb_to_recordset(${jsonRows(rows)}) as v(id text, key text, attempt int, channel text, detail text)
      on conflict (id) do update set status = 'failed', detail = excluded.detail, updated_at = ${now().toISOString()}
        where a.status <> 'delivered'`);
  };

  const startStaffNotice = async (notice: TNoticeInput) => {
    try {
      await deps.temporal.workflow.start('noticeWorkflow', {
        workflowId: noticeWorkflowId(notice.key),
        taskQueue: deps.taskQueue,
        args: [notice],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };

  const readEntry = async (id: string): Promise<TCallEntry | undefined> => {
    const [row] = await db
      .select({
        id: campaignDeliveries.id,
        campaignId: campaignDeliveries.campaignId,
        stage: campaignDeliveries.stage,
        consumerNumber: campaignDeliveries.consumerNumber,
        route: campaignDeliveries.route,
        status: campaignDeliveries.status,
        claimedBy: campaignDeliveries.claimedBy,
        calls: campaignDeliveries.calls,
        callOutcome: campaignDeliveries.callOutcome,
        callNote: campaignDeliveries.callNote,
        dueAt: campaignDeliveries.dueAt,
      })
      .from(campaignDeliveries)
      .where(eq(campaignDeliveries.id, id));
    return row && { ...row, status: row.route === 'call' ? row.status : `fell-back:${row.status}` };
  };

  /** Receipts move rows on (delivered, or the next channel after a failure or silence); overdue call-list entries alert the supervisor once. */
  const sweep = async (input: { campaignId: string; callWorkWithinMs: number }, t: Date) => {
    const at = t.toISOString();
    // Receipts: a delivered attempt finishes the row; a failed or silent one (past its
    // timeout) sends the row on to the next channel.
    const moved = await db.execute<{ id: string; attempt: string; status: string }>(sql`
      update ${campaignDeliveries} d
      set status = case when a.status = 'delivered' then 'delivered' else 'due' end,
          step = case when a.status = 'delivered' then d.step else d.step + 1 end,
          failures = 0, due_at = ${at}, updated_at = ${at}
      from notification_attempts a
      where d.campaign_id = ${input.campaignId} and d.status = 'awaiting-receipt'
        and a.id = 'campaign/' || d.id || '#' || (d.step + 1)
        and (a.status in ('delivered', 'failed') or d.due_at <= ${at})
      returning d.id, a.id as attempt, a.status`);
    const silent = moved.filter((m) => m.status === 'sent').map((m) => m.attempt);
    if (silent.length)
      await db.execute(sql`update notification_attempts set status = 'timed-out', updated_at = ${at}
        where id in (${sql.join(
          silent.map((s) => sql`${s}`),
          sql`, `,
        )}) and status = 'sent'`);
    const delivered = moved.filter((m) => m.status === 'delivered').map((m) => campaignNoticeKey(m.id));
    if (delivered.length)
      await db
        .update(notifications)
        .set({ status: 'delivered', updatedAt: t })
        .where(inArray(notifications.key, delivered));

    // The call list: an entry nobody has worked within the time goes to the supervisor, once.
    const overdue = await db.execute<{
      id: string;
      consumer_number: string;
      office_id: string;
      area: string;
      call_reason: string | null;
      name: string;
      due_at: string;
    }>(sql`
      update ${campaignDeliveries} d set escalated_at = ${at}
      from ${campaignRecipients} r, ${consumers} c
      where d.campaign_id = ${input.campaignId} and d.route = 'call' and d.status in ('calling', 'claimed')
        and d.escalated_at is null and d.due_at <= ${new Date(t.getTime() - input.callWorkWithinMs).toISOString()}
        and r.campaign_id = d.campaign_id and r.consumer_number = d.consumer_number
        and c.consumer_number = d.consumer_number
      returning d.id, d.consumer_number, r.office_id, r.area, r.call_reason, c.name, d.due_at`);
    for (const e of overdue)
      await startStaffNotice({
        key: `${campaignNoticeKey(e.id)}/overdue/${new Date(e.due_at).getTime()}`,
        to: { officeId: e.office_id, role: 'supervisor' },
        template: 'call-list-overdue',
        params: {
          consumerNumber: e.consumer_number,
          consumer: e.name,
          reason: { phrase: `call-reason.${e.call_reason ?? 'life-support'}` },
          area: e.area,
          since: new Date(e.due_at).toISOString(),
        },
      });
  };

  /** A batch's rows as their sends left them (one UPDATE … FROM VALUES). */
  const saveBatch = async (saved: TSaved[], claim: string) => {
    const at = now().toISOString();
    for (let i = 0; i < saved.length; i += 2000) {
      const rows = saved.slice(i, i + 2000).map((r) => ({
        id: r.id,
        status: r.status,
        chain: r.chain,
        channel: r.channel ?? null,
        step: r.step ?? null,
        failures: r.failures ?? null,
        due_at: r.dueAt?.toISOString() ?? null,
        detail: r.detail ?? null,
      }));
      await db.execute(sql`
        update ${campaignDeliveries} d set status = v.status, chain = v.chain, channel = coalesce(v.channel, d.channel),
          step = coalesce(v.step, d.step), failures = coalesce(v.failures, d.failures),
          due_at = coalesce(v.due_at, d.due_at), detail = coalesce(v.detail, d.detail),
          lease_until = null, claim = null, updated_at = ${at}
        from jsonb_to_recordset(${jsonRows(rows)})
          as v(id text, status text, chain jsonb, channel text, step int, failures int, due_at timestamptz, detail text)
        where d.id = v.id and d.claim = ${claim}`);
    }
  };

  /** Claimed reminder rows of consumers who no longer owe on the bill are cancelled, not sent. */
  const skipPaidReminders = async <R extends { id: string; stage: string; consumer_number: string }>(
    campaignId: string,
    rows: R[],
    claim: string,
  ): Promise<R[]> => {
    if (!campaignId.startsWith(REMINDER_CAMPAIGN_ID)) return rows;
    const dates = new Map<string, string[]>();
    for (const r of rows) {
      const date = /^remind-(\d{4}-\d{2}-\d{2})-/.exec(r.stage)?.[1];
      if (date) dates.set(date, [...(dates.get(date) ?? []), r.consumer_number]);
    }
    const owing = new Set<string>();
    for (const [date, numbers] of dates)
      for (const n of await stillOwing(db, numbers, date)) owing.add(`${date}/${n}`);
    const paid = rows.filter((r) => {
      const date = /^remind-(\d{4}-\d{2}-\d{2})-/.exec(r.stage)?.[1];
      return date !== undefined && !owing.has(`${date}/${r.consumer_number}`);
    });
    if (paid.length)
      await db
        .update(campaignDeliveries)
        .set({ status: 'cancelled', detail: 'paid', leaseUntil: null, claim: null, updatedAt: now() })
        .where(
          and(
            inArray(
              campaignDeliveries.id,
              paid.map((r) => r.id),
            ),
            eq(campaignDeliveries.claim, claim),
          ),
        );
    const skipped = new Set(paid.map((r) => r.id));
    return rows.filter((r) => !skipped.has(r.id));
  };

  const activities = {
    /**
     * Who the outage reaches, from the network as it is now (consumer → transformer → feeder):
     * one `INSERT … SELECT` into `campaign_recipients`, done once per campaign (a retry, or a
     * topology edit since, adds nobody).
     */
    async materialiseCampaign(input: {
      campaignId: string;
      outageId: string;
    }): Promise<{ recipients: number }> {
      return db.transaction(async (tx) => {
        const [campaign] = await tx
          .select({ status: campaigns.status })
          .from(campaigns)
          .where(eq(campaigns.id, input.campaignId))
          .for('update');
        // Its outage's transaction may not have committed yet (retried); after a while it never will.
        if (!campaign)
          throw Context.current().info.attempt >= 10
            ? ApplicationFailure.nonRetryable(`no campaign ${input.campaignId}`, 'NoCampaign')
            : new Error(`no campaign ${input.campaignId} yet`);
        if (campaign.status === 'materialising') {
          await tx.execute(sql`
            insert into ${campaignRecipients}
              (campaign_id, consumer_number, transformer_id, feeder_id, office_id, area, call_list, call_reason)
            select ${input.campaignId}, c.consumer_number, t.id, t.feeder_id, c.section_office_id,
                   case when o.transformer_ids ? t.id then t.name else f.name end,
                   c.life_support or c.social_category is not null,
                   case when c.life_support then 'life-support' else c.social_category end
            from outages o
            join transformers t on o.transformer_ids ? t.id or o.feeder_ids ? t.feeder_id
            join feeders f on f.id = t.feeder_id
            join consumers c on c.transformer_id = t.id and c.active
            where o.id = ${input.outageId}
            on conflict do nothing`);
          await tx
            .update(campaigns)
            .set({ status: 'running', updatedAt: now() })
            .where(eq(campaigns.id, input.campaignId));
        }
        const [{ n } = { n: 0 }] = await tx.execute<{ n: number }>(
          sql`select count(*)::int as n from ${campaignRecipients} where campaign_id = ${input.campaignId}`,
        );
        return { recipients: n };
      });
    },

    /**
     * A stage for its audience: everyone, or everyone the campaign has already told (an ETR
     * change, the restoration). Life-support and social consumers go on the call list; a consumer
     * whose own complaint is linked to the outage is told by the complaint, not twice.
     */
    async planStage(input: {
      campaignId: string;
      outageId: string;
      stage: string;
      template: string;
      params: Record<string, TNoticeParam>;
      audience: 'all' | 'told';
      /** the channel tried first (a manual campaign's choice); none: each consumer's own */
      channel?: string;
      /** sent even in quiet hours (a manual campaign marked urgent) */
      urgent?: boolean;
    }): Promise<{ planned: number; calls: number }> {
      if (!isTemplateId(input.template))
        throw ApplicationFailure.nonRetryable(`unknown template ${input.template}`, 'UnknownTemplate');
      const template = NOTICE_TEMPLATES[input.template];
      const t = now();
      const dueAt =
        (template.urgent || input.urgent ? undefined : quietUntil(t, deps.notices.quietHours)) ?? t;
      await db
        .insert(campaignStages)
        .values({
          campaignId: input.campaignId,
          stage: input.stage,
          template: input.template,
          params: input.params,
          channel: input.channel ?? null,
        })
        .onConflictDoNothing();
      const told =
        input.audience === 'all'
          ? sql`true`
          : sql`exists (select 1 from ${campaignDeliveries} d where d.campaign_id = r.campaign_id
                  and d.consumer_number = r.consumer_number and d.stage <> ${input.stage}
                  and d.status not in ('told-by-complaint', 'cancelled'))`;
      await db.execute(sql`
        insert into ${campaignDeliveries} (id, campaign_id, stage, consumer_number, route, status, due_at)
        select r.campaign_id || '.' || ${input.stage} || '.' || r.consumer_number, r.campaign_id, ${input.stage},
               r.consumer_number, case when r.call_list then 'call' else 'auto' end,
               case when exists (select 1 from outage_complaints oc
                                 where oc.outage_id = ${input.outageId} and oc.consumer_number = r.consumer_number)
                    then 'told-by-complaint'
                    when r.call_list then 'calling' else 'due' end,
               ${dueAt.toISOString()}
        from ${campaignRecipients} r
        where r.campaign_id = ${input.campaignId} and ${told}
        on conflict (id) do nothing`);
      const [counts] = await db.execute<{ planned: number; calls: number }>(sql`
        select count(*)::int as planned, (count(*) filter (where route = 'call'))::int as calls
        from ${campaignDeliveries} where campaign_id = ${input.campaignId} and stage = ${input.stage}`);
      return counts ?? { planned: 0, calls: 0 };
    },

    /**
     * One round: receipts and receipt timeouts move rows on, overdue call-list entries are
     * escalated to the supervisor, then a batch of due rows is claimed and each sent on its
     * current channel — delivered, awaiting a receipt, or on to the next channel.
     */
    async dispatchCampaign(input: {
      campaignId: string;
      limit: number;
      callWorkWithinMs: number;
      /** this one also moves rows on by their receipts and escalates the call list (one at a time does) */
      sweep?: boolean;
    }): Promise<TDispatchResult> {
      const ctx = Context.current();
      const t = now();
      const at = t.toISOString();
      if (input.sweep !== false) await sweep(input, t);

      // Claim a batch; a retry of this activity (a worker died mid-batch) takes its own rows back at once.
      const claim = activityKey();
      const leaseUntil = new Date(t.getTime() + deps.campaigns.leaseMs).toISOString();
      let claimed: {
        id: string;
        stage: string;
        consumer_number: string;
        chain: string[] | null;
        step: number;
        failures: number;
        params: Record<string, TNoticeParam> | null;
      }[] = await db.execute<{
        id: string;
        stage: string;
        consumer_number: string;
        chain: string[] | null;
        step: number;
        failures: number;
        params: Record<string, TNoticeParam> | null;
      }>(sql`
        with taken as (
          select id from ${campaignDeliveries}
          where campaign_id = ${input.campaignId} and route = 'auto' and status = 'sending'
            and (lease_until < ${at} or claim = ${claim})
          limit ${input.limit}
          for update skip locked),
        due as (
          select id from ${campaignDeliveries}
          where campaign_id = ${input.campaignId} and route = 'auto' and status = 'due' and due_at <= ${at}
          order by due_at limit greatest(${input.limit} - (select count(*) from taken), 0)
          for update skip locked)
        update ${campaignDeliveries} set status = 'sending', lease_until = ${leaseUntil}, claim = ${claim}
        where id in (select id from taken union all select id from due)
        returning id, stage, consumer_number, chain, step, failures, params`);

      let sent = 0;
      // A reminder whose bill has been paid since it was planned does not go (#14).
      if (claimed.length) claimed = await skipPaidReminders(input.campaignId, claimed, claim);
      if (claimed.length) {
        const numbers = [...new Set(claimed.map((r) => r.consumer_number))];
        const contacts = new Map(
          (
            await db
              .select({
                consumerNumber: consumers.consumerNumber,
                name: consumers.name,
                phone: consumers.phone,
                email: consumers.email,
                address: consumers.address,
                language: consumers.language,
                preferredChannel: consumers.preferredChannel,
                optOuts: consumers.optOuts,
                sectionOfficeId: consumers.sectionOfficeId,
              })
              .from(consumers)
              .where(inArray(consumers.consumerNumber, numbers))
          ).map((c) => [c.consumerNumber, c]),
        );
        const areas = new Map(
          (
            await db
              .select({ consumerNumber: campaignRecipients.consumerNumber, area: campaignRecipients.area })
              .from(campaignRecipients)
              .where(
                and(
                  eq(campaignRecipients.campaignId, input.campaignId),
                  inArray(campaignRecipients.consumerNumber, numbers),
                ),
              )
          ).map((r) => [r.consumerNumber, r.area]),
        );
        const stages = new Map(
          (
            await db
              .select()
              .from(campaignStages)
              .where(
                and(
                  eq(campaignStages.campaignId, input.campaignId),
                  inArray(campaignStages.stage, [...new Set(claimed.map((r) => r.stage))]),
                ),
              )
          ).map((s) => [s.stage, s]),
        );
        const notice = (row: (typeof claimed)[number]) => {
          const stage = stages.get(row.stage)!;
          const area = areas.get(row.consumer_number) ?? '';
          return {
            key: campaignNoticeKey(row.id),
            to: { consumerNumber: row.consumer_number },
            template: stage.template,
            params: personalise(
              { ...stage.params, area, ...row.params },
              {
                name: contacts.get(row.consumer_number)?.name ?? '',
                consumerNumber: row.consumer_number,
                area,
              },
            ),
          } satisfies TNoticeInput;
        };
        const languageOf = (n: string): TLanguage => {
          const l = contacts.get(n)?.language;
          return l && isLanguage(l) ? l : 'en';
        };
        const chainOf = (row: (typeof claimed)[number]) => {
          if (row.chain) return row.chain;
          const stage = stages.get(row.stage)!;
          const contact = contacts.get(row.consumer_number);
          const template = NOTICE_TEMPLATES[stage.template as keyof typeof NOTICE_TEMPLATES];
          // The stage's channel first (a manual campaign's choice, the reminders' voice call), then the chain.
          return stage.channel && contact
            ? consumerChain({ ...contact, preferredChannel: stage.channel }, template, [
                stage.channel,
                ...deps.notices.chain,
              ])
            : consumerChain(contact, template, deps.notices.chain);
        };
        // What each send leaves is written once for the whole batch (two statements, not two per
        // message); a worker that dies first leaves the rows claimed, and the retry finds each
        // attempt already made (one read for the batch) instead of sending it again.
        const saved: TSaved[] = [];
        const finished: { key: string; status: 'delivered' | 'undelivered'; channel?: string }[] = [];
        const failed: { id: string; key: string; attempt: number; channel: string; detail: string }[] = [];
        const going: { row: (typeof claimed)[number]; chain: string[]; channel: string }[] = [];
        for (const row of claimed) {
          const chain = chainOf(row);
          const channel = chain[row.step];
          if (channel) going.push({ row, chain, channel });
          else {
            saved.push({ id: row.id, chain, status: 'undelivered' });
            finished.push({ key: campaignNoticeKey(row.id), status: 'undelivered' });
          }
        }
        const outcomes = await sendBatch(
          going.map(({ row, channel }) => ({
            notice: notice(row),
            attempt: row.step + 1,
            channel,
            language: languageOf(row.consumer_number),
            contact: contacts.get(row.consumer_number),
          })),
          {
            concurrency: deps.campaigns.sendConcurrency,
            progress: (done) => ctx.heartbeat(done),
            // Sends waiting for a provider's rate limit stop well within the claim's lease and the
            // activity's timeout; what did not go is due again for the next round.
            until: t.getTime() + Math.min(deps.campaigns.leaseMs, ctx.info.startToCloseTimeoutMs) / 2,
          },
        );
        going.forEach(({ row, chain, channel }, i) => {
          const outcome = outcomes[i]!;
          const key = campaignNoticeKey(row.id);
          const save = (set: Omit<TSaved, 'id' | 'chain'>) => saved.push({ id: row.id, chain, ...set });
          if (outcome.ok) {
            sent += 1;
            if (outcome.delivered) {
              save({ status: 'delivered', channel });
              finished.push({ key, status: 'delivered', channel });
            } else
              save({
                status: 'awaiting-receipt',
                channel,
                dueAt: new Date(now().getTime() + deps.notices.receiptTimeoutMs),
              });
            return;
          }
          const { error } = outcome;
          // Its channel's rate limit had no room in time: not sent, not failed — due again as it was.
          if (error instanceof RateLimitedError) {
            save({ status: 'due', channel });
            return;
          }
          const detail = error instanceof Error ? error.message : String(error);
          const refused = error instanceof ApplicationFailure && error.type === 'SendRefused';
          const failures = row.failures + 1;
          // Refused, or failing three times: on to the next channel of the chain.
          const onward = refused || failures >= 3;
          if (onward)
            failed.push({ id: `${key}#${row.step + 1}`, key, attempt: row.step + 1, channel, detail });
          save({
            status: 'due',
            channel,
            step: onward ? row.step + 1 : row.step,
            failures: onward ? 0 : failures,
            dueAt: new Date(now().getTime() + (onward ? 0 : 1000 * 2 ** failures)),
            detail: detail.slice(0, 500),
          });
        });
        // The notice, as every notice is recorded (the agent desk lists it), written once with what
        // its first send left (one statement for the batch); a later round changes it only when it
        // ends, and the sweep when a receipt delivers it. Written after the sends, not before: a
        // pending row then marked delivered was two writes a message. A worker that dies between
        // the sends and here leaves the rows claimed; the retry finds the attempts made and writes it.
        // An insert and an update, not one upsert: an upsert runs both statement triggers of the
        // notices rollup, each taking its day rows in key order, and two such statements could
        // still take each other's rows crosswise (migration 0034).
        const ended = new Map(finished.map((f) => [f.key, f]));
        const noticeRows = claimed.map((row) => {
          const n = notice(row);
          const chain = chainOf(row);
          const end = ended.get(n.key);
          return {
            key: n.key,
            consumer_number: row.consumer_number,
            channel: end?.channel ?? chain[row.step] ?? chain[0] ?? 'none',
            language: languageOf(row.consumer_number),
            template: n.template,
            params: n.params,
            chain,
            status: end?.status ?? (chain.length ? 'pending' : 'undeliverable'),
            consumer_office_id: contacts.get(row.consumer_number)?.sectionOfficeId ?? null,
          };
        });
        const inserted = new Set<string>();
        for (let i = 0; i < noticeRows.length; i += 2000)
          for (const { key } of await db.execute<{ key: string }>(sql`
            insert into ${notifications} (key, consumer_number, channel, language, template, params, chain, status, consumer_office_id)
            select key, consumer_number, channel, language, template, params, chain, status, consumer_office_id
            from jsonb_to_recordset(${jsonRows(noticeRows.slice(i, i + 2000))}) as v(key text, consumer_number text, channel text,
              language text, template text, params jsonb, chain jsonb, status text, consumer_office_id text)
            on conflict (key) do nothing
            returning key`))
            inserted.add(key);
        // Notices written by an earlier round that end in this one.
        const endedBefore = finished
          .filter((f) => !inserted.has(f.key))
          .map((f) => ({ key: f.key, status: f.status, channel: f.channel ?? null }));
        for (let i = 0; i < endedBefore.length; i += 2000)
          await db.execute(sql`
            update ${notifications} n set status = v.status, channel = coalesce(v.channel, n.channel),
              updated_at = ${now().toISOString()}
            from jsonb_to_recordset(${jsonRows(endedBefore.slice(i, i + 2000))}) as v(key text, status text, channel text)
            where n.key = v.key and n.status is distinct from v.status`);
        await markFailed(failed);
        await saveBatch(saved, claim);
      }

      const more = sql`exists (select 1 from ${campaignDeliveries} where campaign_id = ${input.campaignId}
        and route = 'auto' and status = 'due' and due_at <= ${now().toISOString()})`;
      // The other dispatchers of a round only say whether more is due: the round reads the
      // sweeping one's open rows and next time (once a round). Both are index probes, not counts:
      // whether any row is still open (an automated one is due, being sent or awaiting its
      // receipt; a call-list one is not yet final) and the earliest time one is due, each status's
      // earliest from the due index (a count and a min over every open row took 40 ms a round at
      // 100,000 recipients).
      if (input.sweep === false) {
        const [row] = await db.execute<{ more: boolean }>(sql`select ${more} as more`);
        return { sent, more: Boolean(row?.more), open: 0 };
      }
      const auto = (status: string) =>
        sql`(select min(due_at) from ${campaignDeliveries} where campaign_id = ${input.campaignId}
              and route = 'auto' and status = ${status})`;
      const [left] = await db.execute<{ more: boolean; open: boolean; next_at: string | null }>(sql`
        select ${more} as more,
          (exists (select 1 from ${campaignDeliveries} where campaign_id = ${input.campaignId} and route = 'auto'
                     and status in ('due', 'sending', 'awaiting-receipt'))
           or exists (select 1 from ${campaignDeliveries} where campaign_id = ${input.campaignId} and route = 'call'
                     and status not in (${finalList}))) as open,
          least(${auto('due')}, ${auto('awaiting-receipt')}, ${auto('sending')},
            (select min(due_at) + ${`${input.callWorkWithinMs} milliseconds`}::interval
               from ${campaignDeliveries} where campaign_id = ${input.campaignId}
                and route = 'call' and status in ('calling', 'claimed') and escalated_at is null)) as next_at`);
      return {
        sent,
        more: Boolean(left?.more),
        open: left?.open ? 1 : 0,
        nextAt: left?.next_at ? new Date(left.next_at).toISOString() : undefined,
      };
    },

    /** An operator takes a call-list entry (theirs alone until they record the call). */
    async claimCall(input: { deliveryId: string; subject: string }): Promise<TCallEntry> {
      const t = now();
      const [row] = await db
        .update(campaignDeliveries)
        .set({ status: 'claimed', claimedBy: input.subject, updatedAt: t })
        .where(
          and(
            eq(campaignDeliveries.id, input.deliveryId),
            eq(campaignDeliveries.route, 'call'),
            sql`((${campaignDeliveries.status} = 'calling' and ${campaignDeliveries.dueAt} <= ${t.toISOString()})
                 or (${campaignDeliveries.status} = 'claimed' and ${campaignDeliveries.claimedBy} = ${input.subject}))`,
          ),
        )
        .returning({ id: campaignDeliveries.id });
      const entry = await readEntry(input.deliveryId);
      if (!entry) throw conflict(`no call-list entry ${input.deliveryId}`);
      if (!row) {
        if (entry.status === 'claimed')
          throw conflict(`${entry.claimedBy} is calling ${entry.consumerNumber}`);
        if (entry.status === 'calling') throw conflict('not yet: the next call is due later');
        throw conflict(`the entry is ${entry.status}`);
      }
      return entry;
    },

    /**
     * The call's outcome, by the operator who claimed it: reached ends it; not reached brings it
     * back after the retry delay, and after the last try hands it to the automated channels; a
     * wrong number hands it over at once, to the channels that do not use the phone.
     */
    async recordCall(input: {
      deliveryId: string;
      requestId: string;
      subject: string;
      outcome: TCallOutcome;
      note?: string;
      retryMs: number;
      tries: number;
    }): Promise<TCallEntry> {
      await db.transaction(async (tx) => {
        const [seen] = await tx
          .select({ id: campaignCalls.id })
          .from(campaignCalls)
          .where(eq(campaignCalls.id, input.requestId));
        if (seen) return; // a retry of a call already recorded
        const [row] = await tx
          .select()
          .from(campaignDeliveries)
          .where(eq(campaignDeliveries.id, input.deliveryId))
          .for('update');
        if (!row || row.route !== 'call') throw conflict(`no call-list entry ${input.deliveryId}`);
        if (row.status !== 'claimed' || row.claimedBy !== input.subject)
          throw conflict(
            row.status === 'claimed'
              ? `${row.claimedBy} is calling this consumer`
              : `claim the entry before recording a call (it is ${row.status})`,
          );
        const t = now();
        const calls = row.calls + 1;
        await tx.insert(campaignCalls).values({
          id: input.requestId,
          deliveryId: row.id,
          by: input.subject,
          outcome: input.outcome,
          note: input.note ?? null,
          at: t,
        });
        const common = { calls, callOutcome: input.outcome, callNote: input.note ?? null, updatedAt: t };
        if (input.outcome === 'reached')
          await tx
            .update(campaignDeliveries)
            .set({ ...common, status: 'reached', channel: 'call' })
            .where(eq(campaignDeliveries.id, row.id));
        else if (input.outcome === 'not-reached' && calls < input.tries)
          await tx
            .update(campaignDeliveries)
            .set({
              ...common,
              status: 'calling',
              claimedBy: null,
              escalatedAt: null,
              dueAt: new Date(t.getTime() + input.retryMs),
            })
            .where(eq(campaignDeliveries.id, row.id));
        else {
          // Over to the automated channels; a wrong number rules out every phone channel.
          let chain: string[] | null = null;
          if (input.outcome === 'wrong-number') {
            const [contact] = await tx
              .select()
              .from(consumers)
              .where(eq(consumers.consumerNumber, row.consumerNumber));
            const [stage] = await tx
              .select({ template: campaignStages.template })
              .from(campaignStages)
              .where(and(eq(campaignStages.campaignId, row.campaignId), eq(campaignStages.stage, row.stage)));
            chain = consumerChain(
              contact && { ...contact, phone: null },
              NOTICE_TEMPLATES[stage!.template as keyof typeof NOTICE_TEMPLATES],
              deps.notices.chain.filter((c) => !(PHONE_CHANNELS as readonly string[]).includes(c)),
            );
          }
          await tx
            .update(campaignDeliveries)
            .set({ ...common, route: 'auto', status: 'due', chain, step: 0, claimedBy: null, dueAt: t })
            .where(eq(campaignDeliveries.id, row.id));
        }
      });
      return (await readEntry(input.deliveryId))!;
    },

    /**
     * A manual campaign's recipients, once, at its start: everyone its targets reach (offices and
     * the offices under them, feeders, transformers, a list of consumer numbers) in one
     * `INSERT … SELECT`. Life-support and social consumers go on the call list only when the
     * campaign asks for it. A cancelled campaign materialises nobody.
     */
    async materialiseManual(input: {
      campaignId: string;
    }): Promise<{ recipients: number; cancelled: boolean }> {
      return db.transaction(async (tx) => {
        const [campaign] = await tx
          .select({ status: campaigns.status, spec: campaigns.spec })
          .from(campaigns)
          .where(eq(campaigns.id, input.campaignId))
          .for('update');
        // The row is written in the transaction that starts this workflow: it may not have
        // committed yet (retried); after a while it never will.
        if (!campaign)
          throw Context.current().info.attempt >= 10
            ? ApplicationFailure.nonRetryable(`no campaign ${input.campaignId}`, 'NoCampaign')
            : new Error(`no campaign ${input.campaignId} yet`);
        if (campaign.status === 'cancelled') return { recipients: 0, cancelled: true };
        if (campaign.status === 'scheduled' || campaign.status === 'materialising') {
          const spec = campaign.spec as TManualCampaignSpec;
          const arr = textArray;
          const { officeIds, feederIds, transformerIds, consumerNumbers } = spec.targets;
          await tx.execute(sql`
            insert into ${campaignRecipients}
              (campaign_id, consumer_number, transformer_id, feeder_id, office_id, area, call_list, call_reason)
            select ${input.campaignId}, c.consumer_number, t.id, t.feeder_id, c.section_office_id, t.name,
                   ${spec.callList} and (c.life_support or c.social_category is not null),
                   case when not ${spec.callList} then null when c.life_support then 'life-support' else c.social_category end
            from consumers c
            join transformers t on t.id = c.transformer_id
            join offices o on o.id = c.section_office_id
            where c.active and (
              t.feeder_id = any(${arr(feederIds)}) or t.id = any(${arr(transformerIds)})
              or c.consumer_number = any(${arr(consumerNumbers)})
              or string_to_array(o.path, '/') && ${arr(officeIds)})
            on conflict do nothing`);
          await tx
            .update(campaigns)
            .set({ status: 'running', updatedAt: now() })
            .where(eq(campaigns.id, input.campaignId));
        }
        const [{ n } = { n: 0 }] = await tx.execute<{ n: number }>(
          sql`select count(*)::int as n from ${campaignRecipients} where campaign_id = ${input.campaignId}`,
        );
        return { recipients: n, cancelled: false };
      });
    },

    /** The manual campaign's one message to everyone it reaches, as its spec says. */
    async planManual(input: { campaignId: string }) {
      const [campaign] = await db
        .select({ spec: campaigns.spec })
        .from(campaigns)
        .where(eq(campaigns.id, input.campaignId));
      const spec = campaign!.spec as TManualCampaignSpec;
      return activities.planStage({
        campaignId: input.campaignId,
        outageId: '',
        stage: 'message',
        template: spec.template,
        params: spec.params as Record<string, TNoticeParam>,
        audience: 'all',
        channel: spec.channel === 'preferred' ? undefined : spec.channel,
        urgent: spec.urgent,
      });
    },

    /** The day's disconnection reminders (`db/reminders.ts`), waiting out the quiet hours. */
    async planDisconnectionReminders(input: {
      today: string;
      offsetsDays: number[];
      utcOffsetMinutes: number;
    }): Promise<TPlannedReminders> {
      const t = now();
      return planReminders(db, {
        ...input,
        dueAt: quietUntil(t, deps.notices.quietHours, input.utcOffsetMinutes) ?? t,
      });
    },

    /** The reminder campaigns (one per circle) with anything not yet finished. */
    async openReminderCampaigns(): Promise<string[]> {
      const rows = await db.execute<{ id: string }>(sql`
        select k.id from ${campaigns} k where k.kind = 'reminders'
          and exists (select 1 from ${campaignDeliveries} d where d.campaign_id = k.id
                      and d.status not in (${finalList}))
        order by k.id`);
      return rows.map((r) => r.id);
    },

    /** Cancelled: whatever has not gone yet does not go. */
    async cancelPending(input: { campaignId: string; exceptStage: string }) {
      await db.execute(sql`
        update ${campaignDeliveries} set status = 'cancelled', updated_at = ${now().toISOString()}
        where campaign_id = ${input.campaignId} and stage <> ${input.exceptStage}
          and status in ('due', 'calling', 'claimed')`);
    },

    async finishCampaign(input: { campaignId: string; status: 'done' | 'cancelled' }) {
      // A campaign cancelled meanwhile stays cancelled.
      await db
        .update(campaigns)
        .set({ status: input.status, updatedAt: now() })
        .where(
          and(
            eq(campaigns.id, input.campaignId),
            input.status === 'done' ? sql`${campaigns.status} <> 'cancelled'` : undefined,
          ),
        );
    },
  };
  return activities;
}
