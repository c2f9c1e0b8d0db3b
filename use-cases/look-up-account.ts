import { readAccountSummary } from '../db/account';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';

export const ACCOUNT_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'ops', 'admin'] as const;

/**
 * Look up a consumer's account: contact details and supply, the latest bill, arrears, the last
 * `months` of consumption and the last payment — for the consumer themself or staff of their office.
 */
export async function lookUpAccount(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  { consumerNumber, months }: { consumerNumber: string; months?: number },
) {
  assertRole(principal, ACCOUNT_ROLES);
  await assertConsumerAccess(deps.db, principal, consumerNumber);
  const summary = await readAccountSummary(deps.db, consumerNumber, months);
  if (!summary) throw new DomainProblem(FailureType.ConsumerNotFound, `no consumer ${consumerNumber}`);
  return summary;
}
