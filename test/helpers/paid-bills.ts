import { bills, ledgerPostings } from '../../db/schema';
import { postingKey } from '../../domain/ledger';
import type { TestStack } from './stack';

/** Two earlier bills, paid (bill and payment postings): every consumer with bills has at least three, as the demo's do. */
export async function paidHistory(stack: TestStack, consumerNumber: string) {
  for (const period of ['2026-12', '2027-01']) {
    const id = `bill-${consumerNumber}-${period}`;
    await stack.db
      .insert(bills)
      .values({
        id,
        consumerNumber,
        period,
        unitsKwh: '100',
        amount: '500.00',
        dueDate: `${period}-28`,
        paid: true,
      })
      .onConflictDoNothing();
    await stack.db
      .insert(ledgerPostings)
      .values([
        {
          consumerNumber,
          kind: 'bill',
          amount: '500.00',
          billId: id,
          sourceRef: 'bill',
          idempotencyKey: postingKey.bill(id),
        },
        {
          consumerNumber,
          kind: 'payment',
          amount: '-500.00',
          billId: id,
          sourceRef: 'test',
          idempotencyKey: postingKey.billPaid(id),
        },
      ])
      .onConflictDoNothing();
  }
}
