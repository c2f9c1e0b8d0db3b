import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { compensationCredits, consumers, ledgerPostings, offices } from '../db/schema';
import {
  isAreaClass,
  type TAreaClass,
  type TCompensationCredit,
  type TCompensationDue,
} from '../domain/compensation';
import { paiseToDecimal, paiseToRupees, postingKey, toPaise } from '../domain/ledger';
import { installedProfile } from '../domain/utility-profile';

export type CompensationActivityDeps = { db: Database; now: () => Date };

/** The amount as the utility writes it, in its currency ("₹250.00"). */
export const compensationAmountText = (amount: number): string => {
  const profile = installedProfile();
  return new Intl.NumberFormat(profile.locales.en, { style: 'currency', currency: profile.currency }).format(
    amount,
  );
};

/** `YYYY-MM` of an instant in the utility's zone (the KPIs' month). */
const monthOf = (at: Date) =>
  new Date(at.getTime() + installedProfile().utcOffsetMinutes * 60_000).toISOString().slice(0, 7);

type TCreditRow = typeof compensationCredits.$inferSelect;
export const creditOfRow = (row: TCreditRow): TCompensationCredit => {
  const amount = paiseToRupees(toPaise(row.amount));
  return {
    amount,
    amountText: compensationAmountText(amount),
    periodsLate: row.periodsLate,
    rule: row.rule,
    areaClass: row.areaClass,
    standardMs: row.standardMs,
    lateMs: row.lateMs,
    citation: row.citation,
    capped: row.capped,
    postingId: row.postingId,
    creditedAt: row.creditedAt.toISOString(),
  };
};

export function createCompensationActivities(deps: CompensationActivityDeps) {
  const { db, now } = deps;
  return {
    /** Which timeline applies to a consumer: their own area class, else their section office's. */
    async areaClassOf(input: { consumerNumber: string }): Promise<TAreaClass> {
      const [row] = await db
        .select({ areaClass: sql<string>`coalesce(${consumers.areaClass}, ${offices.areaClass})` })
        .from(consumers)
        .innerJoin(offices, eq(offices.id, consumers.sectionOfficeId))
        .where(eq(consumers.consumerNumber, input.consumerNumber));
      return isAreaClass(row?.areaClass) ? row.areaClass : 'urban';
    },

    /**
     * Credits what the workflow computed to the consumer's ledger, once per Request Number: the
     * posting (idempotency key `compensation/<request number>`) and the KPI row in one
     * transaction. A retry, a replay or a second completion gets the first credit back.
     */
    async creditCompensation(input: {
      source: 'service-request' | 'complaint';
      requestNumber: string;
      typeCode: string;
      consumerNumber: string;
      officeId: string;
      due: TCompensationDue;
    }): Promise<TCompensationCredit> {
      const { due } = input;
      const at = now();
      return db.transaction(async (tx) => {
        const key = postingKey.compensation(input.requestNumber);
        const [posted] = await tx
          .insert(ledgerPostings)
          .values({
            consumerNumber: input.consumerNumber,
            kind: 'compensation',
            amount: paiseToDecimal(-due.amountPaise),
            sourceRef: `${input.source}/${input.requestNumber}`,
            idempotencyKey: key,
            postedAt: at,
            note: due.citation,
          })
          .onConflictDoNothing({ target: ledgerPostings.idempotencyKey })
          .returning({ id: ledgerPostings.id });
        const postingId =
          posted?.id ??
          (
            await tx
              .select({ id: ledgerPostings.id })
              .from(ledgerPostings)
              .where(eq(ledgerPostings.idempotencyKey, key))
          )[0]!.id;
        await tx
          .insert(compensationCredits)
          .values({
            requestNumber: input.requestNumber,
            source: input.source,
            typeCode: input.typeCode,
            consumerNumber: input.consumerNumber,
            officeId: input.officeId,
            month: monthOf(at),
            areaClass: due.areaClass,
            standardMs: due.standardMs,
            elapsedMs: due.elapsedMs,
            lateMs: due.lateMs,
            periodsLate: due.periodsLate,
            rule: due.rule,
            capped: due.capped,
            citation: due.citation,
            example: due.example,
            amount: paiseToDecimal(due.amountPaise),
            postingId,
            creditedAt: at,
          })
          .onConflictDoNothing({ target: compensationCredits.requestNumber });
        const [row] = await tx
          .select()
          .from(compensationCredits)
          .where(eq(compensationCredits.requestNumber, input.requestNumber));
        return creditOfRow(row!);
      });
    },
  };
}
