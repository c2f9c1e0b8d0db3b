import type { TAccountSummary } from '../db/account';
import en from '../messages/channels/en.json' with { type: 'json' };
import hi from '../messages/channels/hi.json' with { type: 'json' };
import ml from '../messages/channels/ml.json' with { type: 'json' };
import ru from '../messages/channels/ru.json' with { type: 'json' };
import vi from '../messages/channels/vi.json' with { type: 'json' };
import { MessageBook, type TMessageValues } from './messages';
import { formatUtilityTime, LANGUAGES, localeOf, type TLanguage } from './notice-templates';
import { installedProfile } from './utility-profile';
import { checkConsumerNumber, consumerNumberInText } from './utility-profile-contract';

/**
 * What the consumer channels (SMS, WhatsApp, IVR, e-mail) understand and answer, in the
 * consumer's language once the consumer is known (English before). Pure text in, text out: the
 * webhooks do the look-ups and the registering, these functions do the words (from the message
 * files). Complaint type names come from the catalogue in the reader's language (the webhooks pass them).
 */

/** A consumer number (the profile's format) standing on its own somewhere in free text (e-mail subject or body). */
export function findConsumerNumber(
  text: string,
  rule = installedProfile().consumerNumber,
): string | undefined {
  const found = consumerNumberInText(rule).exec(text)?.[1];
  const verdict = found === undefined ? undefined : checkConsumerNumber(rule, found);
  return verdict?.ok ? verdict.value : undefined;
}

/** Reads the complaint type from an e-mail's words; anything unrecognised is "other". */
export function guessComplaintType(text: string): string {
  const t = text.toLowerCase();
  const rules: [RegExp, string][] = [
    [/accident|electrocut|shock|fire|spark|injur/, 'electrical-accident'],
    [/no (power|electricity|supply|current)|power (cut|failure|outage)|outage|blackout/, 'no-power'],
    [/fluctuat|bulbs? (fused|blown)|appliances? (burnt|damaged)/, 'high-voltage'],
    [/low voltage|dim|voltage (is )?low/, 'low-voltage'],
    [/high voltage|voltage (is )?high|over ?voltage/, 'high-voltage'],
    [/pole|wire|line (is )?(down|broken|snapped)|snapped|fallen/, 'line-damage'],
    [/meter/, 'meter-defective'],
    [/bill|charge|amount|tariff/, 'billing-dispute'],
  ];
  return rules.find(([re]) => re.test(t))?.[1] ?? 'other';
}

/** The IVR's complaint menu: key 1 is no power; key 2 then a second key picks the type. */
export const IVR_COMPLAINT_KEYS: Record<string, string> = {
  '1': 'low-voltage',
  '2': 'high-voltage',
  '3': 'line-damage',
  '4': 'electrical-accident',
  '5': 'meter-defective',
  '6': 'billing-dispute',
  '9': 'other',
};

/**
 * What unlinks a Zalo or Messenger account: "unlink", or the word of any of the languages
 * (`link.word`), in any case and spacing.
 */
export function isUnlinkWord(input: string): boolean {
  // Vietnamese writes the tone mark of "hủy" on either vowel ("huỷ"): both are the word.
  const t = input.normalize('NFC').trim().toLocaleLowerCase().replace(/\s+/g, ' ').replace('huỷ', 'hủy');
  return LANGUAGES.some((l) => wordsIn(l).link.word.toLocaleLowerCase() === t);
}

/** WhatsApp (and Zalo, Messenger): the main menu (ids answer interactive replies; the digits answer typed text). */
export const WHATSAPP_MENU = [
  { id: 'menu:complaint', key: '1' },
  { id: 'menu:status', key: '2' },
  { id: 'menu:bill', key: '3' },
] as const;

type TWords = {
  askNumber: string;
  unknownConsumer: (n: string) => string;
  privateAccount: (n: string) => string;
  notUnderstood: (input: string) => string;
  thanksNumber: (n: string) => string;
  welcome: (utility: string) => string;
  menu: [string, string, string];
  typesHeader: string;
  linked: (rn: string, area: string, etr: string) => string;
  reopened: (rn: string, type: string) => string;
  joined: (rn: string, type: string, status: string) => string;
  registered: (rn: string, type: string) => string;
  resolveBy: (due: string) => string;
  justClosed: string;
  statusNone: string;
  statusHeader: string;
  due: (due: string) => string;
  status: (s: string) => string;
  bill: (period: string, amount: string, kwh: number, due: string) => string;
  paid: string;
  noBill: string;
  unpaid: (amount: string, bills: number) => string;
  nothingUnpaid: string;
  lastPaid: (period: string, amount: string) => string;
  outageNone: string;
  outagePlanned: (from: string, to: string, reason: string) => string;
  outageNow: (reason: string, etr: string) => string;
  ivrMenu: string;
  ivrComplaintMenu: string;
  ivrAskNumber: string;
  ivrNotInMenu: string;
  emailNoNumber: string;
  subject: string;
  link: {
    codeSent: (n: string, platform: string, last: string) => string;
    codeSms: (n: string, platform: string, code: string, minutes: number, utility: string) => string;
    codeWait: string;
    done: (n: string, platform: string, word: string) => string;
    wrongCode: string;
    needed: (n: string, platform: string) => string;
    unlinked: (n: string, platform: string) => string;
    notLinked: (platform: string) => string;
    word: string;
  };
};

/** The words, in the message files `messages/channels/<language>.json` (ICU MessageFormat). */
export const CHANNEL_MESSAGES = new MessageBook('channels', { en, ml, hi, vi, ru }, 'en');

function wordsOf(language: TLanguage): TWords {
  const m = (key: string, values?: TMessageValues) => CHANNEL_MESSAGES.format(language, key, values);
  const rule = installedProfile().consumerNumber;
  const theNumber = { number: rule.words[language], example: rule.example };
  return {
    subject: m('subject'),
    askNumber: m('askNumberFor', theNumber),
    unknownConsumer: (n) => m('unknownConsumer', { n }),
    privateAccount: (n) => m('privateAccount', { n }),
    notUnderstood: (input) => m('notUnderstood', { input }),
    thanksNumber: (n) => m('thanksNumber', { n }),
    welcome: (utility) => m('welcome', { utility }),
    menu: [m('menu.complaint'), m('menu.status'), m('menu.bill')],
    typesHeader: m('typesHeader'),
    linked: (rn, area, etr) => m('linked', { rn, area, etr }),
    reopened: (rn, type) => m('reopened', { rn, type }),
    joined: (rn, type, status) => m('joined', { rn, type, status }),
    registered: (rn, type) => m('registered', { rn, type }),
    resolveBy: (due) => m('resolveBy', { due }),
    justClosed: m('justClosed'),
    statusNone: m('statusNone'),
    statusHeader: m('statusHeader'),
    due: (due) => m('due', { due }),
    status: (s) => (CHANNEL_MESSAGES.has('en', `statuses.${s}`) ? m(`statuses.${s}`) : s),
    bill: (period, amount, kwh, due) => m('bill', { period, amount, kwh, due }),
    paid: m('paid'),
    noBill: m('noBill'),
    unpaid: (amount, bills) => m('unpaid', { amount, bills }),
    nothingUnpaid: m('nothingUnpaid'),
    lastPaid: (period, amount) => m('lastPaid', { period, amount }),
    outageNone: m('outageNone'),
    outagePlanned: (from, to, reason) => m('outagePlanned', { from, to, reason }),
    outageNow: (reason, etr) => m('outageNow', { reason, etr }),
    ivrMenu: m('ivrMenu'),
    ivrComplaintMenu: m('ivrComplaintMenu'),
    ivrAskNumber: m('ivrAskNumberFor', theNumber),
    ivrNotInMenu: m('ivrNotInMenu'),
    emailNoNumber: m('emailNoNumber'),
    link: {
      codeSent: (n, platform, last) => m('link.codeSent', { n, platform, last }),
      codeSms: (n, platform, code, minutes, utility) =>
        m('link.codeSms', { n, platform, code, minutes, utility }),
      codeWait: m('link.codeWait'),
      done: (n, platform, word) => m('link.done', { n, platform, word }),
      wrongCode: m('link.wrongCode'),
      needed: (n, platform) => m('link.needed', { n, platform }),
      unlinked: (n, platform) => m('link.unlinked', { n, platform }),
      notLinked: (platform) => m('link.notLinked', { platform }),
      word: m('link.word'),
    },
  };
}
/** Built once per profile, at first use: the profile is installed after this module is imported. */
const wordsByProfile = new Map<string, Record<TLanguage, TWords>>();
const wordsIn = (language: TLanguage) => {
  const id = installedProfile().id;
  let all = wordsByProfile.get(id);
  if (!all)
    wordsByProfile.set(
      id,
      (all = Object.fromEntries(LANGUAGES.map((l) => [l, wordsOf(l)])) as Record<TLanguage, TWords>),
    );
  return all[language];
};

export type TComplaintAnswer = {
  requestNumber: string;
  joined: boolean;
  reopened?: boolean;
  status: string;
  typeName: string;
  /** the type's name in other languages, from the catalogue */
  typeTranslations?: Partial<Record<TLanguage, { name: string }>>;
  dueAt: string | null;
  outage: { area: string; etr: string } | null;
};
/** A complaint type as the menu lists it: its name in the reader's language where the catalogue has it. */
export type TMenuType = {
  code: string;
  name: string;
  translations?: Partial<Record<TLanguage, { name: string }>>;
};
export type TOpenItem = { requestNumber: string; name: string; status: string; dueAt: string | null };

/** Every reply of the channels, in one language. */
export function channelWords(language: TLanguage) {
  const w = wordsIn(language);
  const at = (iso: string) => formatUtilityTime(iso, language);
  const profile = installedProfile();
  const money = (amount: number) =>
    new Intl.NumberFormat(localeOf(profile, language), {
      style: 'currency',
      currency: profile.currency,
    }).format(amount);
  const status = w.status;
  return {
    /** what the replies are worded in (names read from the catalogue follow it) */
    language,
    askNumber: w.askNumber,
    unknownConsumer: w.unknownConsumer,
    privateAccount: w.privateAccount,
    justClosed: w.justClosed,
    emailNoNumber: w.emailNoNumber,
    /** Zalo and Messenger: linking the platform's user id to a consumer number, and unlinking it */
    link: w.link,
    subject: (utility: string) => `${utility}: ${w.subject}`,
    ivrMenu: w.ivrMenu,
    ivrComplaintMenu: w.ivrComplaintMenu,
    ivrAskNumber: w.ivrAskNumber,
    ivrNotInMenu: `${w.ivrNotInMenu} ${w.ivrMenu}`,
    menu: (utility: string) =>
      `${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    notUnderstood: (input: string, utility: string) =>
      `${w.notUnderstood(input.slice(0, 40))} ${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    thanksNumber: (n: string, utility: string) =>
      `${w.thanksNumber(n)} ${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    types: (types: TMenuType[], notUnderstood?: string) =>
      `${notUnderstood ? `${w.notUnderstood(notUnderstood.slice(0, 40))} ` : ''}${w.typesHeader}\n${types
        .map((t, i) => `${i + 1}. ${t.translations?.[language]?.name ?? t.name}`)
        .join('\n')}`,
    /** The answer to a registered complaint: its number, and the ETR when a known outage explains it. */
    complaint: (c: TComplaintAnswer) => {
      const by = c.dueAt ? w.resolveBy(at(c.dueAt)) : '';
      const typeName = c.typeTranslations?.[language]?.name ?? c.typeName;
      if (c.outage) return w.linked(c.requestNumber, c.outage.area, at(c.outage.etr));
      if (c.reopened) return w.reopened(c.requestNumber, typeName) + by;
      if (c.joined) return w.joined(c.requestNumber, typeName, status(c.status));
      return w.registered(c.requestNumber, typeName) + by;
    },
    status: (items: TOpenItem[]) =>
      items.length === 0
        ? w.statusNone
        : `${w.statusHeader}\n${items
            .map(
              (i) => `${i.requestNumber} ${i.name}: ${status(i.status)}${i.dueAt ? w.due(at(i.dueAt)) : ''}`,
            )
            .join('\n')}`,
    bill: (a: TAccountSummary) => {
      const b = a.latestBill;
      const parts = [
        b ? `${w.bill(b.period, money(b.amount), b.unitsKwh, b.dueDate)}${b.paid ? w.paid : ''}.` : w.noBill,
        a.arrears.amount > 0 ? w.unpaid(money(a.arrears.amount), a.arrears.bills) : w.nothingUnpaid,
      ];
      if (a.lastPayment) parts.push(w.lastPaid(a.lastPayment.period, money(a.lastPayment.amount)));
      return parts.join(' ');
    },
    outages: (outages: { startsAt: Date; etr: Date; reason: string }[], now: Date) =>
      outages.length === 0
        ? w.outageNone
        : outages
            .map((o) =>
              o.startsAt > now
                ? w.outagePlanned(at(o.startsAt.toISOString()), at(o.etr.toISOString()), o.reason)
                : w.outageNow(o.reason, at(o.etr.toISOString())),
            )
            .join(' '),
  };
}
export type TChannelWords = ReturnType<typeof channelWords>;
