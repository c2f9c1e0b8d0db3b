/** @jsxImportSource hono/jsx */
import type { TTimelineEntry } from '../domain/service-request';
import { documentKindName } from './catalogue-words';
import type { TPage } from './layout';
import type { TLanguage } from '../domain/languages';
import type { MessageBook } from '../domain/messages';
import { portalMessages } from './messages';

/**
 * What the timeline says about one entry, in the reader's words: the event is a message of its
 * own (`timeline.<event>`); of the detail only what the reader needs is kept, from the values the
 * workflow recorded with it — a channel, a level, a share of the time, a rating, file names,
 * times in the reader's language — and the office's (or the consumer's) own words, marked as
 * theirs; never the workflow's English sentences. The portal and the console both draw it.
 */
export type TEntryWords = { event: string; detail?: string };

/** What describing needs of a page: its language and the portal's messages in it. */
export type TTimelineReader = Pick<TPage, 't' | 'language'>;

/**
 * The portal's timeline words for a page of another area (the console) in `language`; `own`: that
 * area's messages, whose `timeline.*` keys, where it has them, say it to staff rather than to the
 * consumer ("the consumer confirmed" for "you confirmed").
 */
export const timelineReader = (language: TLanguage, own?: MessageBook): TTimelineReader => ({
  language,
  t: (key, values) =>
    own?.has('en', key) ? own.format(language, key, values) : portalMessages.format(language, key, values),
});

const officeWords = (page: TTimelineReader, text: string | undefined) =>
  text ? page.t('timeline.officeWords', { text }) : undefined;

/** "… via sms" as the workflows record a channel: the channel in words. */
const via = (page: TTimelineReader, detail: string | undefined) => {
  const channel = / via (\w+)$|^via (\w+)$/.exec(detail ?? '');
  const name = channel?.[1] ?? channel?.[2];
  return name ? page.t('timeline.via', { channel: name }) : undefined;
};

/** The English the workflows write of their own accord: nobody's words, so shown as a message or not at all. */
const SYSTEM_WORDS = new Set(['withdrawn by the consumer', 'documents still awaited']);

export function describeEntry(
  page: TTimelineReader,
  entry: TTimelineEntry,
  context: { stepName?: (at: string) => string | undefined } = {},
): TEntryWords {
  const { t, language } = page;
  const key = `timeline.${entry.event}`;
  const event = portalMessages.has('en', key) ? t(key) : entry.event;
  const d = entry.detail;
  switch (entry.event) {
    case 'documents-requested': {
      const i = d?.indexOf(': ') ?? -1;
      if (!d || i < 0) return { event };
      const kinds = d
        .slice(0, i)
        .split(', ')
        .map((k) => documentKindName(k, language))
        .join(', ');
      return { event, detail: `${kinds} — ${officeWords(page, d.slice(i + 2))}` };
    }
    case 'documents-added':
    case 'document-accepted':
    case 'document-rejected': {
      // "address: proof.pdf — reason": the kind in words, the file name, the office's reason
      const parts = (d ?? '').split('; ').map((p) => {
        const [head, reason] = p.split(' — ');
        const j = head!.indexOf(': ');
        const named =
          j < 0 ? head! : `${documentKindName(head!.slice(0, j), language)}: ${head!.slice(j + 2)}`;
        return reason ? `${named} — ${officeWords(page, reason)}` : named;
      });
      return { event, detail: parts.join('; ') || undefined };
    }
    case 'step-done':
      return { event, detail: context.stepName?.(entry.at) };
    case 'rejected':
    case 'delay-reported':
    case 'crew-assigned':
      return {
        event,
        detail: entry.by ? officeWords(page, d?.replace(/ \(expected by .*\)$/, '')) : undefined,
      };
    case 'resolved':
      // a crew's resolution is the office's words; a restoration says so itself
      return { event, detail: entry.by ? officeWords(page, d) : undefined };
    case 'linked-to-outage': {
      const etr = /ETR (\S+)$/.exec(d ?? '')?.[1];
      return { event, detail: etr ? t('timeline.etr', { etr }) : undefined };
    }
    case 'etr-changed':
      return { event, detail: d && !Number.isNaN(Date.parse(d)) ? t('timeline.etr', { etr: d }) : undefined };
    case 'submitted':
    case 'registered':
    case 'reported-again':
      return { event, detail: via(page, d) };
    case 'escalated': {
      const level = /^level (\d+)/.exec(d ?? '')?.[1];
      return { event, detail: level ? t('timeline.level', { level: Number(level) }) : undefined };
    }
    case 'tat-warning': {
      const share = /^(\d+)% /.exec(d ?? '')?.[1];
      return { event, detail: share ? t('timeline.share', { share: Number(share) / 100 }) : undefined };
    }
    case 'feedback': {
      // "4/5 category: comment"
      const m = /^(\d)\/5 [\w-]+(?:: ([\s\S]*))?$/.exec(d ?? '');
      if (!m) return { event };
      const rating = t('timeline.rating', { rating: Number(m[1]) });
      return { event, detail: m[2] ? `${rating} — ${officeWords(page, m[2])}` : rating };
    }
    case 'closed':
      // a complaint closed because the consumer did not answer, or closed by someone with a word
      return {
        event,
        detail: /^no answer from the consumer/.test(d ?? '')
          ? t('timeline.noAnswer')
          : entry.by
            ? officeWords(page, d)
            : undefined,
      };
    case 'withdrawn':
    case 'acknowledged':
      return { event, detail: d && !SYSTEM_WORDS.has(d) ? officeWords(page, d) : undefined };
    case 'reopened':
      // a consumer's "not fixed" is their words; an escalation's "to the … of …" the system's
      return { event, detail: entry.by && d && !/^to the /.test(d) ? officeWords(page, d) : undefined };
    default:
      // completed, abandoned, tat-breached, reminder-sent, reassigned, unlinked-from-outage…: the
      // event says it; their details are the system's English or staff ids.
      return { event };
  }
}

/** The timeline, oldest first, each entry with its time in the reader's language. */
export function Timeline(props: {
  page: TPage;
  entries: TTimelineEntry[];
  stepName?: (at: string) => string | undefined;
}) {
  const { page } = props;
  return (
    <ol class="timeline">
      {props.entries.map((entry) => {
        const words = describeEntry(page, entry, { stepName: props.stepName });
        return (
          <li class={`timeline-entry event-${entry.event}`}>
            <span class="timeline-when">{page.t('timeline.when', { at: entry.at })}</span>
            <span class="timeline-event">{words.event}</span>
            {words.detail ? <span class="timeline-detail">{words.detail}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
