import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem } from './problem';
import type { AppEnv } from './types';

/** Parses `TRUSTED_PROXIES` entries (addresses or CIDR ranges) into a BlockList. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * The caller's network address: the socket's peer, or — only when that peer is a configured
 * trusted proxy — the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
 * A client cannot choose its own bucket by sending the header.
 */
export function clientAddress(c: Context, trusted: BlockList): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined; // in-process requests (tests, app.request) have no socket
  }
  if (!peer) return 'local';
  peer = unmapped(peer);
  if (!isIP(peer) || !trusted.check(peer, familyOf(peer))) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => unmapped(h.trim()))
    .filter((h) => isIP(h));
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted.check(hops[i]!, familyOf(hops[i]!))) return hops[i]!;
  }
  return hops[0] ?? peer;
}

/** One IPv6 host usually holds a whole /64: count it as one caller. */
const bucketOfAddress = (address: string) =>
  isIP(address) === 6 ? `${address.split(':').slice(0, 4).join(':')}::/64` : address;

/**
 * A one-minute budget per caller: the verified principal when the request carries a valid token
 * (however the header is spelled), otherwise the client's address. Provider webhooks count apart
 * with their own budget: one SMS gateway relays a whole outage storm. Buckets expire with their
 * window, one by one; a flood of new callers never resets anyone else's count. In-process: with
 * several API replicas, put a shared limiter in front as well.
 */
export function rateLimit(limits: {
  perMinute: number;
  webhooksPerMinute: number;
  trustedProxies: readonly string[];
}): MiddlewareHandler<AppEnv> {
  const trusted = trustedProxyList(limits.trustedProxies);
  const callers = new RateLimiterMemory({ points: limits.perMinute, duration: 60 });
  const webhooks = new RateLimiterMemory({ points: limits.webhooksPerMinute, duration: 60 });
  return async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const webhook = c.req.path.startsWith('/v1/webhooks/');
    const principal = c.get('principal');
    const limiter = webhook ? webhooks : callers;
    const perMinute = webhook ? limits.webhooksPerMinute : limits.perMinute;
    const key =
      principal && !webhook
        ? `principal:${principal.kind}:${principal.subject}`
        : `address:${bucketOfAddress(clientAddress(c, trusted))}`;
    let result: RateLimiterRes;
    try {
      result = await limiter.consume(key);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      const retryAfter = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      throw new HttpProblem(429, `limit is ${perMinute} requests a minute; retry in ${retryAfter}s`, {
        headers: {
          'retry-after': String(retryAfter),
          'ratelimit-limit': String(perMinute),
          'ratelimit-remaining': '0',
        },
      });
    }
    c.header('ratelimit-limit', String(perMinute));
    c.header('ratelimit-remaining', String(result.remainingPoints));
    await next();
  };
}
