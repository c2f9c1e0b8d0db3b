import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TLanguage } from './notice-templates';

/** A notice to a consumer (their channels and language), to the staff of an office in a role, or to one staff member. */
export type TNoticeInput = {
  /** idempotency key: workflow id + step; one key is delivered once */
  key: string;
  /** a consumer, the staff of an office in a role, or one person of the staff directory */
  to: { consumerNumber: string } | { officeId: string; role: string } | { staffSubject: string };
  template: string;
  params: Record<string, TNoticeParam>;
};

/** A name in every language the catalogue has it in; English is always there. */
export type TLocalised = { en: string } & Partial<Record<TLanguage, string>>;

/**
 * What a notice says besides its own words, put in the reader's language when it is rendered (so
 * one office notice reaches each person in theirs): plain text and instants as they are, a
 * catalogue name, a built-in phrase of `messages/phrases`, an officer's own words (passed on as
 * typed, marked as the office's), document kinds, or a list of any of these.
 */
export type TNoticeParam =
  | string
  | { text: TLocalised }
  | { phrase: string; values?: Record<string, TNoticeParam> }
  | { officeWords: string }
  | { documentKinds: readonly string[] }
  | { office: string }
  | { list: readonly TNoticeParam[] };

/** The office ids a notice's parameters name, to look their names up before it is rendered. */
export function officesNamed(
  params: Record<string, TNoticeParam> | readonly TNoticeParam[],
  into = new Set<string>(),
) {
  for (const v of Object.values(params)) {
    if (typeof v === 'string') continue;
    if ('office' in v) into.add(v.office);
    else if ('list' in v) officesNamed(v.list, into);
    else if ('phrase' in v && v.values) officesNamed(v.values, into);
  }
  return into;
}

/** The parameters with each `{ office }` replaced by the office's name (its id when unknown). */
export function withOfficeNames<P extends Record<string, TNoticeParam> | readonly TNoticeParam[]>(
  params: P,
  names: ReadonlyMap<string, string>,
): P {
  const one = (v: TNoticeParam): TNoticeParam =>
    typeof v === 'string'
      ? v
      : 'office' in v
        ? (names.get(v.office) ?? v.office)
        : 'list' in v
          ? { list: v.list.map(one) }
          : 'phrase' in v && v.values
            ? { phrase: v.phrase, values: withOfficeNames(v.values, names) }
            : v;
  return (
    Array.isArray(params)
      ? params.map(one)
      : Object.fromEntries(Object.entries(params).map(([k, v]) => [k, one(v)]))
  ) as P;
}

export type TNoticePlan = {
  /** channels in the order they are tried */
  chain: string[];
  language: TLanguage;
  /** quiet hours: a non-urgent notice waits until then */
  notBefore?: string;
  receiptTimeoutMs: number;
};

export type TNoticeOutcome = {
  status: 'delivered' | 'undelivered';
  channel?: string;
  attempts: { attempt: number; channel: string; outcome: string }[];
};

export type TDeliveryReceipt = { attempt: number; status: 'delivered' | 'failed'; detail?: string };

export const deliveryReceiptSignal = defineSignal<[TDeliveryReceipt]>('deliveryReceipt');
export const noticeStatusQuery = defineQuery<TNoticeOutcome>('noticeStatus');

/** Notice workflows are named after their key, so starting one twice is harmless. */
export const noticeWorkflowId = (key: string) => `notice/${key}`;
