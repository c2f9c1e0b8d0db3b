import { formatMoney } from '../domain/money';
import { defaultTimeZone } from '../domain/messages';
import { localeOf, type TLanguage } from '../domain/languages';
import { installedProfile } from '../domain/utility-profile';
import { offsetText } from '../domain/utility-profile-contract';

/** Money in the utility's currency and the reader's language (₹1,23,456.50, 1.234 ₫, 1 234,50 ₽). */
export const money = (language: TLanguage, amount: number) => formatMoney(Math.round(amount * 100), language);

/** A bill period (`2026-10`) as month and year in the reader's language. */
export const billPeriod = (language: TLanguage, period: string) => {
  const d = new Date(`${period}-01T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? period
    : new Intl.DateTimeFormat(localeOf(installedProfile(), language), {
        month: 'long',
        year: 'numeric',
        timeZone: defaultTimeZone(),
      }).format(d);
};

/** Noon of a local date (`2026-12-05`) in the utility's zone, as an instant: a due date shown as a date. */
export const localNoon = (date: string) =>
  `${date}T12:00:00${offsetText(installedProfile().utcOffsetMinutes)}`;
