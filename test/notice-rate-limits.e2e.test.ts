import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNoticeBatchSender,
  createNotificationActivities,
  type NotificationActivityDeps,
  type TBatchMessage,
  type TBatchOutcome,
} from '../activities/notifications';
import { devOutbox, noticeRateLimits, notificationAttempts } from '../db/schema';
import { createNoticeProviders, type TOutgoing } from '../lib/notice-providers';
import {
  createNoticeRateLimiter,
  RateLimitedError,
  windowsOf,
  type TRateGrant,
} from '../lib/notice-rate-limits';
import { createActivityDeps } from '../worker/activity-deps';
import { startTestStack, testConfig, type TestStack } from './helpers/stack';

/**
 * Sending within each provider's rate limit (#14, NOTICE_RATE_LIMITS): the limiter's counter lives
 * in the real PostgreSQL (rate-limiter-flexible's RateLimiterDrizzle on `notice_rate_limits`), the
 * messages go to the real sandbox provider, and what it accepted is read back from its outbox.
 */
let stack: TestStack;
let base: NotificationActivityDeps;
const tag = `rl${String(Date.now()).slice(-7)}`;
let seq = 0;
const quiet = new DefaultLogger('ERROR');

beforeAll(async () => {
  stack = await startTestStack({ worker: false, env: { QUIET_HOURS: '00:00-00:00' } });
  base = (await createActivityDeps(stack.config, stack.db, stack.client)).deps;
});
afterAll(async () => {
  await stack?.db.delete(noticeRateLimits).where(like(noticeRateLimits.key, `${tag}%`));
  await stack?.stop();
});

/** A limiter of its own (its own counters), reporting every grant. */
function limiterOf(limits: Parameters<typeof createNoticeRateLimiter>[1], keyPrefix = `${tag}-${++seq}`) {
  const grants: TRateGrant[] = [];
  const limiter = createNoticeRateLimiter(stack.db, limits, { keyPrefix, onGrant: (g) => grants.push(g) });
  return { limiter, grants, keyPrefix };
}

/**
 * Grants by limiter window: a window lasts `ms` from its first grant, so the ends reported by
 * grants of one window agree (to the milliseconds between the store's answer and the report) and
 * those of two windows are `ms` apart at least. Answers the windows, and the most granted in the
 * windows ending within any one second.
 */
function windows(grants: TRateGrant[], ms: number) {
  const sorted = [...grants].sort((a, b) => a.windowEndsAt - b.windowEndsAt);
  const out: { endsAt: number; points: number }[] = [];
  for (const g of sorted) {
    const last = out.at(-1);
    if (last && g.windowEndsAt - last.endsAt < ms / 2) last.points += g.points;
    else out.push({ endsAt: g.windowEndsAt, points: g.points });
  }
  const inAnySecond = Math.max(
    ...out.map((w) =>
      out.filter((o) => o.endsAt >= w.endsAt && o.endsAt < w.endsAt + 1000).reduce((n, o) => n + o.points, 0),
    ),
  );
  return { windows: out, inAnySecond, span: out.at(-1)!.endsAt - out[0]!.endsAt };
}

/**
 * 60 SMS granted at 20 a second (windows of 5 per 250 ms): in 12 windows over 2.75 s at least,
 * never more than 5 in one, and no more than one window's share over 20 in any second.
 */
function expectSixtyAtTwentyASecond(grants: TRateGrant[]) {
  expect(grants.reduce((n, g) => n + g.points, 0)).toBe(60);
  const granted = windows(grants, 250);
  expect(granted.windows.length).toBeGreaterThanOrEqual(12);
  expect(Math.max(...granted.windows.map((w) => w.points))).toBeLessThanOrEqual(5);
  expect(granted.inAnySecond).toBeLessThanOrEqual(25);
  expect(granted.span).toBeGreaterThanOrEqual(2650);
}

const message = (key: string, channel: string, i: number): TBatchMessage => ({
  notice: {
    key,
    to: { consumerNumber: `19${tag.slice(2)}${String(i).padStart(4, '0')}` },
    template: 'outage-emergency',
    params: { etr: new Date(Date.now() + 3_600_000).toISOString() },
  },
  attempt: 1,
  channel,
  language: 'en',
  contact: { phone: `+9198${String(i).padStart(8, '0')}`, email: null, address: null, name: `Consumer ${i}` },
});

/** The sandbox outbox's rows for these references: how many times each was accepted, and when. */
async function outboxOf(prefix: string) {
  const rows = await stack.db
    .select({ key: devOutbox.idempotencyKey, channel: devOutbox.channel, at: devOutbox.createdAt })
    .from(devOutbox)
    .where(like(devOutbox.idempotencyKey, `${prefix}%`));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return { rows, counts };
}

describe('how a rate is counted', () => {
  it('splits a second into up to four windows that share the rate evenly', () => {
    expect(windowsOf(200)).toEqual({ points: 50, ms: 250 });
    expect(windowsOf(20)).toEqual({ points: 5, ms: 250 });
    expect(windowsOf(10)).toEqual({ points: 5, ms: 500 });
    expect(windowsOf(999)).toEqual({ points: 333, ms: 1000 / 3 });
    expect(windowsOf(1)).toEqual({ points: 1, ms: 1000 });
    // A rate no number up to four divides but one: one window a second.
    expect(windowsOf(5)).toEqual({ points: 5, ms: 1000 });
    expect(windowsOf(13)).toEqual({ points: 13, ms: 1000 });
    for (const rate of [1, 7, 10, 13, 80, 200, 999, 1000])
      expect(windowsOf(rate).points * (1000 / windowsOf(rate).ms)).toBeCloseTo(rate, 9);
  });
});

describe('sending within each provider’s rate limit', () => {
  it('spreads a batch over the limiter’s windows, none over its share, each message once; other channels do not wait', async () => {
    const { limiter, grants } = limiterOf({ sms: 20 });
    const providers = createNoticeProviders(stack.config, stack.db, undefined, limiter);
    // One gateway carries SMS and WhatsApp; with SMS limited each channel is a provider of its own.
    expect(providers.sms).not.toBe(providers.whatsapp);
    // 20 a second are 5 per 250 ms: its bulk requests are pieces of 5.
    expect(providers.sms.maxBatch).toBe(5);
    const deps = { ...base, providers };
    const sendBatch = createNoticeBatchSender(deps, createNotificationActivities(deps));
    const prefix = `rate/${tag}/batch/`;
    const messages = [
      ...Array.from({ length: 60 }, (_, i) => message(`${prefix}sms-${i}`, 'sms', i)),
      ...Array.from({ length: 5 }, (_, i) => message(`${prefix}wa-${i}`, 'whatsapp', 100 + i)),
    ];
    const progress: number[] = [];
    const outcomes = await new MockActivityEnvironment(undefined, { logger: quiet }).run(
      (): Promise<TBatchOutcome[]> =>
        sendBatch(messages, { concurrency: 4, progress: (done) => progress.push(done) }),
    );
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);

    // The limiter granted the 60 SMS, and only those, at 20 a second.
    expect(grants.every((g) => g.channel === 'sms')).toBe(true);
    expectSixtyAtTwentyASecond(grants);

    // What the provider accepted: every message once, the SMS spread over two and a half seconds and more.
    const { rows, counts } = await outboxOf(prefix);
    expect([...counts.keys()].sort()).toEqual(messages.map((m) => `${m.notice.key}#1`).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const smsTimes = rows.filter((r) => r.channel === 'sms').map((r) => r.at.getTime());
    expect(Math.max(...smsTimes) - Math.min(...smsTimes)).toBeGreaterThanOrEqual(2500);
    const attempts = await stack.db
      .select({ id: notificationAttempts.id })
      .from(notificationAttempts)
      .where(like(notificationAttempts.key, `${prefix}%`));
    expect(attempts.map((a) => a.id).sort()).toEqual([...counts.keys()].sort());

    // The batch kept saying it is alive while its SMS waited: progress repeated without a send.
    expect(progress.at(-1)).toBe(65);
    expect(progress.some((n, i) => i > 0 && n === progress[i - 1])).toBe(true);
  });

  it('shares one budget between two processes’ limiters on the same table', async () => {
    const keyPrefix = `${tag}-shared`;
    const a = limiterOf({ sms: 20 }, keyPrefix);
    const b = limiterOf({ sms: 20 }, keyPrefix);
    const prefix = `rate/${tag}/shared/`;
    const send = (limiter: typeof a.limiter, from: number) => {
      const sms = createNoticeProviders(stack.config, stack.db, undefined, limiter).sms;
      const outgoing: TOutgoing[] = Array.from({ length: 30 }, (_, i) => ({
        channel: 'sms',
        to: `+9197${String(from + i).padStart(8, '0')}`,
        subject: 'Outage',
        text: 'Power is off in your area.',
        language: 'en',
        reference: `${prefix}${from + i}#1`,
      }));
      // In pieces of ten, all at once: both "processes" press on the same second.
      return Promise.all(
        [0, 10, 20].map((at) => sms.sendMany!(outgoing.slice(at, at + 10), { until: Date.now() + 20_000 })),
      );
    };
    const results = (await Promise.all([send(a.limiter, 0), send(b.limiter, 100)])).flat(2);
    expect(results.filter((r) => r instanceof Error)).toEqual([]);

    expect(a.grants.length).toBeGreaterThan(0);
    expect(b.grants.length).toBeGreaterThan(0);
    // Each alone would have sent its 30 in 1.25 s; together they took the 60's 2.75 s, 5 a window at most.
    expectSixtyAtTwentyASecond([...a.grants, ...b.grants]);
    const { counts } = await outboxOf(prefix);
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const [row] = await stack.db
      .select()
      .from(noticeRateLimits)
      .where(inArray(noticeRateLimits.key, [`${keyPrefix}:sms`]));
    expect(row?.points).toBeGreaterThan(0);
  });

  it('does not send what finds no room before the deadline, and says so', async () => {
    const { limiter, grants } = limiterOf({ voice: 5 });
    const voice = createNoticeProviders(stack.config, stack.db, undefined, limiter).voice;
    const prefix = `rate/${tag}/deadline/`;
    const started = Date.now();
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        voice.send(
          {
            channel: 'voice',
            to: `+9196${String(i).padStart(8, '0')}`,
            subject: 'Outage',
            text: 'Power is off in your area.',
            language: 'en',
            reference: `${prefix}${i}#1`,
          },
          { until: started + 1_500 },
        ),
      ),
    );
    const sent = answers.filter((a) => a.status === 'fulfilled');
    const refused = answers.filter((a) => a.status === 'rejected');
    // Five a second: five at once, perhaps five more before the deadline (kept to the whole
    // second before it); never all twelve.
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(refused.every((r) => r.reason instanceof RateLimitedError)).toBe(true);
    expect(grants.reduce((n, g) => n + g.points, 0)).toBe(sent.length);
    const { counts } = await outboxOf(prefix);
    expect(counts.size).toBe(sent.length);
    // An unlimited channel of the same limiter does not wait at all.
    await expect(limiter.take('sms', 1_000_000, { until: Date.now() })).resolves.toBeUndefined();
  });

  it('wraps the workers’ providers as NOTICE_RATE_LIMITS says, and leaves them as they are without it', async () => {
    const limited = await createActivityDeps(
      testConfig({ NOTICE_RATE_LIMITS: 'sms=50,email=200' }),
      stack.db,
      stack.client,
    );
    const { sms, whatsapp, voice, email } = limited.deps.providers;
    expect([sms.maxBatch, email.maxBatch]).toEqual([25, 50]);
    expect(sms).not.toBe(whatsapp);
    // WhatsApp and voice are not limited: the gateway itself, as before.
    expect(whatsapp).toBe(voice);
    expect(whatsapp.maxBatch).toBe(1000);

    const providers = createNoticeProviders(stack.config, stack.db);
    expect(stack.config.notices.rateLimits).toEqual({});
    expect(providers.sms).toBe(providers.whatsapp);
    expect(providers.sms.maxBatch).toBe(1000);
  });
});
