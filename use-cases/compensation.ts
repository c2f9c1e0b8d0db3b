import { readCompensationPage, readCompensationSummary } from '../db/compensation';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';
import { ACCOUNT_ROLES } from './look-up-account';

/** Who reads the totals by office and month. */
export const COMPENSATION_SUMMARY_ROLES = ['ops', 'admin'] as const;

/**
 * The statutory compensation credited to a consumer, each with why (the request, the standard,
 * how late, the rule and the regulation): the consumer's own, or staff of their office.
 */
export async function listCompensation(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { consumerNumber: string; page: number; pageSize: number },
) {
  assertRole(principal, ACCOUNT_ROLES);
  await assertConsumerAccess(deps.db, principal, input.consumerNumber);
  return readCompensationPage(deps.db, input.consumerNumber, input);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/**
 * Compensation credited by office and month, for the months `from`–`to` (inclusive, `YYYY-MM`;
 * by default the last twelve up to `now`'s). At most ten years at once.
 */
export async function compensationSummary(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { from?: string; to?: string; now?: Date },
) {
  assertRole(principal, COMPENSATION_SUMMARY_ROLES);
  for (const field of ['from', 'to'] as const) {
    const v = input[field];
    if (v !== undefined && !MONTH.test(v))
      throw new DomainProblem(FailureType.InvalidInput, `${field} must be a month YYYY-MM`, {
        errors: [{ field, message: 'must be a month YYYY-MM, e.g. 2026-04' }],
      });
  }
  const to = input.to ?? (input.now ?? new Date()).toISOString().slice(0, 7);
  const from = input.from ?? monthOf(monthIndex(to) - 11);
  if (monthIndex(from) > monthIndex(to))
    throw new DomainProblem(FailureType.InvalidInput, '`to` is before `from`', {
      errors: [{ field: 'to', message: `must not be before from (${from})` }],
    });
  if (monthIndex(to) - monthIndex(from) >= 120)
    throw new DomainProblem(FailureType.InvalidInput, 'at most ten years at once', {
      errors: [{ field: 'from', message: 'at most 120 months before to' }],
    });
  return { from, to, ...(await readCompensationSummary(deps.db, { from, to })) };
}
