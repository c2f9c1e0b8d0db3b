import type { TUploadRefusal } from './upload-refusals';
import { verhoeffValid } from './verhoeff';

/**
 * ID numbers printed on KYC documents. Only the verdict and a masked form are ever stored:
 * full Aadhaar numbers must not be kept.
 */
export const ID_TYPES = ['aadhaar', 'pan'] as const;
export type TIdType = (typeof ID_TYPES)[number];

export type TIdCheck = { ok: boolean; masked: string; reason?: string; code?: TUploadRefusal };

export function checkAadhaar(raw: string): TIdCheck {
  const digits = raw.replace(/[\s-]/g, '');
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

/** PAN: 5 letters (the 4th is the holder type), 4 digits, 1 letter. */
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

export function checkIdNumber(type: TIdType, raw: string): TIdCheck {
  return type === 'aadhaar' ? checkAadhaar(raw) : checkPan(raw);
}
