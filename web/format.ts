import { DEFAULT_TIME_ZONE } from '../domain/messages';
import { LOCALES, type TLanguage } from '../domain/languages';

/** Rupees in the reader's language (₹1,234.50; the digits and separators of the locale). */
export const money = (language: TLanguage, amount: number) =>
  new Intl.NumberFormat(LOCALES[language], { style: 'currency', currency: 'INR' }).format(amount);

/** A bill period (`2026-10`) as month and year in the reader's language. */
export const billPeriod = (language: TLanguage, period: string) => {
  const d = new Date(`${period}-01T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? period
    : new Intl.DateTimeFormat(LOCALES[language], {
        month: 'long',
        year: 'numeric',
        timeZone: DEFAULT_TIME_ZONE,
      }).format(d);
};
