import { isLanguage, type TLanguage } from '../domain/languages';
import { installedProfile } from '../domain/utility-profile';

/**
 * The languages the utility profile offers its consumers and staff (the language switch's buttons,
 * in the profile's order), and the one a visitor sees before choosing (KSEB: English; EVN:
 * Vietnamese; the Russian grid company: Russian). A language stored on an account is still used.
 */
export const offeredLanguages = (): TLanguage[] => installedProfile().languages.offered.filter(isLanguage);
export const defaultLanguage = (): TLanguage => {
  const d = installedProfile().languages.default;
  return isLanguage(d) ? d : 'en';
};
export const isOfferedLanguage = (v: unknown): v is TLanguage =>
  isLanguage(v) && offeredLanguages().includes(v);
