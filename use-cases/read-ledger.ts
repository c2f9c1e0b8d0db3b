import { readLedgerPage } from '../db/account';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';
import { ACCOUNT_ROLES } from './look-up-account';

/** A consumer's ledger, newest posting first, each with the balance after it: the consumer's own, or staff of their office. */
export async function readLedger(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { consumerNumber: string; page: number; pageSize: number },
) {
  assertRole(principal, ACCOUNT_ROLES);
  await assertConsumerAccess(deps.db, principal, input.consumerNumber);
  return readLedgerPage(deps.db, input.consumerNumber, input);
}
