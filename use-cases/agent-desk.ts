import { checkConsumerNumber } from '../domain/utility-profile-contract';
import { installedProfile } from '../domain/utility-profile';
import { desc, eq } from 'drizzle-orm';
import { searchConsumers, type TCallerQuery } from '../db/agent-search';
import { requestsOfConsumer } from '../db/consumer-requests';
import { contactsOf, DESK_CHANNEL, recordInboundContact, type TInboundContactKind } from '../db/inbound-contacts';
import { outagesAffecting } from '../db/outages';
import { bills, notifications } from '../db/schema';
import { DomainProblem, FailureType } from '../domain/failures';
import { toE164 } from '../domain/phone';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole, queueScope } from './access';
import { clockOf, type UseCaseDeps } from './deps';
import { lookUpAccount } from './look-up-account';

/** The call-centre desk: agents, and the customer service centres' staff who do the same at a counter. */
export const DESK_ROLES = ['agent', 'csc'] as const;

export { DESK_CHANNEL };

/**
 * What the agent typed, read: a 13-digit consumer number, a phone number (to E.164 with
 * domain/phone.ts; Indian when it has no country code), the first digits of a consumer number, or
 * the words of a name and address (punctuation dropped, at most 8 words of 2 letters or more).
 * Undefined when there is nothing to look for.
 */
export function readCallerQuery(raw: string): TCallerQuery | undefined {
  const text = raw.normalize('NFC').trim().slice(0, 200);
  const digits = text.replace(/[\s\-().]/g, '');
  // A whole consumer number in the utility profile's format (KSEB: 13 digits; EVN: PE0100012345)
  const whole = checkConsumerNumber(installedProfile().consumerNumber, digits);
  if (whole.ok) return { by: 'consumer-number', consumerNumber: whole.value };
  if (/^\+?\d{6,15}$/.test(digits)) {
    const phone = toE164(text);
    if (phone) return { by: 'phone', phone };
    if (/^\d{6,12}$/.test(digits)) return { by: 'consumer-number-prefix', prefix: digits };
  }
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2)
    .slice(0, 8);
  return words.length ? { by: 'name-address', words } : undefined;
}

/**
 * Find a caller among the consumers of the agent's office (and the offices under it): best
 * match first, a page at a time. A search alone is no contact: opening a caller is.
 */
export async function findCallers(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { query: string; page: number; pageSize: number },
) {
  assertRole(principal, DESK_ROLES);
  const query = readCallerQuery(input.query);
  if (!query)
    throw new DomainProblem(FailureType.InvalidInput, 'type a consumer number, a phone number or a name', {
      errors: [{ field: 'q', message: 'required' }],
    });
  const scope = await queueScope(deps.db, principal, undefined);
  const found = await searchConsumers(deps.db, query, {
    within: scope?.within,
    page: input.page,
    pageSize: input.pageSize,
  });
  return { query, ...found };
}

/** Counts one contact of the desk for the consumer (see db/inbound-contacts.ts for what is one). */
export const countDeskContact = (
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  principal: TPrincipal & { kind: 'staff' },
  consumerNumber: string,
  kind: TInboundContactKind,
  requestNumber?: string,
) =>
  recordInboundContact(deps.db, {
    channel: DESK_CHANNEL,
    agent: principal.subject,
    officeId: principal.officeId,
    consumerNumber,
    kind,
    requestNumber,
    at: clockOf(deps)(),
  });

/**
 * Everything an agent needs while the caller is on the line, in one read: the account (bill,
 * arrears, supply), every bill, current and planned outages on the supply, open and past requests
 * and complaints, the notices sent and the caller's earlier contacts. Opening a caller counts as a
 * look-up contact.
 */
export async function openCaller(
  deps: Pick<UseCaseDeps, 'db' | 'now'>,
  principal: TPrincipal,
  { consumerNumber }: { consumerNumber: string },
) {
  assertRole(principal, DESK_ROLES);
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  await assertConsumerAccess(deps.db, principal, consumerNumber);
  const now = clockOf(deps)();
  const [account, allBills, outages, requests, notices] = await Promise.all([
    lookUpAccount(deps, principal, { consumerNumber, months: 12 }),
    deps.db
      .select()
      .from(bills)
      .where(eq(bills.consumerNumber, consumerNumber))
      .orderBy(desc(bills.period))
      .limit(12),
    outagesAffecting(deps.db, consumerNumber, now),
    requestsOfConsumer(deps.db, consumerNumber, { openOnly: false, limit: 30 }),
    deps.db
      .select({
        key: notifications.key,
        template: notifications.template,
        params: notifications.params,
        channel: notifications.channel,
        status: notifications.status,
        createdAt: notifications.createdAt,
      })
      .from(notifications)
      .where(eq(notifications.consumerNumber, consumerNumber))
      .orderBy(desc(notifications.createdAt))
      .limit(20),
  ]);
  await countDeskContact(deps, principal, consumerNumber, 'look-up');
  const contacts = await contactsOf(deps.db, consumerNumber, 10);
  return { account, bills: allBills, outages, requests, notices, contacts };
}
export type TCallerRecord = Awaited<ReturnType<typeof openCaller>>;
