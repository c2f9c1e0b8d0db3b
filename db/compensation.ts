import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { TAreaClass, TCompensationDue } from '../domain/compensation';
import { paiseToRupees, toPaise } from '../domain/ledger';
import type { Database } from './client';
import { compensationCredits, offices } from './schema';

export type TCompensationItem = {
  requestNumber: string;
  source: 'service-request' | 'complaint';
  typeCode: string;
  amount: number;
  areaClass: TAreaClass;
  standardMs: number;
  elapsedMs: number;
  lateMs: number;
  periodsLate: number;
  rule: TCompensationDue['rule'];
  capped: boolean;
  citation: string;
  example: boolean;
  postingId: number;
  creditedAt: string;
};

/** A consumer's compensation credits, newest first, with their total. */
export async function readCompensationPage(
  db: Database,
  consumerNumber: string,
  { page, pageSize }: { page: number; pageSize: number },
) {
  const mine = eq(compensationCredits.consumerNumber, consumerNumber);
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(compensationCredits)
      .where(mine)
      .orderBy(desc(compensationCredits.creditedAt), desc(compensationCredits.requestNumber))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({
        total: sql<number>`count(*)::int`,
        amount: sql<string>`coalesce(sum(${compensationCredits.amount}), 0)`,
      })
      .from(compensationCredits)
      .where(mine),
  ]);
  const items: TCompensationItem[] = rows.map((r) => ({
    requestNumber: r.requestNumber,
    source: r.source as TCompensationItem['source'],
    typeCode: r.typeCode,
    amount: paiseToRupees(toPaise(r.amount)),
    areaClass: r.areaClass,
    standardMs: r.standardMs,
    elapsedMs: r.elapsedMs,
    lateMs: r.lateMs,
    periodsLate: r.periodsLate,
    rule: r.rule,
    capped: r.capped,
    citation: r.citation,
    example: r.example,
    postingId: r.postingId,
    creditedAt: r.creditedAt.toISOString(),
  }));
  return {
    items,
    total: totals?.total ?? 0,
    amount: paiseToRupees(toPaise(totals?.amount ?? '0')),
  };
}

/** Compensation credited by office and month (`YYYY-MM`, the utility's zone), months inclusive. */
export async function readCompensationSummary(db: Database, range: { from: string; to: string }) {
  const rows = await db
    .select({
      officeId: compensationCredits.officeId,
      officeName: sql<string | null>`max(${offices.name})`,
      month: compensationCredits.month,
      credits: sql<number>`count(*)::int`,
      amount: sql<string>`sum(${compensationCredits.amount})`,
      lateMs: sql<string>`sum(${compensationCredits.lateMs})`,
    })
    .from(compensationCredits)
    .leftJoin(offices, eq(offices.id, compensationCredits.officeId))
    .where(and(gte(compensationCredits.month, range.from), lte(compensationCredits.month, range.to)))
    .groupBy(compensationCredits.month, compensationCredits.officeId)
    .orderBy(compensationCredits.month, compensationCredits.officeId);
  const items = rows.map((r) => ({
    officeId: r.officeId,
    officeName: r.officeName ?? r.officeId,
    month: r.month,
    credits: r.credits,
    amount: paiseToRupees(toPaise(r.amount)),
    lateMs: Number(r.lateMs),
  }));
  return {
    items,
    credits: items.reduce((n, r) => n + r.credits, 0),
    amount: paiseToRupees(items.reduce((n, r) => n + toPaise(r.amount.toFixed(2)), 0)),
  };
}
