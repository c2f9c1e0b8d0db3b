import type { TUtilityProfile } from './utility-profile-contract';

/** The languages Seva speaks; the locale each is formatted in is the utility profile's. */
export const LANGUAGES = ['en', 'ml', 'hi', 'vi', 'ru'] as const;
export type TLanguage = (typeof LANGUAGES)[number];
export const isLanguage = (v: unknown): v is TLanguage => LANGUAGES.includes(v as TLanguage);

/** The BCP 47 locale a language is formatted in under a profile (English is en-IN in India, en-GB elsewhere). */
export const localeOf = (profile: Pick<TUtilityProfile, 'locales'>, language: TLanguage): string =>
  profile.locales[language] ?? language;
