import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import IntlMessageFormat, { type Formatters } from 'intl-messageformat';
import { localeOf, type TLanguage } from './languages';
import { installedProfile } from './utility-profile';

/**
 * Message files: what Seva says, kept out of code so a translator can edit it. One JSON file per
 * language and area (`messages/<area>/<language>.json`), nested keys, each text in ICU
 * MessageFormat (https://unicode-org.github.io/icu/userguide/format_parse/messages/):
 *
 *   {name}                              a value as given
 *   {dueAt, date, when}                 an instant, as date and time in the reader's language and zone
 *   {minutes, plural, one {# minute} other {# minutes}}   plural rules of the language
 *   {commentGiven, select, yes { Comment: {comment}} other {}}   a part shown only when `comment` is given
 *
 * Every parameter `p` also has `pGiven` = yes | no, so optional parts need no code.
 */

export type TMessageTree = { [key: string]: string | TMessageTree };

/** The zone dates are read in unless a caller names another: the utility profile's. */
export const defaultTimeZone = () => installedProfile().timeZone;

export type TArgumentKind = 'text' | 'date' | 'number';

/** Which arguments a message uses and as what (a plural counts as a number). */
export function argumentsOf(els: readonly MessageFormatElement[], into = new Map<string, TArgumentKind>()) {
  for (const el of els) {
    switch (el.type) {
      case TYPE.argument:
        if (!into.has(el.value)) into.set(el.value, 'text');
        break;
      case TYPE.date:
      case TYPE.time:
        into.set(el.value, 'date');
        break;
      case TYPE.number:
        into.set(el.value, 'number');
        break;
      case TYPE.plural:
        into.set(el.value, 'number');
        for (const o of Object.values(el.options)) argumentsOf(o.value, into);
        break;
      case TYPE.select:
        if (!into.has(el.value)) into.set(el.value, 'text');
        for (const o of Object.values(el.options)) argumentsOf(o.value, into);
        break;
      case TYPE.tag:
        argumentsOf(el.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

/** Named date formats a message may use: `{x, date, when}` and `{x, date, day}`. */
const DATE_FORMATS = {
  when: { dateStyle: 'medium', timeStyle: 'short' },
  day: { dateStyle: 'medium' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * Where a language's CLDR data writes the time of day in another script (Malayalam's "PM", Hindi's
 * "pm"), the language's own day periods are used instead ("വൈകുന്നേരം 3:00", "दोपहर 3:00").
 */
const DAY_PERIODS = {
  when: {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    dayPeriod: 'short',
  },
  day: DATE_FORMATS.day,
} as const satisfies Record<keyof typeof DATE_FORMATS, Intl.DateTimeFormatOptions>;
const DATE_FORMATS_OF: Partial<
  Record<string, Record<keyof typeof DATE_FORMATS, Intl.DateTimeFormatOptions>>
> = {
  ml: DAY_PERIODS,
  hi: DAY_PERIODS, // "दोपहर 3:00" rather than "3:00 pm"
};

/**
 * Formatters that put every date in the reader's time zone, and show a value that is not an
 * instant as it was given rather than failing the notice that carries it.
 */
function formattersFor(timeZone: string): Formatters {
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  return {
    getNumberFormat: (locales, opts) => new Intl.NumberFormat(locales, opts),
    getPluralRules: (locales, opts) => new Intl.PluralRules(locales, opts),
    getDateTimeFormat: (locales, opts) => {
      const key = JSON.stringify([locales, opts]);
      let f = dateFormats.get(key);
      if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locales, { ...opts, timeZone })));
      const format = f;
      return {
        format: (v: Date | string | number | undefined) => {
          const d = v instanceof Date ? v : new Date(v ?? '');
          return Number.isNaN(d.getTime()) ? String(v ?? '') : format.format(d);
        },
      } as unknown as Intl.DateTimeFormat;
    },
  };
}

const flatten = (tree: TMessageTree, prefix = '', into = new Map<string, string>()) => {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') into.set(key, v);
    else flatten(v, key, into);
  }
  return into;
};

export type TMessageValues = Record<string, string | number | undefined>;

/** One area's messages in every language, parsed once, formatted on demand. */
export class MessageBook<L extends string = TLanguage> {
  private readonly texts: Map<L, Map<string, string>>;
  private readonly compiled = new Map<
    string,
    { format: IntlMessageFormat; args: Map<string, TArgumentKind> }
  >();
  private readonly formatters = new Map<string, Formatters>();

  constructor(
    readonly area: string,
    files: Record<L, TMessageTree>,
    private readonly fallback: NoInfer<L>,
  ) {
    this.texts = new Map(
      Object.entries(files).map(([lang, tree]) => [lang as L, flatten(tree as TMessageTree)]),
    );
  }

  keys(language: L): string[] {
    return [...(this.texts.get(language)?.keys() ?? [])];
  }

  has(language: L, key: string): boolean {
    return this.texts.get(language)?.has(key) ?? false;
  }

  /** The message, parsed for one time zone (throws on a syntax error: the tests parse every message). */
  message(language: L, key: string, timeZone = defaultTimeZone()) {
    const locale = localeOf(installedProfile(), language as TLanguage);
    const id = `${language}\u0000${key}\u0000${timeZone}\u0000${locale}`;
    let c = this.compiled.get(id);
    if (!c) {
      const text = this.texts.get(language)?.get(key) ?? this.texts.get(this.fallback)?.get(key);
      if (text === undefined) throw new Error(`no message "${key}" in ${this.area}`);
      let formatters = this.formatters.get(timeZone);
      if (!formatters) this.formatters.set(timeZone, (formatters = formattersFor(timeZone)));
      const format = new IntlMessageFormat(
        text,
        locale,
        { date: DATE_FORMATS_OF[language] ?? DATE_FORMATS },
        { ignoreTag: true, formatters },
      );
      c = { format, args: argumentsOf(format.getAst()) };
      this.compiled.set(id, c);
    }
    return c;
  }

  /** Formats a message; a missing value renders empty, `xGiven` says whether `x` was given. */
  format(language: L, key: string, values: TMessageValues = {}, timeZone = defaultTimeZone()): string {
    const { format, args } = this.message(language, key, timeZone);
    const all: Record<string, string | number> = {};
    for (const [name, kind] of args) {
      const base = name.endsWith('Given') ? name.slice(0, -'Given'.length) : undefined;
      if (base !== undefined) {
        all[name] = values[base] !== undefined && values[base] !== '' ? 'yes' : 'no';
        continue;
      }
      const v = values[name];
      all[name] = kind === 'number' ? Number(v ?? 0) : (v ?? '');
    }
    return String(format.format(all));
  }
}
