import { eq } from 'drizzle-orm';
import { bills, consumers, ledgerPostings } from '../../db/schema';
import { billPostings } from '../../scripts/lib/demo-data';
import type { TestStack } from './stack';

/**
 * Consumers a test file makes for itself: copies of a demo consumer (its section, transformer and
 * language) under new numbers, each with three paid bills of 2026 so they look like every demo
 * consumer (test/demo-data.test.ts counts bills per consumer over the shared database).
 */
export async function makeOwnConsumers(
  stack: Pick<TestStack, 'db'>,
  numbers: string[],
  override: Partial<typeof consumers.$inferInsert> = {},
) {
  const [model] = await stack.db
    .select()
    .from(consumers)
    .where(eq(consumers.consumerNumber, '1560200000001'));
  const { searchText: _generated, ...fields } = model!;
  await stack.db
    .insert(consumers)
    .values(numbers.map((consumerNumber) => ({ ...fields, ...override, consumerNumber, active: true })))
    .onConflictDoNothing();
  const history = numbers.flatMap((consumerNumber) =>
    ['2026-01', '2026-02', '2026-03'].map((period) => ({
      id: `bill-${consumerNumber}-${period}`,
      consumerNumber,
      period,
      unitsKwh: '80',
      amount: '500.00',
      dueDate: `${period}-25`,
      paid: true,
    })),
  );
  await stack.db.insert(bills).values(history).onConflictDoNothing();
  await stack.db
    .insert(ledgerPostings)
    .values(history.flatMap((b) => billPostings(b)))
    .onConflictDoNothing();
}

/** A bill issued the way the ledger expects (the bill and its posting, a minute ago), unpaid. */
export async function issueBill(
  stack: Pick<TestStack, 'db'>,
  consumerNumber: string,
  period: string,
  amount: number,
) {
  const bill = {
    id: `bill-${consumerNumber}-${period}`,
    consumerNumber,
    period,
    unitsKwh: '100',
    amount: amount.toFixed(2),
    dueDate: `${period}-28`,
    paid: false,
  };
  await stack.db.insert(bills).values(bill).onConflictDoNothing();
  await stack.db
    .insert(ledgerPostings)
    .values({ ...billPostings(bill)[0]!, postedAt: new Date(Date.now() - 60_000) })
    .onConflictDoNothing();
  return bill.id;
}
