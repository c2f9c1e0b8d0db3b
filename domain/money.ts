import { localeOf, type TLanguage } from './languages';
import { installedProfile } from './utility-profile';

/**
 * Money as the reader reads it, from paise, in the utility's currency and the profile's locale for
 * the language. Rupees are grouped in lakh and crore in every language (₹1,23,45,678.50): ICU
 * groups ml-IN in thousands, which no KSEB bill or statement does.
 */
export const formatMoney = (paise: number, language: TLanguage) => {
  const profile = installedProfile();
  return new Intl.NumberFormat(profile.currency === 'INR' ? 'en-IN' : localeOf(profile, language), {
    style: 'currency',
    currency: profile.currency,
  }).format(paise / 100);
};
