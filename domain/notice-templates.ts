/**
 * Every notice Seva sends. What each notice is (audience, urgency, parameters) is here; what it
 * says, in every language, is in the message files `messages/notices/<language>.json` (ICU
 * MessageFormat, see `domain/messages.ts`), which a translator edits without touching code.
 * Words a notice carries that are not in the notice itself — catalogue names, document kinds,
 * built-in phrases such as the default delay reason, an officer's own words — travel as
 * structured parameters (`TNoticeParam`) and are put in the reader's language here.
 * A test renders every template in every language and fails on any missing translation.
 */
import en from '../messages/notices/en.json' with { type: 'json' };
import hi from '../messages/notices/hi.json' with { type: 'json' };
import ml from '../messages/notices/ml.json' with { type: 'json' };
import ru from '../messages/notices/ru.json' with { type: 'json' };
import vi from '../messages/notices/vi.json' with { type: 'json' };
import phraseEn from '../messages/phrases/en.json' with { type: 'json' };
import phraseHi from '../messages/phrases/hi.json' with { type: 'json' };
import phraseMl from '../messages/phrases/ml.json' with { type: 'json' };
import phraseRu from '../messages/phrases/ru.json' with { type: 'json' };
import phraseVi from '../messages/phrases/vi.json' with { type: 'json' };
import { localeOf, type TLanguage } from './languages';
import { defaultTimeZone, MessageBook } from './messages';
import { installedProfile } from './utility-profile';
import type { TNoticeParam } from './notices';

export { isLanguage, LANGUAGES, localeOf, type TLanguage } from './languages';

/** The notices' own words. */
export const NOTICE_MESSAGES = new MessageBook('notices', { en, ml, hi, vi, ru }, 'en');
/** Built-in words that notices (and pages) carry as parameters: document kinds, channels, the default delay reason… */
export const PHRASES = new MessageBook(
  'phrases',
  { en: phraseEn, ml: phraseMl, hi: phraseHi, vi: phraseVi, ru: phraseRu },
  'en',
);

export type TNoticeTemplate = {
  audience: 'consumer' | 'staff';
  /** outages, disconnection and emergencies reach the consumer whatever their opt-outs */
  mandatory: boolean;
  /** sent at once, even in quiet hours */
  urgent: boolean;
  params: readonly string[];
};

const t = (
  audience: TNoticeTemplate['audience'],
  flags: { mandatory?: boolean; urgent?: boolean },
  params: readonly string[],
): TNoticeTemplate => ({ audience, mandatory: false, urgent: false, ...flags, params });

export const NOTICE_TEMPLATES = {
  'request-received': t('consumer', { urgent: true }, ['requestNumber', 'service', 'dueAt']),
  'documents-requested': t('consumer', { urgent: true }, ['requestNumber', 'kinds', 'message', 'respondBy']),
  'documents-reminder': t('consumer', {}, ['requestNumber', 'kinds', 'respondBy']),
  'delay-notice': t('consumer', { urgent: true }, ['requestNumber', 'service', 'reason', 'newDate']),
  'escalation-alert': t('staff', { urgent: true }, ['requestNumber', 'service', 'level', 'dueAt']),
  'complaint-escalation-alert': t('staff', { urgent: true }, [
    'requestNumber',
    'complaintType',
    'level',
    'resolveBy',
  ]),
  'complaint-delayed': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'newDate']),
  'tat-warning': t('staff', { urgent: true }, ['requestNumber', 'service', 'dueAt']),
  'request-completed': t('consumer', {}, [
    'requestNumber',
    'service',
    'receiptUrl',
    'feedbackUrl',
    'compensation',
  ]),
  'request-rejected': t('consumer', {}, ['requestNumber', 'service', 'reason']),
  'request-abandoned': t('consumer', {}, ['requestNumber', 'service']),
  'request-reopened': t('staff', { urgent: true }, [
    'requestNumber',
    'service',
    'rating',
    'category',
    'comment',
  ]),
  'request-reopened-consumer': t('consumer', { urgent: true }, [
    'requestNumber',
    'service',
    'handler',
    'dueAt',
  ]),
  'feedback-request': t('consumer', {}, ['requestNumber', 'feedbackUrl']),
  'complaint-registered': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'dueAt']),
  'complaint-resolved': t('consumer', { urgent: true }, [
    'requestNumber',
    'complaintType',
    'confirmBy',
    'smsKeyword',
  ]),
  'complaint-reopened': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'dueAt']),
  'complaint-compensated': t('consumer', {}, ['requestNumber', 'complaintType', 'compensation']),
  'complaint-linked-outage': t('consumer', { urgent: true }, ['requestNumber', 'area', 'etr']),
  'complaint-power-restored': t('consumer', { urgent: true }, [
    'requestNumber',
    'area',
    'confirmBy',
    'smsKeyword',
  ]),
  'emergency-alert': t('staff', { mandatory: true, urgent: true }, [
    'requestNumber',
    'location',
    'reportedAt',
  ]),
  'emergency-alert-site': t('staff', { mandatory: true, urgent: true }, [
    'requestNumber',
    'consumer',
    'address',
    'supply',
    'reported',
    'channel',
    'reportedAt',
  ]),
  'emergency-realert': t('staff', { mandatory: true, urgent: true }, [
    'requestNumber',
    'consumer',
    'address',
    'supply',
    'reported',
    'channel',
    'reportedAt',
    'waiting',
    'alert',
    'alerted',
  ]),
  'emergency-acknowledged': t('staff', { urgent: true }, ['requestNumber', 'by', 'note']),
  'outage-planned': t('consumer', { mandatory: true }, ['area', 'start', 'end']),
  'outage-emergency': t('consumer', { mandatory: true, urgent: true }, ['area', 'etr']),
  'outage-etr-changed': t('consumer', { mandatory: true, urgent: true }, ['area', 'etr']),
  'outage-restored': t('consumer', { mandatory: true }, ['area']),
  'outage-rescheduled': t('consumer', { mandatory: true }, ['area', 'start', 'end']),
  'outage-cancelled': t('consumer', { mandatory: true }, ['area', 'start']),
  'call-list-overdue': t('staff', { urgent: true }, [
    'consumerNumber',
    'consumer',
    'reason',
    'area',
    'since',
  ]),
  'disconnection-reminder': t('consumer', { mandatory: true }, ['consumerNumber', 'amount', 'date']),
  'campaign-safety-advisory': t('consumer', {}, ['area', 'phone']),
  'campaign-message': t('consumer', {}, ['title', 'message']),
  'payment-posted': t('consumer', {}, ['consumerNumber', 'amount', 'receiptNumber']),
} as const satisfies Record<string, TNoticeTemplate>;

export type TTemplateId = keyof typeof NOTICE_TEMPLATES;
export const TEMPLATE_IDS = Object.keys(NOTICE_TEMPLATES) as TTemplateId[];
export const isTemplateId = (v: unknown): v is TTemplateId =>
  typeof v === 'string' && Object.hasOwn(NOTICE_TEMPLATES, v);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Dates travel as ISO instants; people read them in their language and zone, as notices print them. */
export function formatParam(value: string, language: TLanguage, timeZone = defaultTimeZone()): string {
  if (!ISO_INSTANT.test(value)) return value;
  return PHRASES.format(language, 'when', { at: value }, timeZone);
}

export type TRenderedNotice = { subject: string; body: string; language: TLanguage };

/**
 * A parameter in the reader's language: a name in the language (English when not translated), a
 * built-in phrase, an officer's words as typed and marked as theirs, a list.
 */
export function resolveParam(
  value: TNoticeParam | undefined,
  language: TLanguage,
  timeZone = defaultTimeZone(),
): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if ('text' in value) return value.text[language] ?? value.text.en;
  if ('phrase' in value) {
    const values = Object.fromEntries(
      Object.entries(value.values ?? {}).map(([k, v]) => [k, resolveParam(v, language, timeZone)]),
    );
    return PHRASES.format(language, value.phrase, values, timeZone);
  }
  if ('office' in value) return value.office;
  if ('officeWords' in value) return PHRASES.format(language, 'office-words', { text: value.officeWords });
  if ('documentKinds' in value)
    return list(
      value.documentKinds.map((k) =>
        PHRASES.has('en', `document-kind.${k}`) ? PHRASES.format(language, `document-kind.${k}`) : k,
      ),
      language,
    );
  return list(
    value.list.map((v) => resolveParam(v, language, timeZone) ?? ''),
    language,
  );
}

const list = (items: string[], language: TLanguage) =>
  new Intl.ListFormat(localeOf(installedProfile(), language), { style: 'long', type: 'conjunction' }).format(
    items,
  );

/**
 * An instant in the utility's zone, the zone named in the reader's words ("… IST", "… (giờ Việt
 * Nam)", "… (МСК)"), where the reader may be elsewhere. The phrase is the profile's `zonePhrase`.
 */
export const formatUtilityTime = (iso: string, language: TLanguage): string =>
  PHRASES.format(language, installedProfile().zonePhrase, { at: iso });

/** A decision of the trail (`document-accept`, `step-<id>`, …) in the reader's words; unknown ones as they are. */
export function decisionWords(action: string, language: TLanguage, stepName: (id: string) => string): string {
  if (action.startsWith('step-'))
    return PHRASES.format(language, 'decision.step', { step: stepName(action.slice('step-'.length)) });
  return PHRASES.has('en', `decision.${action}`) ? PHRASES.format(language, `decision.${action}`) : action;
}

/** Renders a template in a language; a missing parameter renders empty, and drops a part that needs it. */
export function renderNotice(
  templateId: TTemplateId,
  language: TLanguage,
  params: Record<string, TNoticeParam | undefined>,
  timeZone = defaultTimeZone(),
): TRenderedNotice {
  const values = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, resolveParam(v, language, timeZone)]),
  );
  return {
    subject: NOTICE_MESSAGES.format(language, `${templateId}.subject`, values, timeZone).trim(),
    body: NOTICE_MESSAGES.format(language, `${templateId}.body`, values, timeZone).trim(),
    language,
  };
}

// ---- SMS length ----

// GSM 03.38 basic character set, and the extension table (each costs two septets).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export type TSmsLength = { encoding: 'GSM-7' | 'UCS-2'; units: number; segments: number };

/** How an SMS is encoded and how many segments it takes (160/153 septets, or 70/67 UCS-2 units). */
export function smsLength(text: string): TSmsLength {
  let septets = 0;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      const units = text.length; // UTF-16 code units
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
