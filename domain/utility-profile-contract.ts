/**
 * What a utility profile says, without zod (the schema that checks a profile file is
 * `utility-profile.ts`). One deployment serves one utility; its profile is chosen by
 * `UTILITY_PROFILE`, parsed once by `loadConfig` and handed on as `config.profile`. Workflows
 * never read it: what they need of it (a calendar, a quiet window) arrives in their input.
 *
 * The helpers here are pure: time of day and weekday in the profile's zone, an offset as text,
 * the consumer-number rule.
 */

import type { TIdType } from './identity-numbers';

export type TLanguageCode = 'en' | 'ml' | 'hi' | 'vi' | 'ru';
export type TNoticeChannel = 'sms' | 'whatsapp' | 'email' | 'voice' | 'post';
export type TOfficeLevel = 'circle' | 'division' | 'subdivision' | 'section';
/** How a consumer number's check part is computed, beyond its pattern. */
export type TConsumerNumberCheck = 'none' | 'evn-customer-code' | 'luhn';

export type TUtilityProfile = {
  id: string;
  /** the profile file's own version: bumped on every change of meaning */
  version: number;
  name: string;
  shortName: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  /** IANA zone; offices keep it as a fixed offset (`utcOffsetMinutes`), so it must have no DST */
  timeZone: string;
  /** the zone's offset from UTC, checked against the zone when the profile is loaded */
  utcOffsetMinutes: number;
  /** the phrase (messages/phrases) that names the zone after an instant: "… IST" */
  zonePhrase: string;
  /** ISO 4217 */
  currency: string;
  /** the BCP 47 locale each language is formatted in (numbers, dates, lists) */
  locales: Record<TLanguageCode, string>;
  languages: { offered: TLanguageCode[]; default: TLanguageCode };
  /** where a phone number typed without a country code is taken to be */
  phoneRegion: string;
  /** the number to call, day and night, for a line down or an electrical accident */
  emergencyPhone: string;
  consumerNumber: {
    /** an anchored regular expression over the number as stored (no spaces) */
    pattern: string;
    check: TConsumerNumberCheck;
    /** for `evn-customer-code`: the power-corporation prefixes this utility issues */
    prefixes?: string[];
    /** the number in a sentence: "13-digit consumer number" */
    name: string;
    /** what a refusal says: "must be exactly 13 digits" */
    rule: string;
    example: string;
    /** typed numbers are upper-cased before the check (letters in the code) */
    upperCase: boolean;
    /** the number's name in each language, as a request for it says it ("your {number}") */
    words: Record<TLanguageCode, string>;
  };
  identityDocuments: { kind: TIdType; label: string }[];
  /** offline e-KYC formats accepted: only India's UIDAI Paperless Offline e-KYC exists so far */
  ekyc: 'uidai-offline'[];
  officeLevels: Record<TOfficeLevel, string>;
  calendar: {
    id: string;
    workingHours: { start: string; end: string };
    /** 0 = Sunday … 6 = Saturday */
    weeklyOff: number[];
    secondAndFourthSaturdayOff: boolean;
    holidays: { date: string; name: string }[];
  };
  /** HH:MM-HH:MM local time: notices wait until it ends */
  quietHours: string;
  /** inbound channels this utility offers (the intake's `channel`; new channels join at merge) */
  channels: string[];
  notices: {
    chain: TNoticeChannel[];
    /** legal notice periods, as ISO 8601 durations before the event (data for the campaigns) */
    periods: { plannedOutage: string[]; emergencyOutage: string[]; basis: string };
  };
  receipts: {
    /** the issuer printed on receipts and letters (default: `name`) */
    issuer: string;
    /** the signing certificate: the subject of the development certificate, and where production keeps its own */
    certificate: { countryName: string; organizationName: string; reference: string };
  };
};

/** `+05:30`, `+07:00`, `-03:00`: an offset as ISO 8601 writes it. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Minutes since local midnight at a fixed offset. */
export const localMinutes = (d: Date, offsetMinutes: number) =>
  (((d.getUTCHours() * 60 + d.getUTCMinutes() + offsetMinutes) % 1440) + 1440) % 1440;

/** The local day of the week (0 = Sunday … 6 = Saturday) at a fixed offset. */
export const localWeekday = (d: Date, offsetMinutes: number) =>
  new Date(d.getTime() + offsetMinutes * 60_000).getUTCDay();

/** Local midnight of the day `at` falls on, as an instant. */
export const localMidnight = (at: Date, offsetMinutes: number) => {
  const offset = offsetMinutes * 60_000;
  return new Date(Math.floor((at.getTime() + offset) / 86_400_000) * 86_400_000 - offset);
};

/** A local date and time (`2026-11-23T10:00` or with seconds) at the profile's offset, as an ISO instant text. */
export const localToInstant = (local: string, offsetMinutes: number) =>
  `${local.length === 16 ? `${local}:00` : local}${offsetText(offsetMinutes)}`;

const luhnValid = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

export type TConsumerNumberVerdict = { ok: true; value: string } | { ok: false; reason: string };

/** A consumer number as typed (spaces allowed), checked by the profile's rule. */
export function checkConsumerNumber(
  rule: TUtilityProfile['consumerNumber'],
  raw: string,
): TConsumerNumberVerdict {
  const compacted = raw.replace(/\s/g, '');
  const value = rule.upperCase ? compacted.toUpperCase() : compacted;
  if (!new RegExp(rule.pattern).test(value)) return { ok: false, reason: rule.rule };
  switch (rule.check) {
    case 'none':
      return { ok: true, value };
    case 'luhn':
      return luhnValid(value.replace(/\D/g, ''))
        ? { ok: true, value }
        : { ok: false, reason: 'the check digit does not match (a digit is wrong)' };
    case 'evn-customer-code': {
      // P + the power corporation's letter, 2 digits of the power company (01–99), 8 of the customer (not all 0)
      if (rule.prefixes && !rule.prefixes.includes(value.slice(0, 2)))
        return { ok: false, reason: `the code starts with ${rule.prefixes.join(' or ')}` };
      if (value.slice(2, 4) === '00')
        return { ok: false, reason: 'the power company number 00 does not exist' };
      if (/^0+$/.test(value.slice(4))) return { ok: false, reason: 'the customer part cannot be all zeros' };
      return { ok: true, value };
    }
  }
}

/** The pattern of a consumer number standing on its own in a text (not part of a longer word or number). */
export function consumerNumberInText(rule: TUtilityProfile['consumerNumber']): RegExp {
  const body = rule.pattern.replace(/^\^/, '').replace(/\$$/, '');
  const edge = rule.upperCase ? '0-9A-Za-z' : '0-9';
  return new RegExp(`(?<![${edge}])(${body})(?![${edge}])`, rule.upperCase ? 'i' : '');
}
