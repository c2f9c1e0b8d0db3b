import { desc, eq } from 'drizzle-orm';
import type { Database } from './client';
import { bills, consumers, feeders, transformers } from './schema';

export type TAccountSummary = {
  consumerNumber: string;
  name: string;
  category: string;
  sanctionedLoadKw: number;
  /** how the utility reaches the consumer (call-centre agents call back on it) */
  contact: { phone: string; email: string | null; address: string };
  /** where the supply comes from: what outages are registered on */
  supply: {
    sectionOfficeId: string;
    transformerId: string;
    transformer: string;
    feederId: string;
    feeder: string;
  };
  latestBill: { period: string; unitsKwh: number; amount: number; dueDate: string; paid: boolean } | null;
  arrears: { amount: number; bills: number };
  consumption: { period: string; unitsKwh: number }[];
  lastPayment: { period: string; amount: number } | null;
};

/**
 * What most callers want to know, in one read: the latest bill, arrears, recent consumption and
 * the last bill paid. Served to the portal, and read back by WhatsApp and the IVR.
 */
/**
 * A consumer with the transformer and feeder their supply comes from: the one read behind the
 * account look-up, the outage a no-power complaint links to, and where an emergency is.
 */
export async function readConsumerSupply(db: Database, consumerNumber: string) {
  const [row] = await db
    .select({
      name: consumers.name,
      category: consumers.category,
      sanctionedLoadKw: consumers.sanctionedLoadKw,
      phone: consumers.phone,
      email: consumers.email,
      address: consumers.address,
      sectionOfficeId: consumers.sectionOfficeId,
      transformerId: transformers.id,
      transformer: transformers.name,
      feederId: feeders.id,
      feeder: feeders.name,
    })
    .from(consumers)
    .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
    .innerJoin(feeders, eq(feeders.id, transformers.feederId))
    .where(eq(consumers.consumerNumber, consumerNumber));
  return row;
}

export async function readAccountSummary(db: Database, consumerNumber: string, months = 6) {
  const account = await readConsumerSupply(db, consumerNumber);
  if (!account) return undefined;
  const rows = await db
    .select()
    .from(bills)
    .where(eq(bills.consumerNumber, consumerNumber))
    .orderBy(desc(bills.period));
  const money = (v: string) => Math.round(Number(v) * 100) / 100;
  const unpaid = rows.filter((b) => !b.paid);
  const latest = rows[0];
  const paid = rows.find((b) => b.paid);
  const summary: TAccountSummary = {
    consumerNumber,
    name: account.name,
    category: account.category,
    sanctionedLoadKw: Number(account.sanctionedLoadKw),
    contact: { phone: account.phone, email: account.email, address: account.address },
    supply: {
      sectionOfficeId: account.sectionOfficeId,
      transformerId: account.transformerId,
      transformer: account.transformer,
      feederId: account.feederId,
      feeder: account.feeder,
    },
    latestBill: latest
      ? {
          period: latest.period,
          unitsKwh: Number(latest.unitsKwh),
          amount: money(latest.amount),
          dueDate: latest.dueDate,
          paid: latest.paid,
        }
      : null,
    arrears: {
      amount: money(String(unpaid.reduce((sum, b) => sum + Number(b.amount), 0))),
      bills: unpaid.length,
    },
    consumption: rows.slice(0, months).map((b) => ({ period: b.period, unitsKwh: Number(b.unitsKwh) })),
    lastPayment: paid ? { period: paid.period, amount: money(paid.amount) } : null,
  };
  return summary;
}
