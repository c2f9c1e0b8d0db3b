import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * A phone number as typed (+91 94470 12345, 094470 12345, 9447012345) in E.164, or undefined
 * when it is not a valid number. Numbers without a country code are taken as Indian.
 */
export function toE164(raw: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), 'IN');
  return parsed?.isValid() ? parsed.number : undefined;
}
