import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../config';
import { channelLinks, consumers } from '../db/schema';
import { isLanguage } from '../domain/notice-templates';
import type { TLanguage } from '../domain/notice-templates';
import type { TPrincipal } from '../domain/roles';
import { assertRole } from './access';
import type { UseCaseDeps } from './deps';

/**
 * Linking a Zalo or Messenger user to a consumer. The platforms give Seva a user id, never a
 * phone, so WhatsApp's rule — the phone registered on the account is the account holder — cannot
 * apply. Instead the sender states a consumer number and proves they hold the account by sending
 * back a code that went by SMS to the account's registered phone (the portal's sign-in rule).
 * Until then they are anyone (they may report a fault for the number, as a neighbour may); once
 * linked, the platform id reads bills and requests and is answered in the account's language,
 * until the consumer unlinks it.
 */

export const LINK_CHANNELS = ['zalo', 'messenger'] as const;
export type TLinkChannel = (typeof LINK_CHANNELS)[number];
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const LINK_CODE_ATTEMPTS = 5;
/** a new code for the same platform user waits this long: a stranger cannot flood a phone with codes */
export const LINK_CODE_INTERVAL_MS = 60_000;

/** the codes' HMAC key is the server secret the portal's sign-in codes use */
type TDeps = Pick<UseCaseDeps, 'db'> & { config: Pick<Config, 'auth'> };
type TLinkInput = { channel: TLinkChannel; userId: string; now: Date };

/** Codes are kept as an HMAC under a server secret, bound to the platform user and the number. */
const codeHash = (secret: string, input: TLinkInput, consumerNumber: string, code: string) =>
  createHmac('sha256', `${secret}:channel-link`)
    .update(`${input.channel}:${input.userId}:${consumerNumber}:${code}`)
    .digest('base64url');

/** The sender of a platform message acts only for themselves. */
const assertSender = (principal: TPrincipal) => assertRole(principal, ['consumer']);

/** The consumer number a platform user has linked (confirmed), if any. */
export async function linkedConsumer(
  deps: Pick<UseCaseDeps, 'db'>,
  input: Omit<TLinkInput, 'now'>,
): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ consumerNumber: channelLinks.consumerNumber })
    .from(channelLinks)
    .where(
      and(
        eq(channelLinks.channel, input.channel),
        eq(channelLinks.userId, input.userId),
        isNotNull(channelLinks.linkedAt),
      ),
    );
  return row?.consumerNumber ?? undefined;
}

export type TLinkCode = { code: string; phone: string; language: TLanguage; minutes: number };
export type TLinkOffer = { kind: 'sent'; phone: string } | { kind: 'wait' } | { kind: 'unknown' };

/**
 * Offers to link the platform user to a consumer number: a fresh six-digit code (stored only as
 * its HMAC; 10 minutes, 5 tries) handed to `send` with the phone registered on the account and
 * its language. A link already confirmed stays until the new code comes back. `wait`: a code went
 * to this user less than a minute ago. When `send` fails the offer is withdrawn, so the retry of
 * the message makes and sends another.
 */
export async function offerChannelLink(
  deps: TDeps,
  principal: TPrincipal,
  input: TLinkInput & { consumerNumber: string; send: (code: TLinkCode) => Promise<void> },
): Promise<TLinkOffer> {
  assertSender(principal);
  const [consumer] = await deps.db
    .select({ phone: consumers.phone, language: consumers.language })
    .from(consumers)
    .where(eq(consumers.consumerNumber, input.consumerNumber));
  if (!consumer) return { kind: 'unknown' };
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const hash = codeHash(deps.config.auth.jwtSecret, input, input.consumerNumber, code);
  const offer = {
    offerNumber: input.consumerNumber,
    codeHash: hash,
    codeExpiresAt: new Date(input.now.getTime() + LINK_CODE_TTL_MS),
    codeSentAt: input.now,
    attempts: 0,
    updatedAt: input.now,
  };
  const mine = and(eq(channelLinks.channel, input.channel), eq(channelLinks.userId, input.userId));
  const [row] = await deps.db
    .insert(channelLinks)
    .values({ channel: input.channel, userId: input.userId, ...offer })
    .onConflictDoUpdate({
      target: [channelLinks.channel, channelLinks.userId],
      set: offer,
      // one code a minute per platform user (an offer older than that, or none, is replaced)
      setWhere: or(
        isNull(channelLinks.codeSentAt),
        lt(channelLinks.codeSentAt, new Date(input.now.getTime() - LINK_CODE_INTERVAL_MS)),
      ),
    })
    .returning({ userId: channelLinks.userId });
  if (!row) return { kind: 'wait' };
  try {
    await input.send({
      code,
      phone: consumer.phone,
      language: isLanguage(consumer.language) ? consumer.language : 'en',
      minutes: LINK_CODE_TTL_MS / 60_000,
    });
  } catch (error) {
    await deps.db
      .update(channelLinks)
      .set({ offerNumber: null, codeHash: null, codeExpiresAt: null, codeSentAt: null })
      .where(and(mine, eq(channelLinks.codeHash, hash)))
      .catch(() => undefined); // the database may be what failed: the code then expires unused
    throw error;
  }
  return { kind: 'sent', phone: consumer.phone };
}

/**
 * A code sent back in the conversation: `linked` (the offer becomes the link, the code is spent),
 * `wrong` (wrong, expired or out of tries: one try is spent), or `none` (no offer is waiting, so
 * six digits are not a code here).
 */
export async function confirmChannelLink(
  deps: TDeps,
  principal: TPrincipal,
  input: TLinkInput & { code: string },
): Promise<{ kind: 'linked'; consumerNumber: string } | { kind: 'wrong' } | { kind: 'none' }> {
  assertSender(principal);
  const mine = and(eq(channelLinks.channel, input.channel), eq(channelLinks.userId, input.userId));
  const [row] = await deps.db
    .update(channelLinks)
    .set({ attempts: sql`${channelLinks.attempts} + 1` })
    .where(
      and(
        mine,
        isNotNull(channelLinks.offerNumber),
        gt(channelLinks.codeExpiresAt, input.now),
        lt(channelLinks.attempts, LINK_CODE_ATTEMPTS),
      ),
    )
    .returning();
  if (!row) {
    const [offer] = await deps.db
      .select({ offerNumber: channelLinks.offerNumber })
      .from(channelLinks)
      .where(and(mine, isNotNull(channelLinks.offerNumber)));
    return offer ? { kind: 'wrong' } : { kind: 'none' };
  }
  const given = Buffer.from(
    codeHash(deps.config.auth.jwtSecret, input, row.offerNumber!, input.code.replace(/\s/g, '')),
  );
  const expected = Buffer.from(row.codeHash ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'wrong' };
  // Spent in the same statement that links: two deliveries of the code cannot both use it.
  const [linked] = await deps.db
    .update(channelLinks)
    .set({
      consumerNumber: row.offerNumber,
      linkedAt: input.now,
      offerNumber: null,
      codeHash: null,
      codeExpiresAt: null,
      attempts: 0,
      updatedAt: input.now,
    })
    .where(and(mine, eq(channelLinks.codeHash, row.codeHash!)))
    .returning({ consumerNumber: channelLinks.consumerNumber });
  return linked?.consumerNumber
    ? { kind: 'linked', consumerNumber: linked.consumerNumber }
    : { kind: 'wrong' };
}

/** The consumer removes the link (and any offer): the consumer number it had, if any. */
export async function unlinkChannel(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: Omit<TLinkInput, 'now'>,
): Promise<string | undefined> {
  assertSender(principal);
  const [row] = await deps.db
    .delete(channelLinks)
    .where(and(eq(channelLinks.channel, input.channel), eq(channelLinks.userId, input.userId)))
    .returning({ consumerNumber: channelLinks.consumerNumber, linkedAt: channelLinks.linkedAt });
  return row?.linkedAt ? (row.consumerNumber ?? undefined) : undefined;
}
