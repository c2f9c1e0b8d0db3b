import { desc, eq, inArray, sql } from 'drizzle-orm';
import { paiseToRupees, settleBills, toPaise } from '../domain/ledger';
import type { Database } from './client';
import { bills, consumers, feeders, ledgerPostings, transformers, type TPostingKind } from './schema';

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

export type TBillSettlement = {
  /** the sum of every posting, paise (positive: owed) */
  balance: number;
  settlements: Map<string, ReturnType<typeof settleBills>[number]>;
};

/**
 * What the ledger says of consumers' bills, in two reads for any number of consumers: each bill's
 * amount as posted and what is still outstanding on it, payments and credits settling the oldest
 * bills first; and the balance, the sum of every posting.
 */
export async function readSettlements(
  db: Pick<Database, 'select'>,
  consumerNumbers: readonly string[],
): Promise<Map<string, TBillSettlement>> {
  const out = new Map<string, TBillSettlement>();
  for (let i = 0; i < consumerNumbers.length; i += 5000) {
    const chunk = consumerNumbers.slice(i, i + 5000);
    const [sums, billRows] = await Promise.all([
      db
        .select({
          consumerNumber: ledgerPostings.consumerNumber,
          kind: ledgerPostings.kind,
          billId: ledgerPostings.billId,
          amount: sql<string>`sum(${ledgerPostings.amount})`,
        })
        .from(ledgerPostings)
        .where(inArray(ledgerPostings.consumerNumber, chunk))
        .groupBy(ledgerPostings.consumerNumber, ledgerPostings.kind, ledgerPostings.billId),
      db
        .select({ id: bills.id, consumerNumber: bills.consumerNumber, period: bills.period })
        .from(bills)
        .where(inArray(bills.consumerNumber, chunk)),
    ]);
    const periodOf = new Map(billRows.map((b) => [b.id, b.period]));
    const byConsumer = new Map<string | null, typeof sums>();
    for (const r of sums) byConsumer.set(r.consumerNumber, [...(byConsumer.get(r.consumerNumber) ?? []), r]);
    for (const consumerNumber of chunk) {
      const own = byConsumer.get(consumerNumber) ?? [];
      const billed = own.filter((r) => r.kind === 'bill' && r.billId && periodOf.has(r.billId));
      const credit = -own.filter((r) => r.kind !== 'bill').reduce((sum, r) => sum + toPaise(r.amount), 0);
      const settled = settleBills(
        billed.map((r) => ({
          billId: r.billId!,
          period: periodOf.get(r.billId!)!,
          amount: toPaise(r.amount),
        })),
        credit,
      );
      out.set(consumerNumber, {
        balance: own.reduce((sum, r) => sum + toPaise(r.amount), 0),
        settlements: new Map(settled.map((b) => [b.billId, b])),
      });
    }
  }
  return out;
}

export async function readAccountSummary(db: Database, consumerNumber: string, months = 6) {
  const account = await readConsumerSupply(db, consumerNumber);
  if (!account) return undefined;
  const rows = await db
    .select()
    .from(bills)
    .where(eq(bills.consumerNumber, consumerNumber))
    .orderBy(desc(bills.period));
  const { settlements } = (await readSettlements(db, [consumerNumber])).get(consumerNumber)!;
  const owed = (billId: string) => settlements.get(billId)?.outstanding ?? 0;
  const billed = (billId: string) => settlements.get(billId)?.amount ?? 0;
  const unpaid = rows.filter((b) => owed(b.id) > 0);
  const latest = rows[0];
  const paid = rows.find((b) => settlements.has(b.id) && owed(b.id) === 0);
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
          amount: paiseToRupees(billed(latest.id)),
          dueDate: latest.dueDate,
          paid: owed(latest.id) === 0,
        }
      : null,
    arrears: {
      amount: paiseToRupees(unpaid.reduce((sum, b) => sum + owed(b.id), 0)),
      bills: unpaid.length,
    },
    consumption: rows.slice(0, months).map((b) => ({ period: b.period, unitsKwh: Number(b.unitsKwh) })),
    lastPayment: paid ? { period: paid.period, amount: paiseToRupees(billed(paid.id)) } : null,
  };
  return summary;
}

export type TLedgerEntry = {
  id: number;
  kind: TPostingKind;
  amount: number;
  billId: string | null;
  sourceRef: string;
  postedAt: string;
  note: string | null;
  reversesId: number | null;
  /** the reversal of this posting, when it was reversed */
  reversedById: number | null;
  /** the balance after this posting (positive: owed) */
  balance: number;
};

/** A page of a consumer's postings, newest first, each with the balance after it. */
export async function readLedgerPage(
  db: Database,
  consumerNumber: string,
  { page, pageSize }: { page: number; pageSize: number },
) {
  const running = db
    .select({
      id: ledgerPostings.id,
      kind: ledgerPostings.kind,
      amount: ledgerPostings.amount,
      billId: ledgerPostings.billId,
      sourceRef: ledgerPostings.sourceRef,
      postedAt: ledgerPostings.postedAt,
      note: ledgerPostings.note,
      reversesId: ledgerPostings.reversesId,
      // spelled out: inside a subquery drizzle names the outer column without its table
      reversedById: sql<
        string | null
      >`(select r.id from ledger_postings as r where r.reverses_id = "ledger_postings"."id")`.as(
        'reversed_by_id',
      ),
      balance:
        sql<string>`sum(${ledgerPostings.amount}) over (order by ${ledgerPostings.postedAt}, ${ledgerPostings.id})`.as(
          'balance',
        ),
    })
    .from(ledgerPostings)
    .where(eq(ledgerPostings.consumerNumber, consumerNumber))
    .as('running');
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(running)
      .orderBy(desc(running.postedAt), desc(running.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({
        total: sql<number>`count(*)::int`,
        balance: sql<string>`coalesce(sum(${ledgerPostings.amount}), 0)`,
      })
      .from(ledgerPostings)
      .where(eq(ledgerPostings.consumerNumber, consumerNumber)),
  ]);
  const items: TLedgerEntry[] = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    amount: paiseToRupees(toPaise(r.amount)),
    billId: r.billId,
    sourceRef: r.sourceRef,
    postedAt: r.postedAt.toISOString(),
    note: r.note,
    reversesId: r.reversesId,
    reversedById: r.reversedById === null ? null : Number(r.reversedById),
    balance: paiseToRupees(toPaise(r.balance)),
  }));
  return { items, total: totals?.total ?? 0, balance: paiseToRupees(toPaise(totals?.balance ?? '0')) };
}
