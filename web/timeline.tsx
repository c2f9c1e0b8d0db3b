/** @jsxImportSource hono/jsx */
import type { TTimelineEntry } from '../domain/service-request';
import { documentKindName } from './catalogue-words';
import type { TPage } from './layout';
import { portalMessages } from './messages';

/**
 * What the timeline says about one entry, in the reader's words: the event is a message of its
 * own (`timeline.<event>`); of the detail only what the reader needs is kept — the office's own
 * words, marked as theirs, file names, times in the reader's language — never the workflow's
 * English sentences.
 */
export type TEntryWords = { event: string; detail?: string };

const officeWords = (page: TPage, text: string | undefined) =>
  text ? page.t('timeline.officeWords', { text }) : undefined;

export function describeEntry(
  page: TPage,
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
    default:
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
