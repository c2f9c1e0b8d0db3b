/** The languages Seva speaks, and the locale each is formatted in. */
export const LANGUAGES = ['en', 'ml', 'hi', 'vi', 'ru'] as const;
export type TLanguage = (typeof LANGUAGES)[number];
export const isLanguage = (v: unknown): v is TLanguage => LANGUAGES.includes(v as TLanguage);

export const LOCALES: Record<TLanguage, string> = {
  en: 'en-IN',
  ml: 'ml-IN',
  hi: 'hi-IN',
  vi: 'vi-VN',
  ru: 'ru-RU',
};
