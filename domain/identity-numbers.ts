import type { TUploadRefusal } from './upload-refusals';
import { verhoeffValid } from './verhoeff';

/**
 * ID numbers printed on KYC documents, of every country a utility profile may serve. Only the
 * verdict and a masked form are ever stored: full numbers must not be kept. Which kinds a
 * deployment accepts is its utility profile's `identityDocuments` (domain/utility-profile.ts).
 */
export const ID_TYPES = ['aadhaar', 'pan', 'vn-cccd', 'ru-passport', 'ru-snils', 'ru-inn'] as const;
export type TIdType = (typeof ID_TYPES)[number];

export type TIdCheck = { ok: boolean; masked: string; reason?: string; code?: TUploadRefusal };

const compact = (raw: string) => raw.replace(/[\s-]/g, '');
const lastFour = (digits: string, prefix: string) => `${prefix}${digits.slice(-4).padStart(4, 'X')}`;

/** Aadhaar (India): 12 digits, not starting with 0 or 1, the last a Verhoeff check digit. */
export function checkAadhaar(raw: string): TIdCheck {
  const digits = compact(raw);
  const masked = `XXXX-XXXX-${digits.slice(-4).padStart(4, 'X')}`;
  if (!/^\d{12}$/.test(digits))
    return { ok: false, masked, reason: 'an Aadhaar number has 12 digits', code: 'aadhaar-format' };
  if (/^[01]/.test(digits))
    return {
      ok: false,
      masked,
      reason: 'an Aadhaar number never starts with 0 or 1',
      code: 'aadhaar-format',
    };
  if (!verhoeffValid(digits))
    return {
      ok: false,
      masked,
      reason: 'the Aadhaar check digit does not match (a digit is wrong)',
      code: 'aadhaar-check-digit',
    };
  return { ok: true, masked };
}

/** PAN (India): 5 letters (the 4th is the holder type), 4 digits, 1 letter. */
export function checkPan(raw: string): TIdCheck {
  const pan = raw.trim().toUpperCase();
  const masked = `${pan.slice(0, 2)}XXXXXX${pan.slice(-2)}`;
  if (!/^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$/.test(pan)) {
    return {
      ok: false,
      masked,
      reason: 'a PAN looks like ABCPE1234F (5 letters, 4 digits, 1 letter)',
      code: 'pan-format',
    };
  }
  return { ok: true, masked };
}

/**
 * Province and city codes of the Vietnamese personal identification number (Circular
 * 07/2016/TT-BCA, appendix I: the 63 provinces, numbered as in the administrative-unit codes).
 */
const VN_PROVINCES = new Set([
  1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42,
  44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86,
  87, 89, 91, 92, 93, 94, 95, 96,
]);

/**
 * The 12-digit number of a Vietnamese citizen identity card (căn cước công dân), which is the
 * personal identification number: 3 digits of the province of birth registration, 1 digit of
 * century and sex (0/1 the 1900s male/female, 2/3 the 2000s, 4/5 the 2100s …), 2 digits of the
 * year of birth, 6 random digits. There is no check digit; the structure is what can be checked,
 * including that the birth year is not in the future.
 */
export function checkVnCitizenId(raw: string, now = new Date()): TIdCheck {
  const digits = compact(raw);
  const masked = lastFour(digits, 'XXXXXXXX');
  if (!/^\d{12}$/.test(digits))
    return { ok: false, masked, reason: 'a citizen identity number has 12 digits' };
  if (!VN_PROVINCES.has(Number(digits.slice(0, 3))))
    return { ok: false, masked, reason: 'the first three digits are not a province code' };
  const centuryDigit = Number(digits[3]);
  const year = 1900 + Math.floor(centuryDigit / 2) * 100 + Number(digits.slice(4, 6));
  if (year > now.getUTCFullYear())
    return { ok: false, masked, reason: 'the century and year digits give a birth year in the future' };
  return { ok: true, masked };
}

/**
 * A Russian internal passport: a 4-digit series (the first two the region's OKATO code, the next
 * two the year of the form) and a 6-digit number, written "45 08 123456". No check digit exists.
 */
export function checkRuPassport(raw: string): TIdCheck {
  const digits = compact(raw);
  const masked = `${digits.slice(0, 2).padEnd(2, 'X')} XX XXXX${digits.slice(-2).padStart(2, 'X')}`;
  if (!/^\d{10}$/.test(digits))
    return { ok: false, masked, reason: 'a passport has a 4-digit series and a 6-digit number' };
  if (digits.startsWith('00'))
    return { ok: false, masked, reason: 'the series does not start with a region code' };
  if (/^0{6}$/.test(digits.slice(4)))
    return { ok: false, masked, reason: 'the passport number cannot be 000000' };
  return { ok: true, masked };
}

/**
 * SNILS (Russian insurance number, ХХХ-ХХХ-ХХХ YY): the check number YY is the sum of the nine
 * digits weighted 9 … 1; below 100 it is the sum, 100 and 101 give 00, above that the sum modulo
 * 101 (100 again giving 00). Numbers up to 001-001-998 were issued before the rule and are not
 * checked.
 */
export function snilsCheckNumber(nine: string): number {
  const sum = [...nine].reduce((s, d, i) => s + Number(d) * (9 - i), 0);
  const mod = sum < 100 ? sum : sum % 101;
  return mod === 100 ? 0 : mod;
}

export function checkSnils(raw: string): TIdCheck {
  const digits = compact(raw);
  const masked = `XXX-XXX-${digits.slice(6, 9).padStart(3, 'X')} XX`;
  if (!/^\d{11}$/.test(digits))
    return { ok: false, masked, reason: 'a SNILS has 11 digits (XXX-XXX-XXX YY)' };
  if (Number(digits.slice(0, 9)) <= 1_001_998) return { ok: true, masked };
  if (snilsCheckNumber(digits.slice(0, 9)) !== Number(digits.slice(9)))
    return { ok: false, masked, reason: 'the SNILS check number does not match (a digit is wrong)' };
  return { ok: true, masked };
}

const INN_WEIGHTS = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
/** One INN check digit: the digits weighted by the tail of 3 7 2 4 10 3 5 9 4 6 8, modulo 11, modulo 10. */
export const innCheckDigit = (digits: string) => {
  const weights = INN_WEIGHTS.slice(INN_WEIGHTS.length - digits.length);
  return ([...digits].reduce((s, d, i) => s + Number(d) * weights[i]!, 0) % 11) % 10;
};

/**
 * INN (Russian taxpayer number): 10 digits for an organisation (one check digit, weights
 * 2 4 10 3 5 9 4 6 8) or 12 for a person (two check digits, weights 7 2 4 10 3 5 9 4 6 8 and
 * 3 7 2 4 10 3 5 9 4 6 8), each the weighted sum modulo 11, modulo 10.
 */
export function checkInn(raw: string): TIdCheck {
  const digits = compact(raw);
  const masked = lastFour(digits, 'XXXXXX');
  if (!/^(\d{10}|\d{12})$/.test(digits))
    return { ok: false, masked, reason: 'an INN has 10 digits (an organisation) or 12 (a person)' };
  const ok =
    digits.length === 10
      ? innCheckDigit(digits.slice(0, 9)) === Number(digits[9])
      : innCheckDigit(digits.slice(0, 10)) === Number(digits[10]) &&
        innCheckDigit(digits.slice(0, 11)) === Number(digits[11]);
  return ok
    ? { ok, masked }
    : { ok, masked, reason: 'the INN check digit does not match (a digit is wrong)' };
}

const CHECKS: Record<TIdType, (raw: string) => TIdCheck> = {
  aadhaar: checkAadhaar,
  pan: checkPan,
  'vn-cccd': (raw) => checkVnCitizenId(raw),
  'ru-passport': checkRuPassport,
  'ru-snils': checkSnils,
  'ru-inn': checkInn,
};

/** What a passing check says of itself on the review trail. */
export const ID_CHECK_WORDS: Record<TIdType, string> = {
  aadhaar: 'Verhoeff check digit ok',
  pan: 'format ok',
  'vn-cccd': 'province, century and year ok',
  'ru-passport': 'series and number format ok',
  'ru-snils': 'check number ok',
  'ru-inn': 'check digits ok',
};

export function checkIdNumber(type: TIdType, raw: string): TIdCheck {
  return CHECKS[type](raw);
}
