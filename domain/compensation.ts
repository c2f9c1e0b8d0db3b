/**
 * Statutory compensation, without a database and without zod (workflows load this module): the
 * standard of performance a catalogue entry carries, and what is due when a request or complaint
 * took longer than the standard allows for the consumer's area class. Pure and deterministic:
 * workflows call it with their own TAT clock's figures.
 */
import { businessTimeBetween, parseBusinessDuration, type TBusinessCalendar } from './calendar';

export const AREA_CLASSES = ['urban', 'rural', 'hilly'] as const;
export type TAreaClass = (typeof AREA_CLASSES)[number];
export const isAreaClass = (v: unknown): v is TAreaClass =>
  typeof v === 'string' && (AREA_CLASSES as readonly string[]).includes(v);

/** Where a figure comes from: the regulation's words, and whether the figure is only an example. */
export type TStandardSource = {
  citation: string;
  url?: string;
  /** true: a demo figure, not taken from the cited text (README: "Statutory compensation") */
  example: boolean;
  note?: string;
};

/**
 * What the utility pays when the standard is missed. Amounts are in the profile's currency (major
 * units, e.g. rupees); `day` is how much of the request's own clock counts as one day of delay
 * (`7h` is a working day on the 10:00–17:00 office calendar, `24h` round the clock).
 */
export type TCompensationRule =
  | { kind: 'per-day'; amount: number; day?: string; cap?: number; source: TStandardSource }
  | { kind: 'per-hour'; amount: number; cap?: number; source: TStandardSource }
  | { kind: 'per-case'; amount: number; source: TStandardSource };

/** A standard of performance: the timeline per area class on the request's own clock, and the rule. */
export type TStandard = {
  /** business durations on the type's clock (`49h`, `30s`), one per area class */
  timeline: Record<TAreaClass, string>;
  compensation: TCompensationRule;
  /** shown to the consumer: the regulation and its clause */
  citation: string;
  /** where the timeline comes from */
  source: TStandardSource;
};

/** What is due for one request or complaint (money in paise, so sums are exact). */
export type TCompensationDue = {
  areaClass: TAreaClass;
  standardMs: number;
  elapsedMs: number;
  lateMs: number;
  /** days (per-day), hours (per-hour) or 1 (per-case) */
  periodsLate: number;
  rule: { kind: TCompensationRule['kind']; amount: number; cap?: number; day?: string };
  amountPaise: number;
  capped: boolean;
  citation: string;
  example: boolean;
};

const HOUR = 3_600_000;
const paise = (amount: number) => Math.round(amount * 100);

/** The period one unit of delay is counted in, in ms of the clock (none for a per-case rule). */
export function periodMs(rule: TCompensationRule): number | undefined {
  if (rule.kind === 'per-case') return undefined;
  if (rule.kind === 'per-hour') return HOUR;
  return parseBusinessDuration(rule.day ?? '24h');
}

/** The shortest timeline of a standard: a clock below it is on time whatever the area class. */
export const shortestTimelineMs = (standard: TStandard): number =>
  Math.min(...AREA_CLASSES.map((c) => parseBusinessDuration(standard.timeline[c])));

/**
 * What is due after `elapsedMs` of the clock (paused time and delays the consumer caused already
 * left out), or nothing when it is within the standard: exactly on time is on time. Every started
 * day (or hour) of delay counts; the cap bounds the total.
 */
export function compensationDue(input: {
  standard: TStandard;
  areaClass: TAreaClass;
  elapsedMs: number;
}): TCompensationDue | undefined {
  const { standard, areaClass, elapsedMs } = input;
  const standardMs = parseBusinessDuration(standard.timeline[areaClass]);
  const lateMs = elapsedMs - standardMs;
  if (!(lateMs > 0)) return undefined;
  const rule = standard.compensation;
  const period = periodMs(rule);
  const periodsLate = period === undefined ? 1 : Math.ceil(lateMs / period);
  const uncapped = paise(rule.amount) * periodsLate;
  const cap = rule.kind === 'per-case' ? undefined : rule.cap;
  const amountPaise = cap === undefined ? uncapped : Math.min(uncapped, paise(cap));
  if (amountPaise <= 0) return undefined;
  return {
    areaClass,
    standardMs,
    elapsedMs,
    lateMs,
    periodsLate,
    rule: {
      kind: rule.kind,
      amount: rule.amount,
      ...(cap === undefined ? {} : { cap }),
      ...(rule.kind === 'per-day' ? { day: rule.day ?? '24h' } : {}),
    },
    amountPaise,
    capped: amountPaise < uncapped,
    citation: standard.citation,
    example: standard.source.example || rule.source.example,
  };
}

/** A clock's history: it runs from each `running: true` event to the next `running: false` one. */
export type TClockEvent = { at: string; running: boolean };

/** How long a clock ran up to `until`, in business time on `calendar`: its paused spans left out. */
export function runningTime(
  events: readonly TClockEvent[],
  until: string,
  calendar: TBusinessCalendar,
): number {
  let total = 0;
  let since: Date | undefined;
  const end = new Date(until);
  for (const e of events) {
    const at = new Date(e.at);
    if (e.running && !since) since = at;
    else if (!e.running && since) {
      total += businessTimeBetween(since, at < end ? at : end, calendar);
      since = undefined;
    }
  }
  if (since) total += businessTimeBetween(since, end, calendar);
  return total;
}

/**
 * A complaint's restoration clock from its timeline: it runs from the registration (and from each
 * reopening) until the complaint is resolved; the time it stood resolved, waiting for the
 * consumer's word, is not counted.
 */
export function complaintClockEvents(timeline: readonly { at: string; event: string }[]): TClockEvent[] {
  return timeline.flatMap((e): TClockEvent[] =>
    e.event === 'registered' || e.event === 'reopened'
      ? [{ at: e.at, running: true }]
      : e.event === 'resolved'
        ? [{ at: e.at, running: false }]
        : [],
  );
}

/** What the workflow keeps of a credit, and names on the receipt, the notice and the portal. */
export type TCompensationCredit = {
  /** in the profile's currency, major units */
  amount: number;
  /** the amount as the utility writes it ("₹250.00") */
  amountText: string;
  periodsLate: number;
  rule: TCompensationDue['rule'];
  areaClass: TAreaClass;
  standardMs: number;
  lateMs: number;
  citation: string;
  capped: boolean;
  postingId: number;
  creditedAt: string;
};

/** The notice parameter that words a credit in the reader's language (messages/phrases). */
export const compensationPhrase = (c: TCompensationCredit) => ({
  phrase: `compensation.${c.rule.kind}`,
  values: { amount: c.amountText, periods: String(c.periodsLate), citation: c.citation },
});
