import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignDeliveries,
  campaigns,
  consumers,
  devOutbox,
  notificationAttempts,
  staffInbox,
  transformers,
} from '../db/schema';
import { saveHistories } from './helpers/histories';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let stack: TestStack;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

// Delays as data: the call list's clock runs in seconds, batches are small and one dispatcher
// works them, so a campaign takes many rounds (a worker stopped after the first messages stops
// it half-way: batches go in one bulk request now, four dispatchers of 7 sent most of 54 in one
// round), WhatsApp refuses everything (the chain falls back to the next channel).
beforeAll(async () => {
  stack = await startTestStack({
    env: {
      CAMPAIGN_BATCH_SIZE: '3',
      CAMPAIGN_DISPATCHERS: '1',
      CAMPAIGN_CALL_WORK_WITHIN_MS: '2500',
      CAMPAIGN_CALL_RETRY_MS: '300',
      CAMPAIGN_CALL_TRIES: '2',
      CAMPAIGN_LEASE_MS: '3000',
      QUIET_HOURS: '00:00-00:00',
      SANDBOX_CHANNELS: 'whatsapp=refuse',
      PLANNED_OUTAGE_NOTICE_OFFSETS: '8s,4s',
    },
  });
  await ownNetwork();
});

/**
 * This file cuts whole feeders: it runs on a network of its own (tests share the database, and
 * an outage on a demo feeder would answer other files' consumers with its ETR). Each demo feeder
 * and transformer it uses gets a twin (`…-camp`) in the same substation and office, fed to copies
 * of that feeder's consumers with their languages, channels and call-list marks, under numbers and
 * phones of their own.
 */
async function ownNetwork() {
  await stack.db.execute(sql`
    insert into feeders (id, name, substation_id)
      select id || '-camp', name || ' (campaign tests)', substation_id from feeders
      where id in ('fdr-balaramapuram', 'fdr-vizhinjam')
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into transformers (id, name, feeder_id, section_office_id)
      select id || '-camp', name || ' (campaign tests)', feeder_id || '-camp', section_office_id from transformers
      where feeder_id in ('fdr-balaramapuram', 'fdr-vizhinjam')
      on conflict do nothing`);
  await stack.db.execute(sql`
    insert into consumers (consumer_number, name, phone, email, language, preferred_channel, opt_outs, address,
        category, sanctioned_load_kw, life_support, social_category, active, section_office_id, transformer_id)
      select '19' || substr(c.consumer_number, 3), c.name, '+918' || substr(c.consumer_number, 5),
        case when c.email is null then null else 'camp.' || c.email end,
        c.language, c.preferred_channel, c.opt_outs, c.address, c.category, c.sanctioned_load_kw,
        c.life_support, c.social_category, c.active, c.section_office_id, c.transformer_id || '-camp'
      from consumers c join transformers t on t.id = c.transformer_id
      where t.feeder_id in ('fdr-balaramapuram', 'fdr-vizhinjam')
      on conflict do nothing`);
}
afterAll(async () => {
  if (stack) await saveHistories(stack, 'outageCampaignWorkflow', 'test/.histories-latest-campaign');
  await stack?.stop();
});

/** The consumers a feeder feeds, and which of them are on the call list. */
async function fedBy(feederId: string) {
  const rows = await stack.db
    .select({
      consumerNumber: consumers.consumerNumber,
      lifeSupport: consumers.lifeSupport,
      social: consumers.socialCategory,
      preferred: consumers.preferredChannel,
      language: consumers.language,
    })
    .from(consumers)
    .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
    .where(eq(transformers.feederId, feederId));
  const callList = rows.filter((r) => r.lifeSupport || r.social).map((r) => r.consumerNumber);
  return { all: rows, callList, auto: rows.filter((r) => !callList.includes(r.consumerNumber)) };
}

/** What the sandbox "sent" for a campaign's stage, per consumer. */
async function outbox(campaignId: string, stage: string) {
  const rows = await stack.db
    .select({ key: devOutbox.idempotencyKey, channel: devOutbox.channel, body: devOutbox.body })
    .from(devOutbox)
    .where(like(devOutbox.idempotencyKey, `campaign/${campaignId}.${stage}.%`));
  const per = new Map<string, typeof rows>();
  for (const r of rows) {
    // Staff alerts about an entry (…/overdue/…) are not messages to the consumer.
    if (r.key.includes('/overdue/')) continue;
    const consumer = r.key.split('#')[0]!.split('.').at(-1)!;
    per.set(consumer, [...(per.get(consumer) ?? []), r]);
  }
  return per;
}

const stageOpen = async (campaignId: string, stage: string) =>
  (
    await stack.db
      .select({ status: campaignDeliveries.status, route: campaignDeliveries.route })
      .from(campaignDeliveries)
      .where(and(eq(campaignDeliveries.campaignId, campaignId), eq(campaignDeliveries.stage, stage)))
  ).filter(
    (r) =>
      r.route === 'auto' &&
      !['delivered', 'undelivered', 'told-by-complaint', 'cancelled'].includes(r.status),
  ).length;

describe('outage campaigns', () => {
  it('tells every affected consumer of an emergency once, in their language; life-support and social consumers only through the call list; ETR change and restoration reach everyone told, once', async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'subdiv-balaramapuram',
      subject: 'disp-bal',
    });
    const operator = await stack.token({ role: 'agent', office: 'sec-vizhinjam', subject: 'op-vizhinjam' });
    const feeder = await fedBy('fdr-vizhinjam-camp');
    expect(feeder.callList.length).toBeGreaterThanOrEqual(3);

    const registered = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        feederIds: ['fdr-vizhinjam-camp'],
        reason: 'feeder tripped',
        etr: inHours(2),
      },
    });
    expect(registered.status, registered.text).toBe(201);
    const id = registered.json.id as string;

    await waitFor(
      () => stageOpen(id, 'notice'),
      (n) => n === 0,
    );
    await waitFor(
      () => outbox(id, 'notice'),
      (m) => m.size >= feeder.auto.length,
    );
    const first = await outbox(id, 'notice');
    expect([...first.keys()].sort()).toEqual(feeder.auto.map((c) => c.consumerNumber).sort());
    expect([...first.values()].every((rows) => rows.length === 1)).toBe(true);
    // In the reader's language: a Malayalam reader's notice is in Malayalam script.
    const ml = feeder.auto.find((c) => c.language === 'ml')!;
    expect(first.get(ml.consumerNumber)![0]!.body).toMatch(/[\u0D00-\u0D7F]/);
    // WhatsApp refused: those who prefer it got the next channel, and the refusal is recorded.
    const wa = feeder.auto.find((c) => c.preferred === 'whatsapp')!;
    expect(first.get(wa.consumerNumber)![0]!.channel).not.toBe('whatsapp');
    const waAttempts = await stack.db
      .select()
      .from(notificationAttempts)
      .where(eq(notificationAttempts.key, `campaign/${id}.notice.${wa.consumerNumber}`));
    expect(waAttempts.map((a) => [a.attempt, a.channel, a.status]).sort()).toEqual([
      [1, 'whatsapp', 'failed'],
      [2, expect.any(String), 'delivered'],
    ]);

    // The call list: the operator of the section sees the life-support and social consumers.
    const list = await stack.call('GET', `/v1/call-lists?campaignId=${id}`, { token: operator });
    expect(list.status, list.text).toBe(200);
    expect(list.json.items.map((e: any) => e.consumerNumber).sort()).toEqual([...feeder.callList].sort());
    const foreign = await stack.call('GET', `/v1/call-lists?officeId=sec-vizhinjam`, {
      token: await stack.token({ role: 'agent', office: 'sec-kaloor' }),
    });
    expect(foreign.status).toBe(403);
    const [reached, notReached, wrong] = list.json.items as { id: string; consumerNumber: string }[];

    // Record before claiming: refused by the campaign's validator/handler; another operator cannot take a claimed entry.
    const early = await stack.call('POST', `/v1/call-lists/${reached!.id}/outcome`, {
      token: operator,
      body: { outcome: 'reached' },
    });
    expect(early.status, early.text).toBe(409);
    const claimed = await stack.call('POST', `/v1/call-lists/${reached!.id}/claim`, { token: operator });
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.json).toMatchObject({ status: 'claimed', claimedBy: 'op-vizhinjam' });
    const other = await stack.token({ role: 'agent', office: 'sec-vizhinjam', subject: 'op-2' });
    expect((await stack.call('POST', `/v1/call-lists/${reached!.id}/claim`, { token: other })).status).toBe(
      409,
    );
    const badOutcome = await stack.call('POST', `/v1/call-lists/${reached!.id}/outcome`, {
      token: operator,
      body: { outcome: 'maybe' },
    });
    expect(badOutcome.status).toBe(400);
    const done = await stack.call('POST', `/v1/call-lists/${reached!.id}/outcome`, {
      token: operator,
      body: { outcome: 'reached', note: 'spoke to the daughter; backup running' },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json).toMatchObject({
      status: 'reached',
      calls: 1,
      callNote: 'spoke to the daughter; backup running',
    });

    // Not reached twice (the configured tries): back to the list after the delay, then the automated channels.
    for (let call = 1; call <= 2; call++) {
      const c = await waitFor(
        () => stack.call('POST', `/v1/call-lists/${notReached!.id}/claim`, { token: operator }),
        (r) => r.status === 200,
        5_000,
      );
      expect(c.status, c.text).toBe(200);
      const r = await stack.call('POST', `/v1/call-lists/${notReached!.id}/outcome`, {
        token: operator,
        body: { outcome: 'not-reached' },
      });
      expect(r.status, r.text).toBe(200);
    }
    // A wrong number: e-mail or a letter, never the phone.
    await stack.call('POST', `/v1/call-lists/${wrong!.id}/claim`, { token: operator });
    expect(
      (
        await stack.call('POST', `/v1/call-lists/${wrong!.id}/outcome`, {
          token: operator,
          body: { outcome: 'wrong-number' },
        })
      ).status,
    ).toBe(200);
    const fallen = await waitFor(
      () => outbox(id, 'notice'),
      (m) => m.has(notReached!.consumerNumber) && m.has(wrong!.consumerNumber),
    );
    expect(fallen.get(notReached!.consumerNumber)).toHaveLength(1);
    // The outbox row is the provider's; the delivery row is saved a moment after the send.
    const [wrongRow] = await waitFor(
      () =>
        stack.db
          .select({ channel: campaignDeliveries.channel, status: campaignDeliveries.status })
          .from(campaignDeliveries)
          .where(eq(campaignDeliveries.id, wrong!.id)),
      (rows) => rows[0]?.status === 'delivered',
    );
    expect(['email', 'post']).toContain(wrongRow!.channel);
    expect(fallen.has(reached!.consumerNumber)).toBe(false);

    // A consumer who complains now is told by their complaint from here on, not twice.
    const complainer = feeder.auto[0]!.consumerNumber;
    const complaint = await stack.call('POST', '/v1/complaints', {
      token: await stack.token({ role: 'agent', office: 'circle-tvm' }),
      body: { type: 'no-power', consumerNumber: complainer, channel: 'agent' },
    });
    expect(complaint.json.status, complaint.text).toBe('awaiting-restoration');

    // The ETR changes: everyone told hears it once; the complainer through the complaint.
    const etr = inHours(3);
    expect(
      (await stack.call('PATCH', `/v1/outages/${id}`, { token: dispatcher, body: { etr } })).status,
    ).toBe(200);
    const toldAuto = feeder.auto.map((c) => c.consumerNumber).filter((c) => c !== complainer);
    await waitFor(
      () => outbox(id, 'etr-1'),
      (m) => m.size >= toldAuto.length,
    );
    const etrSent = await outbox(id, 'etr-1');
    expect([...etrSent.keys()].sort()).toEqual(toldAuto.sort());
    expect([...etrSent.values()].every((rows) => rows.length === 1)).toBe(true);
    const complainerEtr = await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(like(devOutbox.idempotencyKey, `${complaint.json.requestNumber}/%`)),
      // the complaint's own ETR notice (in the consumer's language: Malayalam here)
      (rows) => rows.some((r) => r.idempotencyKey.startsWith(`${complaint.json.requestNumber}/etr/`)),
    );
    expect(complainerEtr.filter((r) => r.idempotencyKey.includes('/etr/'))).toHaveLength(1);
    // The same ETR again tells nobody again.
    expect(
      (await stack.call('PATCH', `/v1/outages/${id}`, { token: dispatcher, body: { etr } })).status,
    ).toBe(200);

    // Call-list consumers get the update through the call list again.
    const again = await waitFor(
      () => stack.call('GET', `/v1/call-lists?campaignId=${id}`, { token: operator }),
      (r) => r.json.items.some((e: any) => e.stage === 'etr-1'),
    );
    expect(
      again.json.items
        .filter((e: any) => e.stage === 'etr-1')
        .map((e: any) => e.consumerNumber)
        .sort(),
    ).toEqual([...feeder.callList].sort());

    // Restored: everyone told hears it, once (a second restore is the same stage).
    expect((await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher })).status).toBe(200);
    expect((await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher })).status).toBe(200);
    await waitFor(
      () => outbox(id, 'restored'),
      (m) => m.size >= toldAuto.length,
    );
    const restored = await outbox(id, 'restored');
    expect([...restored.keys()].sort()).toEqual(toldAuto.sort());
    expect([...restored.values()].every((rows) => rows.length === 1)).toBe(true);

    // Work the rest of the call list; the campaign then ends.
    for (;;) {
      const open = await stack.call('GET', `/v1/call-lists?campaignId=${id}`, { token: operator });
      const next = open.json.items.find(
        (e: any) => e.status === 'calling' && Date.parse(e.dueAt) <= Date.now(),
      );
      if (!next) {
        if (open.json.items.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      await stack.call('POST', `/v1/call-lists/${next.id}/claim`, { token: operator });
      await stack.call('POST', `/v1/call-lists/${next.id}/outcome`, {
        token: operator,
        body: { outcome: 'reached' },
      });
    }
    const campaign = await waitFor(
      () => stack.call('GET', `/v1/campaigns/${id}`, { token: dispatcher }),
      (r) => r.json.status === 'done',
    );
    expect(campaign.json.status).toBe('done');
    const f = campaign.json.figures;
    expect(f.targeted).toBe(feeder.all.length);
    expect(f.callList).toBe(feeder.callList.length);
    expect(f.complaintsLinked).toBe(1);
    expect(f.stages.map((s: any) => s.stage)).toEqual(['notice', 'etr-1', 'restored']);
    expect(f.stages[1].toldByComplaint).toBe(1);
    expect(f.calls.reached).toBeGreaterThanOrEqual(1);
    expect(f.calls.fellBack).toBe(2);
    const sms = f.channels.find((c: any) => c.channel === 'whatsapp');
    expect(sms.failed).toBe(sms.sent);
    expect(f.channels.reduce((n: number, c: any) => n + c.delivered, 0)).toBe(
      f.stages.reduce((n: number, s: any) => n + s.delivered, 0) - f.calls.reached,
    );

    // Office scope: a section elsewhere does not see it; the list shows it to the section it reaches.
    expect(
      (
        await stack.call('GET', `/v1/campaigns/${id}`, {
          token: await stack.token({ role: 'supervisor', office: 'sec-kaloor' }),
        })
      ).status,
    ).toBe(403);
    const mine = await stack.call('GET', '/v1/campaigns', {
      token: await stack.token({ role: 'supervisor', office: 'sec-vizhinjam' }),
    });
    expect(mine.json.items.map((c: any) => c.id)).toContain(id);
  }, 120_000);

  it('escalates a call-list entry nobody worked in time to the supervisor of the section', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-vyttila', subject: 'disp-vyt' });
    const registered = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: ['dtr-vyttila-2'], reason: 'DTR fuse', etr: inHours(2) },
    });
    expect(registered.status, registered.text).toBe(201);
    const id = registered.json.id as string;
    const entries = await waitFor(
      () =>
        stack.db
          .select()
          .from(campaignDeliveries)
          .where(and(eq(campaignDeliveries.campaignId, id), eq(campaignDeliveries.route, 'call'))),
      (rows) => rows.length > 0,
    );
    expect(entries.length).toBeGreaterThan(0);
    const alerts = await waitFor(
      () =>
        stack.db
          .select()
          .from(staffInbox)
          .where(
            and(eq(staffInbox.template, 'call-list-overdue'), like(staffInbox.noticeKey, `campaign/${id}.%`)),
          ),
      (rows) => new Set(rows.map((r) => r.noticeKey.split('/overdue')[0])).size === entries.length,
    );
    expect(new Set(alerts.map((r) => r.noticeKey.split('/overdue')[0])).size).toBe(entries.length);
    expect(alerts.every((a) => a.subject === 'sup-vyttila')).toBe(true);
    const campaign = await stack.call('GET', `/v1/campaigns/${id}`, { token: dispatcher });
    expect(campaign.json.figures.calls).toMatchObject({ escalated: entries.length, reached: 0 });
    await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher });
  });

  it("sends a planned outage's advance notices at their offsets, and re-plans them when it is rescheduled; a cancellation reaches everyone told", async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'sec-balaramapuram',
      subject: 'disp-balr',
    });
    const auto = (
      await stack.db
        .select({
          consumerNumber: consumers.consumerNumber,
          lifeSupport: consumers.lifeSupport,
          social: consumers.socialCategory,
        })
        .from(consumers)
        .where(eq(consumers.transformerId, 'dtr-balaramapuram-1-camp'))
    )
      .filter((c) => !c.lifeSupport && !c.social)
      .map((c) => c.consumerNumber)
      .sort();
    const at = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    // Offsets 8s and 4s (PLANNED_OUTAGE_NOTICE_OFFSETS): the first at +2s, the second at +6s.
    const registered = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'planned',
        transformerIds: ['dtr-balaramapuram-1-camp'],
        reason: 'line maintenance',
        startsAt: at(10),
        endsAt: at(3600),
      },
    });
    expect(registered.status, registered.text).toBe(201);
    const id = registered.json.id as string;
    expect((await outbox(id, 'advance-0-0')).size).toBe(0); // not yet: its time has not come
    const firstNotice = await waitFor(
      () => outbox(id, 'advance-0-0'),
      (m) => m.size >= auto.length,
    );
    expect([...firstNotice.keys()].sort()).toEqual(auto);
    const second = await waitFor(
      () => outbox(id, 'advance-0-1'),
      (m) => m.size >= auto.length,
    );
    expect([...second.keys()].sort()).toEqual(auto);

    // Moved before it begins: the new times to everyone told, and the advance notices again from the new start.
    const bad = await stack.call('POST', `/v1/outages/${id}/reschedule`, {
      token: dispatcher,
      body: { startsAt: at(-60), endsAt: at(600) },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('startsAt');
    const moved = await stack.call('POST', `/v1/outages/${id}/reschedule`, {
      token: dispatcher,
      body: { startsAt: at(11), endsAt: at(7200) },
    });
    expect(moved.status, moved.text).toBe(200);
    const told = await waitFor(
      () => outbox(id, 'rescheduled-1'),
      (m) => m.size >= auto.length,
    );
    expect([...told.keys()].sort()).toEqual(auto);
    const again = await waitFor(
      () => outbox(id, 'advance-1-1'),
      (m) => m.size >= auto.length,
    );
    expect([...again.keys()].sort()).toEqual(auto);
    expect((await outbox(id, 'advance-1-0')).size).toBe(auto.length);

    // Cancelled: everyone told hears it once; the campaign ends.
    expect((await stack.call('POST', `/v1/outages/${id}/cancel`, { token: dispatcher })).status).toBe(200);
    expect((await stack.call('POST', `/v1/outages/${id}/cancel`, { token: dispatcher })).status).toBe(200);
    const off = await waitFor(
      () => outbox(id, 'cancelled'),
      (m) => m.size >= auto.length,
    );
    expect([...off.keys()].sort()).toEqual(auto);
    expect([...off.values()].every((rows) => rows.length === 1)).toBe(true);
    expect(
      (
        await stack.call('POST', `/v1/outages/${id}/reschedule`, {
          token: dispatcher,
          body: { startsAt: at(60), endsAt: at(600) },
        })
      ).status,
    ).toBe(409);
  });

  it('refuses bad input with problem+json and starts no campaign', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-kalamassery' });
    const before = (await stack.db.select().from(campaigns)).length;
    const cases = [
      {
        body: { kind: 'emergency', feederIds: ['fdr-nowhere'], reason: 'x tripped', etr: inHours(1) },
        status: 400,
        field: 'feederIds.0',
      },
      {
        body: { kind: 'emergency', transformerIds: ['dtr-kaloor-1'], reason: 'x tripped', etr: inHours(1) },
        status: 403,
      },
      {
        body: {
          kind: 'emergency',
          transformerIds: ['dtr-kalamassery-1'],
          reason: 'x tripped',
          etr: inHours(-1),
        },
        status: 400,
        field: 'etr',
      },
    ];
    for (const c of cases) {
      const res = await stack.call('POST', '/v1/outages', { token: dispatcher, body: c.body });
      expect(res.status, res.text).toBe(c.status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (c.field) expect(res.json.errors[0].field).toBe(c.field);
    }
    expect((await stack.db.select().from(campaigns)).length).toBe(before);
    const unknown = await stack.call('GET', '/v1/campaigns/OUT-nope', { token: dispatcher });
    expect(unknown.status).toBe(404);
    const notAnEntry = await stack.call('POST', '/v1/call-lists/OUT-nope.notice.1/claim', {
      token: dispatcher,
    });
    expect(notAnEntry.status).toBe(404);
  });

  it('loses nobody and tells nobody twice when the worker restarts mid-campaign', async () => {
    const dispatcher = await stack.token({
      role: 'dispatcher',
      office: 'subdiv-balaramapuram',
      subject: 'disp-bal-2',
    });
    const feederA = await fedBy('fdr-balaramapuram-camp');
    const feederB = await fedBy('fdr-vizhinjam-camp');
    const auto = [...feederA.auto, ...feederB.auto].map((c) => c.consumerNumber).sort();
    const registered = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        feederIds: ['fdr-balaramapuram-camp', 'fdr-vizhinjam-camp'],
        reason: 'substation fault',
        etr: inHours(4),
      },
    });
    expect(registered.status, registered.text).toBe(201);
    const id = registered.json.id as string;
    // Stop the worker as soon as the first messages have gone (the batches in flight finish), then start another.
    await waitFor(
      () => outbox(id, 'notice'),
      (m) => m.size >= 1,
      20_000,
    );
    await stack.stopWorker();
    const during = (await outbox(id, 'notice')).size;
    expect(during).toBeLessThan(auto.length);
    await stack.startWorker();
    await waitFor(
      () => outbox(id, 'notice'),
      (m) => m.size >= auto.length,
      30_000,
    );
    await waitFor(
      () => stageOpen(id, 'notice'),
      (n) => n === 0,
    );
    const sent = await outbox(id, 'notice');
    expect([...sent.keys()].sort()).toEqual(auto);
    const twice = [...sent.entries()].filter(([, rows]) => rows.length > 1);
    expect(twice).toEqual([]);
    const deliveries = await stack.db
      .select({ status: campaignDeliveries.status })
      .from(campaignDeliveries)
      .where(and(eq(campaignDeliveries.campaignId, id), inArray(campaignDeliveries.consumerNumber, auto)));
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher });
  });
});
