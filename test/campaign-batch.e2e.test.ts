import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignActivities, type CampaignActivityDeps } from '../activities/campaigns';
import {
  createNoticeBatchSender,
  createNotificationActivities,
  type TBatchOutcome,
} from '../activities/notifications';
import type { TDispatchResult } from '../domain/campaign-contract';
import {
  campaignDeliveries,
  campaignRecipients,
  campaigns,
  campaignStages,
  consumers,
  devOutbox,
  noticeRateLimits,
  notificationAttempts,
  notifications,
  transformers,
} from '../db/schema';
import {
  createNoticeProviders,
  PermanentSendError,
  type ChannelProvider,
  type TOutgoing,
} from '../lib/notice-providers';
import { createNoticeRateLimiter } from '../lib/notice-rate-limits';
import { createActivityDeps } from '../worker/activity-deps';
import { makeOwnConsumers } from './helpers/own-consumers';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The campaign dispatch's batch path (#14), against the real PostgreSQL and the real sandbox
 * provider: the dispatch activity runs in Temporal's activity test environment, so a test can
 * stop it exactly between the provider's answer and the save, and run its retry (the same
 * workflow, run and activity id: the same claim) as Temporal would.
 */
let stack: TestStack;
let base: CampaignActivityDeps;
const tag = String(Date.now()).slice(-7);
let campaignSeq = 0;
const quiet = new DefaultLogger('ERROR');

beforeAll(async () => {
  stack = await startTestStack({ worker: false, env: { QUIET_HOURS: '00:00-00:00' } });
  base = (await createActivityDeps(stack.config, stack.db, stack.client)).deps;
});
afterAll(async () => {
  await stack?.stop();
});

/** The sandbox SMS gateway, counting what it is asked to send; `refuse` and `fail` pick messages it answers with a refusal or an error. */
function sandboxSms(options: { refuse?: (m: TOutgoing) => boolean; fail?: (m: TOutgoing) => boolean } = {}) {
  const sandbox = base.providers.sms;
  const asked: string[] = [];
  const provider: ChannelProvider = {
    name: sandbox.name,
    maxBatch: 4,
    send: (m) => {
      asked.push(m.reference);
      return sandbox.send(m);
    },
    async sendMany(messages) {
      asked.push(...messages.map((m) => m.reference));
      const going = messages.filter((m) => !options.refuse?.(m) && !options.fail?.(m));
      const answers = new Map((await sandbox.sendMany!(going)).map((r, i) => [going[i]!.reference, r]));
      return messages.map((m) =>
        options.refuse?.(m)
          ? new PermanentSendError(`gateway refused ${m.to}`)
          : options.fail?.(m)
            ? new Error('gateway timed out')
            : answers.get(m.reference)!,
      );
    },
  };
  return { provider, asked };
}

/** A running outage campaign of its own consumers (SMS first), every delivery due now. */
async function campaignOf(count: number) {
  const campaignId = `OUT-batch-${tag}-${++campaignSeq}`;
  const numbers = Array.from(
    { length: count },
    (_, i) => `17${tag}${campaignSeq}${String(i).padStart(3, '0')}`,
  );
  await makeOwnConsumers(stack, numbers, {
    preferredChannel: 'sms',
    language: 'en',
    optOuts: [],
    lifeSupport: false,
    socialCategory: null,
  });
  const [model] = await stack.db
    .select({
      transformerId: consumers.transformerId,
      officeId: consumers.sectionOfficeId,
      feederId: transformers.feederId,
    })
    .from(consumers)
    .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
    .where(eq(consumers.consumerNumber, numbers[0]!));
  await stack.db
    .insert(campaigns)
    .values({ id: campaignId, kind: 'outage', officeId: model!.officeId, status: 'running' });
  await stack.db.insert(campaignStages).values({
    campaignId,
    stage: 'notice',
    template: 'outage-emergency',
    params: { etr: new Date(Date.now() + 3_600_000).toISOString() },
  });
  await stack.db.insert(campaignRecipients).values(
    numbers.map((consumerNumber) => ({
      campaignId,
      consumerNumber,
      transformerId: model!.transformerId,
      feederId: model!.feederId,
      officeId: model!.officeId,
      area: 'Batch test area',
      callList: false,
    })),
  );
  await stack.db.insert(campaignDeliveries).values(
    numbers.map((consumerNumber) => ({
      id: `${campaignId}.notice.${consumerNumber}`,
      campaignId,
      stage: 'notice',
      consumerNumber,
      route: 'auto',
      status: 'due',
      dueAt: new Date(Date.now() - 1000),
    })),
  );
  return { campaignId, numbers, key: (n: string) => `campaign/${campaignId}.notice.${n}` };
}

/** The dispatch activity with this SMS provider, as attempt `attempt` of one activity of the campaign's workflow. */
function dispatcher(campaignId: string, sms: ChannelProvider, attempt = 1, activityId = '7') {
  const acts = createCampaignActivities({ ...base, providers: { ...base.providers, sms } });
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: `campaign/${campaignId}`, runId: 'run-1' }, activityId, attempt },
    { logger: quiet },
  );
  return {
    env,
    run: (): Promise<TDispatchResult> =>
      env.run(() => acts.dispatchCampaign({ campaignId, limit: 100, callWorkWithinMs: 60_000 })),
  };
}

const rowsOf = (campaignId: string) =>
  stack.db
    .select({
      consumerNumber: campaignDeliveries.consumerNumber,
      status: campaignDeliveries.status,
      step: campaignDeliveries.step,
      failures: campaignDeliveries.failures,
      claim: campaignDeliveries.claim,
    })
    .from(campaignDeliveries)
    .where(eq(campaignDeliveries.campaignId, campaignId));

/** Outbox rows (messages the sandbox accepted) per notice key and attempt. */
async function outboxOf(campaignId: string) {
  const rows = await stack.db
    .select({ key: devOutbox.idempotencyKey })
    .from(devOutbox)
    .where(like(devOutbox.idempotencyKey, `campaign/${campaignId}.%`));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

describe('the campaign dispatch in batches', () => {
  it('sends only the rest of a batch some of whose attempts were already made, and finishes those as they were', async () => {
    const { campaignId, numbers, key } = await campaignOf(10);
    // An earlier run of the batch sent three and died before saving them.
    const early = numbers.slice(0, 3);
    const sendBatch = createNoticeBatchSender(base, createNotificationActivities(base));
    const contacts = await stack.db.select().from(consumers).where(inArray(consumers.consumerNumber, early));
    const before = await new MockActivityEnvironment(undefined, { logger: quiet }).run(
      (): Promise<TBatchOutcome[]> =>
        sendBatch(
          contacts.map((c) => ({
            notice: {
              key: key(c.consumerNumber),
              to: { consumerNumber: c.consumerNumber },
              template: 'outage-emergency',
              params: {},
            },
            attempt: 1,
            channel: 'sms',
            language: 'en' as const,
            contact: c,
          })),
          { concurrency: 2 },
        ),
    );
    expect(before.every((o) => o.ok)).toBe(true);

    const sms = sandboxSms();
    const result = await dispatcher(campaignId, sms.provider).run();

    // The provider was asked for the seven others only (in bulk requests of at most four).
    expect(sms.asked.sort()).toEqual(
      numbers
        .slice(3)
        .map((n) => `${key(n)}#1`)
        .sort(),
    );
    expect(result.sent).toBe(10);
    const rows = await rowsOf(campaignId);
    expect(rows.map((r) => r.status)).toEqual(Array(10).fill('delivered'));
    expect(rows.every((r) => r.claim === null)).toBe(true);
    const outbox = await outboxOf(campaignId);
    expect(outbox.size).toBe(10);
    expect([...outbox.values()].every((n) => n === 1)).toBe(true);
    // The agent desk's notice list has each notice once, delivered by SMS, with its attempt.
    const listed = await stack.db
      .select({ status: notifications.status, channel: notifications.channel })
      .from(notifications)
      .where(like(notifications.key, `campaign/${campaignId}.%`));
    expect(listed).toHaveLength(10);
    expect(listed.every((n) => n.status === 'delivered' && n.channel === 'sms')).toBe(true);
    const attempts = await stack.db
      .select({
        id: notificationAttempts.id,
        status: notificationAttempts.status,
        detail: notificationAttempts.detail,
      })
      .from(notificationAttempts)
      .where(like(notificationAttempts.key, `campaign/${campaignId}.%`));
    expect(attempts.map((a) => a.id).sort()).toEqual(numbers.map((n) => `${key(n)}#1`).sort());
    expect(attempts.every((a) => a.status === 'delivered' && /segment/.test(a.detail ?? ''))).toBe(true);
  });

  it('moves only the refused message of a bulk request on to the next channel; a failing one stays for a retry', async () => {
    const { campaignId, numbers, key } = await campaignOf(6);
    const [refused, failing] = [numbers[1]!, numbers[4]!];
    const sms = sandboxSms({
      refuse: (m) => m.consumerNumber === refused,
      fail: (m) => m.consumerNumber === failing,
    });
    const result = await dispatcher(campaignId, sms.provider).run();
    expect(result.sent).toBe(4);

    const rows = new Map((await rowsOf(campaignId)).map((r) => [r.consumerNumber, r]));
    for (const n of numbers.filter((x) => x !== refused && x !== failing))
      expect(rows.get(n)).toMatchObject({ status: 'delivered', step: 0, claim: null });
    // Refused: on to the chain's next channel at once, the SMS attempt recorded as failed.
    expect(rows.get(refused)).toMatchObject({ status: 'due', step: 1, failures: 0, claim: null });
    // A gateway error: the same channel again later.
    expect(rows.get(failing)).toMatchObject({ status: 'due', step: 0, failures: 1, claim: null });
    const attempts = new Map(
      (
        await stack.db
          .select({
            id: notificationAttempts.id,
            status: notificationAttempts.status,
            detail: notificationAttempts.detail,
          })
          .from(notificationAttempts)
          .where(like(notificationAttempts.key, `campaign/${campaignId}.%`))
      ).map((a) => [a.id, a]),
    );
    expect(attempts.size).toBe(5);
    expect(attempts.get(`${key(refused)}#1`)).toMatchObject({ status: 'failed' });
    expect(attempts.get(`${key(refused)}#1`)?.detail).toContain('gateway refused');
    expect(attempts.has(`${key(failing)}#1`)).toBe(false);
    const outbox = await outboxOf(campaignId);
    expect(outbox.has(`${key(refused)}#1`)).toBe(false);
    expect(outbox.has(`${key(failing)}#1`)).toBe(false);

    // The next round sends the refused one on its chain's next channel (attempt 2) and nobody
    // else (the failing one is due again in two seconds).
    sms.asked.length = 0;
    const next = await dispatcher(campaignId, sms.provider).run();
    expect(next.sent).toBe(1);
    expect(sms.asked).toEqual([]);
    const [after] = await stack.db
      .select({
        chain: campaignDeliveries.chain,
        channel: campaignDeliveries.channel,
        step: campaignDeliveries.step,
      })
      .from(campaignDeliveries)
      .where(eq(campaignDeliveries.id, `${campaignId}.notice.${refused}`));
    expect(after!.chain![0]).toBe('sms');
    expect(after).toMatchObject({ step: 1, channel: after!.chain![1] });
    const [second] = await stack.db
      .select({ channel: devOutbox.channel })
      .from(devOutbox)
      .where(eq(devOutbox.idempotencyKey, `${key(refused)}#2`));
    expect(second?.channel).toBe(after!.chain![1]);
    // The desk's notice list: the refused one, pending since the first round, delivered on the
    // second channel; the failing one still pending; each listed once.
    const listed = new Map(
      (
        await stack.db
          .select({ key: notifications.key, status: notifications.status, channel: notifications.channel })
          .from(notifications)
          .where(like(notifications.key, `campaign/${campaignId}.%`))
      ).map((n) => [n.key, n]),
    );
    expect(listed.size).toBe(6);
    expect(listed.get(key(refused))).toMatchObject({ status: 'delivered', channel: after!.chain![1] });
    expect(listed.get(key(failing))).toMatchObject({ status: 'pending' });
  });

  it('sends within the SMS rate limit: what finds no room in time is due again as it was, and goes in a later round', async () => {
    const { campaignId, numbers, key } = await campaignOf(30);
    const limiter = createNoticeRateLimiter(stack.db, { sms: 10 }, { keyPrefix: `batch-${tag}` });
    const { sms } = createNoticeProviders(stack.config, stack.db, undefined, limiter);
    // The activity may take 3 s: its sends wait for room until half of that has passed.
    const round = (n: number) => {
      const acts = createCampaignActivities({ ...base, providers: { ...base.providers, sms } });
      const env = new MockActivityEnvironment(
        {
          workflowExecution: { workflowId: `campaign/${campaignId}`, runId: 'run-1' },
          activityId: `rate-${n}`,
          startToCloseTimeoutMs: 3_000,
        },
        { logger: quiet },
      );
      const beats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => beats.push(d));
      return {
        beats,
        run: (): Promise<TDispatchResult> =>
          env.run(() => acts.dispatchCampaign({ campaignId, limit: 100, callWorkWithinMs: 60_000 })),
      };
    };
    const first = round(1);
    const result = await first.run();
    // Five per 500 ms until the deadline (kept to the whole second before it); the rest wait.
    expect(result.sent).toBeGreaterThanOrEqual(5);
    expect(result.sent).toBeLessThanOrEqual(20);
    expect(result.more).toBe(true);
    // It heartbeat while it waited (the same count again, before the next send).
    expect(first.beats.some((b, i) => i > 0 && b === first.beats[i - 1])).toBe(true);
    const after = await rowsOf(campaignId);
    const waiting = after.filter((r) => r.status === 'due');
    expect(waiting).toHaveLength(30 - result.sent);
    // Not sent is not failed: the same channel, no failure counted, nothing recorded, no claim left.
    expect(waiting.every((r) => r.step === 0 && r.failures === 0 && r.claim === null)).toBe(true);
    expect((await outboxOf(campaignId)).size).toBe(result.sent);

    let sent = result.sent;
    for (let n = 2; sent < 30 && n < 12; n++) sent += (await round(n).run()).sent;
    expect(sent).toBe(30);
    const rows = await rowsOf(campaignId);
    expect(rows.every((r) => r.status === 'delivered' && r.step === 0 && r.claim === null)).toBe(true);
    const outbox = await outboxOf(campaignId);
    expect([...outbox.keys()].sort()).toEqual(numbers.map((n) => `${key(n)}#1`).sort());
    expect([...outbox.values()].every((n) => n === 1)).toBe(true);
    const [{ attempts } = { attempts: 0 }] = await stack.db.execute<{ attempts: number }>(sql`
      select count(*)::int as attempts from notification_attempts where key like ${`campaign/${campaignId}.%`}`);
    expect(attempts).toBe(30);
    await stack.db.delete(noticeRateLimits).where(like(noticeRateLimits.key, `batch-${tag}:%`));
  });

  it('tells nobody twice when the activity dies between the provider’s answer and the save, and its retry runs', async () => {
    const { campaignId, numbers, key } = await campaignOf(9);
    const sms = sandboxSms();
    // The worker "dies" right after the first bulk request was accepted: nothing of it is saved.
    const first = dispatcher(campaignId, sms.provider);
    first.env.on('heartbeat', () => {
      throw new Error('worker killed');
    });
    await expect(first.run()).rejects.toThrow('worker killed');
    const accepted = await outboxOf(campaignId);
    expect(accepted.size).toBeGreaterThan(0);
    expect(
      await stack.db
        .select({ id: notificationAttempts.id })
        .from(notificationAttempts)
        .where(like(notificationAttempts.key, `campaign/${campaignId}.%`)),
    ).toHaveLength(0);
    const claimed = await rowsOf(campaignId);
    expect(claimed.every((r) => r.status === 'sending' && r.claim !== null)).toBe(true);

    // Another dispatcher of the campaign leaves them alone while the lease holds…
    const other = await dispatcher(campaignId, sms.provider, 1, '8').run();
    expect(other.sent).toBe(0);
    expect(other.more).toBe(false);
    // …and Temporal's retry of the activity takes its own claimed rows back at once (no lease to wait out).
    const retry = await dispatcher(campaignId, sms.provider, 2).run();
    expect(retry.sent).toBe(9);
    const rows = await rowsOf(campaignId);
    expect(rows.every((r) => r.status === 'delivered' && r.claim === null)).toBe(true);
    // The gateway was asked again for what it had accepted, under the same idempotency keys,
    // and kept one message per consumer and attempt.
    for (const k of accepted.keys()) expect(sms.asked.filter((a) => a === k)).toHaveLength(2);
    const outbox = await outboxOf(campaignId);
    expect([...outbox.keys()].sort()).toEqual(numbers.map((n) => `${key(n)}#1`).sort());
    expect([...outbox.values()].every((n) => n === 1)).toBe(true);
    const [{ attempts } = { attempts: 0 }] = await stack.db.execute<{ attempts: number }>(sql`
      select count(*)::int as attempts from notification_attempts where key like ${`campaign/${campaignId}.%`}`);
    expect(attempts).toBe(9);
    // The attempt records the outbox's own message id: the one the sandbox kept the first time.
    const [one] = await stack.db
      .select({ providerMessageId: notificationAttempts.providerMessageId, key: notificationAttempts.id })
      .from(notificationAttempts)
      .where(eq(notificationAttempts.id, [...accepted.keys()][0]!));
    const [kept] = await stack.db
      .select({ id: devOutbox.id })
      .from(devOutbox)
      .where(eq(devOutbox.idempotencyKey, one!.key));
    expect(one!.providerMessageId).toBe(kept!.id);
  });
});
