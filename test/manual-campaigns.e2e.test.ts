import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPaidReminders, planReminders, reminderCampaignOf } from '../db/reminders';
import {
  bills,
  campaignDeliveries,
  campaigns,
  consumers,
  devOutbox,
  ledgerPostings,
  transformers,
} from '../db/schema';
import { campaignSettingsOf, reminderStage, type TReminderRunInput } from '../domain/campaign-contract';
import { disconnectionDateOf, postingKey } from '../domain/ledger';
import { paidHistory } from './helpers/paid-bills';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let stack: TestStack;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

// Voice refuses everything here: a reminder's voice call falls back to SMS.
beforeAll(async () => {
  stack = await startTestStack({
    env: {
      CAMPAIGN_BATCH_SIZE: '5',
      QUIET_HOURS: '00:00-00:00',
      SANDBOX_CHANNELS: 'voice=refuse',
    },
  });
  await ownNetwork();
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * A network of this file's own (tests share the database): a twin (`…-mc`) of the Aluva Town
 * feeder and its transformers, fed to copies of its consumers under numbers starting `17`; and
 * copies of a few Kalamassery consumers under `16…` with bills of their own for the reminders.
 */
async function ownNetwork() {
  await stack.db.execute(sql`
    insert into feeders (id, name, substation_id)
      select id || '-mc', name || ' (manual campaign tests)', substation_id from feeders where id = 'fdr-aluva-town'
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into transformers (id, name, feeder_id, section_office_id)
      select id || '-mc', name || ' (manual campaign tests)', feeder_id || '-mc', section_office_id from transformers
      where feeder_id = 'fdr-aluva-town'
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into consumers (consumer_number, name, phone, email, language, preferred_channel, opt_outs, address,
        category, sanctioned_load_kw, life_support, social_category, active, section_office_id, transformer_id)
      select '17' || substr(c.consumer_number, 3), c.name, '+917' || substr(c.consumer_number, 5),
        case when c.email is null then null else 'mc.' || c.email end,
        c.language, c.preferred_channel, c.opt_outs, c.address, c.category, c.sanctioned_load_kw,
        c.life_support, c.social_category, c.active, c.section_office_id, c.transformer_id || '-mc'
      from consumers c join transformers t on t.id = c.transformer_id
      where t.feeder_id = 'fdr-aluva-town'
      on conflict do nothing`);
}

async function fedBy(feederId: string) {
  return (
    await stack.db
      .select({ consumerNumber: consumers.consumerNumber, language: consumers.language })
      .from(consumers)
      .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
      .where(and(eq(transformers.feederId, feederId), eq(consumers.active, true)))
  ).sort((a, b) => a.consumerNumber.localeCompare(b.consumerNumber));
}

/** What the sandbox sent for a campaign, per consumer. */
async function outbox(campaignId: string) {
  const rows = await stack.db
    .select({ key: devOutbox.idempotencyKey, channel: devOutbox.channel, body: devOutbox.body })
    .from(devOutbox)
    .where(like(devOutbox.idempotencyKey, `campaign/${campaignId}.%`));
  const per = new Map<string, typeof rows>();
  for (const r of rows) {
    const consumer = r.key.split('#')[0]!.split('.').at(-1)!;
    per.set(consumer, [...(per.get(consumer) ?? []), r]);
  }
  return per;
}

const statusOf = async (id: string) =>
  (await stack.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id)))[0]
    ?.status;

describe('manual campaigns', () => {
  it('reaches each consumer of a feeder once, in their language, with the text filled in; a retry with the same key is the same campaign', async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'subdiv-aluva',
      subject: 'disp-aluva-mc',
    });
    const fed = await fedBy('fdr-aluva-town-mc');
    expect(fed.length).toBeGreaterThan(5);
    const body = {
      title: 'Pole replacement',
      targets: { feederIds: ['fdr-aluva-town-mc'] },
      template: 'campaign-message',
      text: {
        en: 'Dear {name}, crews replace poles in {area} this week. Consumer {consumerNumber}.',
        ml: 'പ്രിയ {name}, ഈ ആഴ്ച {area} പ്രദേശത്ത് പോസ്റ്റുകൾ മാറ്റുന്നു.',
      },
    };
    const preview = await stack.call('POST', '/v1/campaigns/preview', { token: dispatcher, body });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.recipients).toBe(fed.length);
    const key = `mc-feeder-${Date.now()}`;
    const made = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(made.status, made.text).toBe(201);
    const id = made.json.id as string;
    expect(made.json).toMatchObject({ kind: 'manual', title: 'Pole replacement', officeId: 'subdiv-aluva' });
    const again = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(again.status, again.text).toBe(200);
    expect(again.json.id).toBe(id);

    await waitFor(
      () => statusOf(id),
      (s) => s === 'done',
      60_000,
    );
    const sent = await outbox(id);
    expect([...sent.keys()].sort()).toEqual(fed.map((c) => c.consumerNumber));
    expect([...sent.values()].every((rows) => rows.length === 1)).toBe(true);
    const en = fed.find((c) => c.language === 'en')!;
    const [enMessage] = sent.get(en.consumerNumber)!;
    expect(enMessage!.body).toContain(`Consumer ${en.consumerNumber}.`);
    expect(enMessage!.body).not.toContain('{name}');
    const ml = fed.find((c) => c.language === 'ml');
    if (ml) expect(sent.get(ml.consumerNumber)![0]!.body).toMatch(/[\u0D00-\u0D7F]/);
    const read = await stack.call('GET', `/v1/campaigns/${id}`, { token: dispatcher });
    expect(read.json.figures).toMatchObject({ targeted: fed.length });
    expect(read.json.figures.stages[0]).toMatchObject({ stage: 'message', planned: fed.length, open: 0 });
    // Done: nothing left to cancel.
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`, { token: dispatcher })).status).toBe(409);
  });

  it('a scheduled campaign cancelled before its time sends nothing; an uploaded list is checked number by number', async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'subdiv-aluva',
      subject: 'disp-aluva-mc',
    });
    const fed = await fedBy('fdr-aluva-town-mc');
    const numbers = fed.slice(0, 3).map((c) => c.consumerNumber);
    const bad = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body: {
        title: 'List',
        targets: { consumerNumbers: [...numbers, '1799999999999'] },
        template: 'campaign-safety-advisory',
      },
    });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.json.errors).toEqual([
      { field: 'targets.consumerNumbers.3', message: expect.stringContaining('no consumer') },
    ]);

    const made = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body: {
        title: 'Safety advisory',
        targets: { consumerNumbers: numbers },
        template: 'campaign-safety-advisory',
        channel: 'sms',
        scheduledAt: inHours(1),
      },
    });
    expect(made.status, made.text).toBe(201);
    const id = made.json.id as string;
    expect(made.json.status).toBe('scheduled');
    const cancelled = await stack.call('POST', `/v1/campaigns/${id}/cancel`, { token: dispatcher });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    // The workflow wakes, materialises nobody and ends.
    expect(
      await waitFor(
        async () => (await stack.client.workflow.getHandle(`campaign/${id}`).describe()).status.name,
        (s) => s === 'COMPLETED',
      ),
    ).toBe('COMPLETED');
    expect((await outbox(id)).size).toBe(0);
    expect(
      await stack.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id)),
    ).toEqual([]);
    // A retry of the cancel is fine (the run has ended); a campaign of another office is not this dispatcher's.
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`, { token: dispatcher })).status).toBe(200);

    // A cancel whose signal did not get through (the row says cancelled, the run waits on): its
    // retry still stops the run.
    const lost = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body: {
        title: 'Safety advisory, cancel lost',
        targets: { consumerNumbers: numbers },
        template: 'campaign-safety-advisory',
        channel: 'sms',
        scheduledAt: inHours(1),
      },
    });
    expect(lost.status, lost.text).toBe(201);
    const lostId = lost.json.id as string;
    await stack.db.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, lostId));
    const handle = stack.client.workflow.getHandle(`campaign/${lostId}`);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await stack.call('POST', `/v1/campaigns/${lostId}/cancel`, { token: dispatcher })).status).toBe(200);
    expect(
      await waitFor(
        async () => (await handle.describe()).status.name,
        (s) => s === 'COMPLETED',
      ),
    ).toBe('COMPLETED');
    expect((await outbox(lostId)).size).toBe(0);
    const other = await stack.token({ role: 'dispatcher', office: 'subdiv-pattom' });
    expect((await stack.call('POST', `/v1/campaigns/${id}/cancel`, { token: other })).status).toBe(403);
  });

  it("with the call list: life-support and social consumers are called first, through the campaign workflow's Updates", async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'subdiv-aluva',
      subject: 'disp-aluva-mc',
    });
    const rows = await stack.db
      .select({
        consumerNumber: consumers.consumerNumber,
        lifeSupport: consumers.lifeSupport,
        social: consumers.socialCategory,
        officeId: consumers.sectionOfficeId,
      })
      .from(consumers)
      .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
      .where(eq(transformers.feederId, 'fdr-aluva-town-mc'));
    const special = rows.find((r) => r.lifeSupport || r.social)!;
    const plain = rows.find((r) => !r.lifeSupport && !r.social)!;
    expect(special).toBeDefined();
    const made = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body: {
        title: 'Shutdown for tree cutting',
        targets: { consumerNumbers: [special.consumerNumber, plain.consumerNumber] },
        template: 'campaign-message',
        text: { en: 'Supply to {area} is off on Sunday 9-13 for tree cutting.' },
        callList: true,
        urgent: true,
      },
    });
    expect(made.status, made.text).toBe(201);
    const id = made.json.id as string;
    const operator = await stack.token({ role: 'agent', office: special.officeId, subject: 'op-mc' });
    const list = await waitFor(
      () => stack.call('GET', `/v1/call-lists?campaignId=${id}`, { token: operator }),
      (r) => r.status === 200 && r.json.items.length === 1,
      60_000,
    );
    const [entry] = list.json.items as { id: string; consumerNumber: string }[];
    expect(entry!.consumerNumber).toBe(special.consumerNumber);
    expect((await stack.call('POST', `/v1/call-lists/${entry!.id}/claim`, { token: operator })).status).toBe(
      200,
    );
    const done = await stack.call('POST', `/v1/call-lists/${entry!.id}/outcome`, {
      token: operator,
      body: { outcome: 'reached', note: 'told the caretaker' },
    });
    expect(done.status, done.text).toBe(200);
    await waitFor(
      () => statusOf(id),
      (s) => s === 'done',
      60_000,
    );
    const sent = await outbox(id);
    expect([...sent.keys()]).toEqual([plain.consumerNumber]);
  }, 150_000);

  it('refuses the wrong role, bad input naming the field, targets outside the office, and an empty campaign', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'subdiv-aluva' });
    const ok = {
      title: 'x',
      targets: { feederIds: ['fdr-aluva-town-mc'] },
      template: 'campaign-safety-advisory',
    };
    const agent = await stack.token({ role: 'agent', office: 'subdiv-aluva' });
    expect((await stack.call('POST', '/v1/campaigns', { token: agent, body: ok })).status).toBe(403);

    const cases: [unknown, string][] = [
      [{ ...ok, title: '' }, 'title'],
      [{ ...ok, template: 'nope' }, 'template'],
      [{ ...ok, channel: 'pigeon' }, 'channel'],
      [{ ...ok, scheduledAt: 'tomorrow' }, 'scheduledAt'],
      [{ ...ok, scheduledAt: new Date(Date.now() - 60_000).toISOString() }, 'scheduledAt'],
      [{ ...ok, targets: {} }, 'targets'],
      [{ ...ok, targets: { feederIds: ['fdr-nowhere'] } }, 'targets.feederIds.0'],
      [{ ...ok, targets: { feederIds: ['fdr-pattom'] } }, 'targets.feederIds.0'],
      [{ ...ok, template: 'campaign-message', text: { ml: 'മാത്രം' } }, 'text.en'],
      [{ ...ok, template: 'campaign-message', text: { en: 'hello', hi: '  ' } }, 'text.hi'],
    ];
    for (const [body, field] of cases) {
      const res = await stack.call('POST', '/v1/campaigns', { token: dispatcher, body });
      expect(res.status, `${field}: ${res.text}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(
        (res.json.errors as { field: string }[]).map((e) => e.field),
        `${field}: ${res.text}`,
      ).toContain(field);
    }
    // A transformer with nobody on it: the campaign reaches nobody.
    await stack.db.execute(sql`insert into transformers (id, name, feeder_id, section_office_id)
      values ('dtr-empty-mc', 'empty (tests)', 'fdr-aluva-town-mc', 'sec-aluva-town') on conflict do nothing`);
    const empty = await stack.call('POST', '/v1/campaigns', {
      token: dispatcher,
      body: { ...ok, targets: { transformerIds: ['dtr-empty-mc'] } },
    });
    expect(empty.status, empty.text).toBe(400);
    expect(empty.json.errors).toEqual([{ field: 'targets', message: 'no active consumer' }]);
    // An outage's campaign is not cancelled here.
    expect((await stack.call('POST', '/v1/campaigns/OUT-none/cancel', { token: dispatcher })).status).toBe(
      404,
    );
  });
});

describe('disconnection reminders', () => {
  // Consumers of their own, copies of Kalamassery's first five, with bills made for a fixed "today".
  const today = '2027-03-10';
  const offsetsDays = [7, 3, 1];
  const run = async (day: string) => {
    const input: TReminderRunInput = {
      today: day,
      offsetsDays,
      utcOffsetMinutes: stack.config.profile.utcOffsetMinutes,
      settings: campaignSettingsOf(stack.config.campaigns),
    };
    return stack.client.workflow.execute('disconnectionRemindersWorkflow', {
      workflowId: `test-reminders-${day}-${Date.now()}`,
      taskQueue: stack.config.temporal.taskQueue,
      args: [input],
    });
  };
  const people: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'g', { number: string; cut: string; paid?: boolean }> = {
    a: { number: '', cut: '2027-03-17' }, // 7 days: the 7d reminder
    b: { number: '', cut: '2027-03-13' }, // 3 days: the 3d one
    c: { number: '', cut: '2027-03-17', paid: true }, // paid: none
    d: { number: '', cut: '2027-03-25' }, // 15 days: not yet
    e: { number: '', cut: '2027-03-15' }, // 5 days: the 7d one, caught up
    g: { number: '', cut: '2027-03-17' },
  };

  beforeAll(async () => {
    const source = await stack.db
      .select({ consumerNumber: consumers.consumerNumber })
      .from(consumers)
      .where(and(eq(consumers.sectionOfficeId, 'sec-kalamassery'), like(consumers.consumerNumber, '15602%')))
      .orderBy(consumers.consumerNumber)
      .limit(6);
    expect(source.length).toBe(6);
    const keys = Object.keys(people) as (keyof typeof people)[];
    for (const [i, k] of keys.entries()) people[k].number = `16${source[i]!.consumerNumber.slice(2)}`;
    await stack.db.execute(sql`
      insert into consumers (consumer_number, name, phone, email, language, preferred_channel, opt_outs, address,
          category, sanctioned_load_kw, life_support, social_category, active, section_office_id, transformer_id)
        select '16' || substr(c.consumer_number, 3), c.name, '+916' || substr(c.consumer_number, 5), null,
          c.language, 'sms', c.opt_outs, c.address, c.category, c.sanctioned_load_kw, false, null, true,
          c.section_office_id, c.transformer_id
        from consumers c where c.consumer_number in (${sql.join(
          source.map((s) => sql`${s.consumerNumber}`),
          sql`, `,
        )})
        on conflict do nothing`);
    for (const k of keys) {
      const p = people[k];
      const due = `${p.cut.slice(0, 8)}01`;
      const bill = {
        id: `bill-${p.number}-2027-02`,
        consumerNumber: p.number,
        period: '2027-02',
        unitsKwh: '120',
        amount: '812.50',
        dueDate: due,
        disconnectionDate: p.cut,
        paid: false,
      };
      await stack.db.insert(bills).values(bill).onConflictDoNothing();
      await stack.db
        .insert(ledgerPostings)
        .values({
          consumerNumber: p.number,
          kind: 'bill',
          amount: bill.amount,
          billId: bill.id,
          sourceRef: 'bill',
          idempotencyKey: postingKey.bill(bill.id),
        })
        .onConflictDoNothing();
      if (p.paid) await pay(p.number, bill.id);
      await paidHistory(stack, p.number);
    }
  });
  const pay = (number: string, billId: string) =>
    stack.db
      .insert(ledgerPostings)
      .values({
        consumerNumber: number,
        kind: 'payment',
        amount: '-812.50',
        billId,
        sourceRef: 'test',
        idempotencyKey: `test-pay/${billId}`,
      })
      .onConflictDoNothing();

  const deliveriesOf = async (numbers: string[]) =>
    stack.db
      .select({
        id: campaignDeliveries.id,
        stage: campaignDeliveries.stage,
        consumer: campaignDeliveries.consumerNumber,
        status: campaignDeliveries.status,
        detail: campaignDeliveries.detail,
      })
      .from(campaignDeliveries)
      .where(
        and(like(campaignDeliveries.campaignId, 'DR-%'), inArray(campaignDeliveries.consumerNumber, numbers)),
      );

  it('a daily run sends the offsets due, once, by voice with SMS after it; a paid bill gets none; a second run sends nothing twice; a payment cancels what has not gone', async () => {
    const all = Object.values(people).map((p) => p.number);
    const campaignId = reminderCampaignOf('circle-ekm');
    expect(disconnectionDateOf('2027-03-01')).toBe('2027-03-16');

    const first = await run(today);
    expect(first.today).toBe(today);
    const day1 = await deliveriesOf(all);
    expect(day1.map((d) => [d.consumer, d.stage]).sort()).toEqual(
      [
        [people.a.number, reminderStage('2027-03-17', 7)],
        [people.b.number, reminderStage('2027-03-13', 3)],
        [people.e.number, reminderStage('2027-03-15', 7)],
        [people.g.number, reminderStage('2027-03-17', 7)],
      ].sort(),
    );
    expect(day1.every((d) => d.id.startsWith(`${campaignId}.`))).toBe(true);
    expect(day1.every((d) => d.status === 'delivered')).toBe(true);
    // Voice first (refused here), then SMS; the amount and the number in the words.
    const sent = await outbox(campaignId);
    const a = sent.get(people.a.number)!;
    expect(a.map((r) => r.channel)).toEqual(['sms']);
    expect(a[0]!.body).toContain('812.50');
    expect(a[0]!.body).toContain(people.a.number);
    const attempts = await stack.db.execute<{ channel: string; status: string }>(sql`
      select channel, status from notification_attempts
      where key = ${`campaign/${campaignId}.${reminderStage('2027-03-17', 7)}.${people.a.number}`} order by attempt`);
    expect(attempts.map((r) => [r.channel, r.status])).toEqual([
      ['voice', 'failed'],
      ['sms', 'delivered'],
    ]);

    // The same day again: nothing new, nothing twice.
    await run(today);
    expect((await deliveriesOf(all)).length).toBe(4);
    expect(
      [...(await outbox(campaignId)).entries()].filter(([n]) => all.includes(n)).map(([, r]) => r.length),
    ).toEqual([1, 1, 1, 1]);

    // Four days on: A and G are 3 days from their date, E 1 day; B's date has passed.
    await run('2027-03-14');
    const day2 = (await deliveriesOf(all)).filter((d) => !day1.some((x) => x.id === d.id));
    expect(day2.map((d) => [d.consumer, d.stage]).sort()).toEqual(
      [
        [people.a.number, reminderStage('2027-03-17', 3)],
        [people.e.number, reminderStage('2027-03-15', 1)],
        [people.g.number, reminderStage('2027-03-17', 3)],
      ].sort(),
    );

    // The day before: planned, then A and G pay before it goes. A's payment path cancels it at
    // once (the hook bulk payments call); G's is caught when it would be sent.
    await planReminders(stack.db, {
      today: '2027-03-16',
      offsetsDays,
      dueAt: new Date(Date.now() + 60_000),
      utcOffsetMinutes: stack.config.profile.utcOffsetMinutes,
    });
    await pay(people.a.number, `bill-${people.a.number}-2027-02`);
    await pay(people.g.number, `bill-${people.g.number}-2027-02`);
    expect(await cancelPaidReminders(stack.db, [people.a.number])).toBe(1);
    await stack.db
      .update(campaignDeliveries)
      .set({ dueAt: new Date() })
      .where(like(campaignDeliveries.id, `%.${reminderStage('2027-03-17', 1)}.${people.g.number}`));
    await run('2027-03-16');
    const last = (await deliveriesOf(all)).filter((d) => d.stage === reminderStage('2027-03-17', 1));
    expect(last.map((d) => [d.consumer, d.status, d.detail]).sort()).toEqual(
      [
        [people.a.number, 'cancelled', 'paid'],
        [people.g.number, 'cancelled', 'paid'],
      ].sort(),
    );
    const finalOutbox = await outbox(campaignId);
    expect(finalOutbox.get(people.a.number)!.length).toBe(2);
    expect(finalOutbox.get(people.g.number)!.length).toBe(2);
    expect(finalOutbox.has(people.c.number)).toBe(false);
    expect(finalOutbox.has(people.d.number)).toBe(false);
    // The figures: each stage's cancelled count.
    const admin = await stack.token({ role: 'admin', office: 'circle-ekm' });
    const read = await stack.call('GET', `/v1/campaigns/${campaignId}`, { token: admin });
    expect(read.status, read.text).toBe(200);
    expect(read.json.kind).toBe('reminders');
    expect(
      read.json.figures.stages.find((s: { stage: string }) => s.stage === reminderStage('2027-03-17', 1)),
    ).toMatchObject({ cancelled: 2 });
  });
});
