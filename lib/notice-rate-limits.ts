import {
  RateLimiterDrizzle,
  RateLimiterQueue,
  RateLimiterQueueError,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { TRateLimitedChannel } from '../config';
import type { Database } from '../db/client';
import { noticeRateLimits } from '../db/schema';
import type { ChannelProvider, TSendOptions, TSent } from './notice-providers';

/** A message's send waited for its channel's rate limit until the caller's deadline: not sent, not failed — send it later. */
export class RateLimitedError extends Error {
  constructor(readonly channel: string) {
    super(`the ${channel} provider's rate limit left no room before the deadline; not sent, try again later`);
    this.name = 'RateLimitedError';
  }
}

/** A grant: `points` messages may go on `channel` in the limiter window that ends at `windowEndsAt` (epoch ms). */
export type TRateGrant = { channel: string; points: number; windowEndsAt: number };

/** How long a send with no deadline of its own waits for room at most (an API reply, a script). */
const DEFAULT_WAIT_MS = 10_000;
/** While waiting, `onWait` is called this often (an activity heartbeats with it; the SDK throttles what it sends). */
const TICK_MS = 250;

/**
 * How `rate` messages a second are counted: in k fixed windows a second of rate / k messages each,
 * k the largest divisor of the rate up to 4 (200/s: 50 per 250 ms; 10/s: 5 per 500 ms; 5/s: one
 * window a second). A window starts at its first grant, so any second of sends spans at most
 * k + 1 windows: at most rate + rate / k (1.25 × a rate divisible by 4), where one-second windows
 * let up to twice the rate through across a window's end and the next one's start. Not more than 4: each
 * window ends late by a wake-up and a round trip, which shorter windows pay more often (100 ms
 * windows sent a fifth less than one-second ones on this loaded machine).
 */
export function windowsOf(rate: number): { points: number; ms: number } {
  let k = Math.min(4, rate);
  while (rate % k) k--;
  return { points: rate / k, ms: 1000 / k };
}

export type NoticeRateLimiter = {
  /** the most messages one take may ask for on a channel (a window's share), or undefined when it is not limited */
  windowOf: (channel: string) => { points: number; ms: number } | undefined;
  /**
   * Waits until `points` messages (at most a window's share) may go on `channel`; throws a
   * RateLimitedError when that would be after `options.until`.
   */
  take: (channel: TRateLimitedChannel, points: number, options?: TSendOptions) => Promise<void>;
};

/**
 * Messages per second per channel (`NOTICE_RATE_LIMITS`), counted in PostgreSQL so that every
 * worker process shares one budget: rate-limiter-flexible's RateLimiterDrizzle (fixed windows per
 * channel, `windowsOf`; one row each in `notice_rate_limits`, an atomic upsert per take), behind
 * its RateLimiterQueue, so that the sends of one process wait their turn first come, first served
 * instead of all asking the database again at each window. The rows are reused window after
 * window, so the library's hourly clean-up timer is off (`clearExpiredByTimeout: false`): nothing
 * keeps a process alive. Windows follow the processes' clocks (keep them in NTP sync).
 */
export function createNoticeRateLimiter(
  db: Database,
  limits: Partial<Record<TRateLimitedChannel, number>>,
  options: { keyPrefix?: string; onGrant?: (grant: TRateGrant) => void } = {},
): NoticeRateLimiter {
  const queues = new Map<string, { queue: RateLimiterQueue; window: { points: number; ms: number } }>();
  for (const [channel, rate] of Object.entries(limits)) {
    if (!rate) continue;
    const window = windowsOf(rate);
    const store = new RateLimiterDrizzle({
      storeClient: db,
      schema: noticeRateLimits,
      keyPrefix: options.keyPrefix ?? 'notice',
      points: window.points,
      duration: window.ms / 1000,
      clearExpiredByTimeout: false,
    });
    // The queue consumes through this: each grant is reported with the window it falls in.
    const observed = {
      points: window.points,
      get: (key: string) => store.get(key),
      consume: async (key: string, n: number): Promise<RateLimiterRes> => {
        const res = await store.consume(key, n);
        options.onGrant?.({ channel, points: n, windowEndsAt: Date.now() + res.msBeforeNext });
        return res;
      },
    };
    queues.set(channel, { queue: new RateLimiterQueue(observed), window });
  }

  return {
    windowOf: (channel) => queues.get(channel)?.window,
    async take(channel, points, send = {}) {
      const limited = queues.get(channel);
      if (!limited || points <= 0) return;
      const { window } = limited;
      if (points > window.points)
        throw new Error(`${points} ${channel} messages at once exceed ${window.points} per ${window.ms} ms`);
      const until = send.until ?? Date.now() + DEFAULT_WAIT_MS;
      if (Date.now() >= until) throw new RateLimitedError(channel);
      // The queue gives up on a request still waiting at its deadline (whole seconds): the
      // second before `until`, so that a caller's deadline is kept, never passed.
      const expiresAt = Math.max(1, Math.floor(until / 1000));
      const tick = send.onWait && setInterval(send.onWait, TICK_MS);
      try {
        await limited.queue.removeTokens(points, channel, expiresAt);
      } catch (error) {
        if (error instanceof RateLimiterQueueError) throw new RateLimitedError(channel);
        throw error;
      } finally {
        if (tick) clearInterval(tick);
      }
    },
  };
}

/**
 * The provider of one channel within its rate limit: `send` takes one message of the budget,
 * `sendMany` goes in pieces of a window's share (`windowsOf`; its `maxBatch` is that, so the batch
 * sender's chunks are pieces already), each sent as soon as it is granted. A piece that finds no
 * room before the caller's deadline answers RateLimitedError for its messages and the rest, which
 * were not sent.
 */
export function rateLimitedProvider(
  provider: ChannelProvider,
  channel: TRateLimitedChannel,
  limiter: NoticeRateLimiter,
): ChannelProvider {
  const window = limiter.windowOf(channel);
  if (!window) return provider;
  const { sendMany } = provider;
  return {
    name: provider.name,
    async send(message, options) {
      await limiter.take(channel, 1, options);
      return provider.send(message, options);
    },
    ...(sendMany && {
      maxBatch: Math.min(provider.maxBatch ?? 100, window.points),
      async sendMany(messages, options) {
        const results: (TSent | Error)[] = [];
        const size = window.points;
        for (let at = 0; at < messages.length; at += size) {
          const piece = messages.slice(at, at + size);
          try {
            await limiter.take(channel, piece.length, options);
          } catch (error) {
            // No room: this piece and the rest wait for a later batch; a store error fails them.
            const rest = messages.length - at;
            const answer = error instanceof Error ? error : new Error(String(error));
            return [...results, ...Array.from({ length: rest }, () => answer)];
          }
          try {
            results.push(...(await sendMany.call(provider, piece, options)));
          } catch (error) {
            // What went before stands (it was sent); this piece failed, the rest is not tried.
            const answer = error instanceof Error ? error : new Error(String(error));
            return [...results, ...Array.from({ length: messages.length - at }, () => answer)];
          }
        }
        return results;
      },
    }),
  };
}
