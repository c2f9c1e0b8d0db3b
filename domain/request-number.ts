import { z } from 'zod';
import { verhoeffCheckDigit, verhoeffValid } from './verhoeff';

/**
 * Request Numbers: `SR-2026-000123-4` (service request) or `CR-…` (complaint): kind, year, a
 * per-year serial and a Verhoeff check digit, so a digit misheard on the phone is caught.
 * The Request Number is also the workflow id.
 */
export type TRequestPrefix = 'SR' | 'CR';

export function formatRequestNumber(prefix: TRequestPrefix, year: number, serial: number): string {
  const body = `${year}${String(serial).padStart(6, '0')}`;
  return `${prefix}-${year}-${String(serial).padStart(6, '0')}-${verhoeffCheckDigit(body)}`;
}

const PATTERN = /^(SR|CR)-(\d{4})-(\d{6,9})-(\d)$/;

export function isValidRequestNumber(value: string): boolean {
  const m = PATTERN.exec(value);
  return Boolean(m && verhoeffValid(`${m[2]}${m[3]}${m[4]}`));
}

const INVALID = 'not a valid Request Number (like SR-2026-000123-4; check the last digit)';
export const ZRequestNumber = z
  .string()
  // The shape, for the OpenAPI document (any case, surrounding spaces forgiven); the check digit
  // below is what no pattern can say.
  .regex(/^\s*[SCsc][Rr]-\d{4}-\d{6,9}-\d\s*$/, INVALID)
  .trim()
  .toUpperCase()
  .refine(isValidRequestNumber, INVALID);
