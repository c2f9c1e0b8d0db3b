import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { installedProfile } from './utility-profile';

/**
 * A phone number as typed (+91 94470 12345, 094470 12345, 9447012345) in E.164, or undefined
 * when it is not a valid number. Numbers without a country code are taken to be in the utility
 * profile's `phoneRegion`.
 */
export function toE164(raw: string, region = installedProfile().phoneRegion): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), region as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}
