import type { createCompensationActivities } from '../activities/compensation';
import {
  compensationDue,
  shortestTimelineMs,
  type TCompensationCredit,
  type TStandard,
} from '../domain/compensation';

type TCompensationActs = Pick<
  ReturnType<typeof createCompensationActivities>,
  'areaClassOf' | 'creditCompensation'
>;

/**
 * What a missed standard of performance owes for `elapsedMs` of a workflow's own clock, credited
 * to the ledger once (the activity keys the posting by Request Number). The area class is asked
 * for only when the clock passed the shortest timeline: below it nothing is owed anywhere.
 */
export async function creditIfLate(
  acts: TCompensationActs,
  input: {
    source: 'service-request' | 'complaint';
    standard: TStandard;
    elapsedMs: number;
    requestNumber: string;
    typeCode: string;
    consumerNumber: string;
    officeId: string;
  },
): Promise<TCompensationCredit | undefined> {
  const { standard, elapsedMs, ...who } = input;
  if (elapsedMs <= shortestTimelineMs(standard)) return undefined;
  const areaClass = await acts.areaClassOf({ consumerNumber: who.consumerNumber });
  const due = compensationDue({ standard, areaClass, elapsedMs });
  if (!due) return undefined;
  return acts.creditCompensation({ ...who, due });
}
