import { z } from 'zod';
import evnSpc from '../profiles/evn-spc.json' with { type: 'json' };
import kseb from '../profiles/kseb.json' with { type: 'json' };
import ruGrid from '../profiles/ru-grid.json' with { type: 'json' };
import { ZTimeOfDay } from './calendar-schema';
import { ID_TYPES } from './identity-numbers';
import { LANGUAGES } from './languages';
import { checkConsumerNumber, type TUtilityProfile } from './utility-profile-contract';

export type { TUtilityProfile } from './utility-profile-contract';

/**
 * The schema of a utility profile file (`profiles/<id>.json`): what one deployment's utility is
 * — country, zone, currency, formats, consumer-number rule, identity documents, offices,
 * calendar, notices, receipts. `loadConfig` parses the one `UTILITY_PROFILE` names at start.
 */

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** The zone's offset from UTC at an instant, in minutes (from the zone's own "GMT+5:30" name). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

const isLocale = (l: string) => {
  try {
    return Intl.getCanonicalLocales(l).length === 1;
  } catch {
    return false;
  }
};

const ZLanguage = z.enum(LANGUAGES);
const ZIsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const ZIsoDuration = z
  .string()
  .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO 8601 duration: P10D, PT2H');

export const ZUtilityProfile = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/),
    version: z.number().int().min(1),
    name: z.string().trim().min(2).max(120),
    shortName: z.string().trim().min(2).max(40),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2'),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone'),
    utcOffsetMinutes: z.number().int().min(-720).max(840),
    zonePhrase: z.string().min(1),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217')
      .refine((c) => Intl.supportedValuesOf('currency').includes(c), 'a currency Intl knows'),
    locales: z.record(ZLanguage, z.string().refine(isLocale, 'a BCP 47 locale')),
    languages: z.object({ offered: z.array(ZLanguage).min(1), default: ZLanguage }),
    phoneRegion: z.string().regex(/^[A-Z]{2}$/),
    emergencyPhone: z.string().regex(/^[0-9 +-]{3,20}$/),
    consumerNumber: z.object({
      pattern: z
        .string()
        .regex(/^\^.*\$$/, 'anchored: ^…$')
        .refine((p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        }, 'a regular expression'),
      check: z.enum(['none', 'evn-customer-code', 'luhn']),
      prefixes: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
      name: z.string().min(3),
      rule: z.string().min(3),
      example: z.string().min(1),
      upperCase: z.boolean(),
      words: z.object({
        en: z.string().min(3),
        ml: z.string().min(3),
        hi: z.string().min(3),
        vi: z.string().min(3),
        ru: z.string().min(3),
      }),
    }),
    identityDocuments: z.array(z.object({ kind: z.enum(ID_TYPES), label: z.string().min(1) })).min(1),
    ekyc: z.array(z.enum(['uidai-offline'])),
    officeLevels: z.object({
      circle: z.string().min(1),
      division: z.string().min(1),
      subdivision: z.string().min(1),
      section: z.string().min(1),
    }),
    calendar: z.object({
      id: z.string().min(1),
      workingHours: z.object({ start: ZTimeOfDay, end: ZTimeOfDay }),
      weeklyOff: z.array(z.number().int().min(0).max(6)),
      secondAndFourthSaturdayOff: z.boolean(),
      holidays: z.array(z.object({ date: ZIsoDate, name: z.string().min(1) })),
    }),
    quietHours: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM-HH:MM local time'),
    channels: z.array(z.string().regex(/^[a-z]+$/)).min(1),
    notices: z.object({
      chain: z.array(z.enum(['sms', 'whatsapp', 'email', 'voice', 'post'])).min(1),
      periods: z.object({
        plannedOutage: z.array(ZIsoDuration),
        emergencyOutage: z.array(ZIsoDuration),
        basis: z.string().min(1),
      }),
    }),
    receipts: z.object({
      issuer: z.string().min(2),
      certificate: z.object({
        countryName: z.string().regex(/^[A-Z]{2}$/),
        organizationName: z.string().min(2),
        reference: z.string().min(1),
      }),
    }),
  })
  .superRefine((p, ctx) => {
    // Offices keep local time as a fixed offset: a zone with DST would be wrong half the year.
    for (const at of [new Date(Date.UTC(2026, 0, 15)), new Date(Date.UTC(2026, 6, 15))]) {
      const actual = zoneOffsetMinutes(p.timeZone, at);
      if (actual !== p.utcOffsetMinutes) {
        ctx.addIssue({
          code: 'custom',
          path: ['utcOffsetMinutes'],
          message: `${p.timeZone} is UTC${actual >= 0 ? '+' : ''}${actual / 60} on ${at.toISOString().slice(0, 10)}, not ${p.utcOffsetMinutes} minutes (zones with DST are not supported)`,
        });
        break;
      }
    }
    if (!p.languages.offered.includes(p.languages.default))
      ctx.addIssue({
        code: 'custom',
        path: ['languages', 'default'],
        message: 'the default must be offered',
      });
    for (const lang of LANGUAGES)
      if (!p.locales[lang])
        ctx.addIssue({ code: 'custom', path: ['locales', lang], message: 'every language needs a locale' });
    if (!checkConsumerNumber(p.consumerNumber, p.consumerNumber.example).ok)
      ctx.addIssue({
        code: 'custom',
        path: ['consumerNumber', 'example'],
        message: 'the example does not pass the profile’s own rule',
      });
  });

// The schema and the zod-free type say the same.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShape: Same<z.output<typeof ZUtilityProfile>, TUtilityProfile> = true;
void sameShape;

/** The profiles shipped with Seva, by id. */
const PROFILE_FILES = { kseb, 'evn-spc': evnSpc, 'ru-grid': ruGrid } as const;
export const PROFILE_IDS = Object.keys(PROFILE_FILES) as [
  keyof typeof PROFILE_FILES,
  ...(keyof typeof PROFILE_FILES)[],
];
export type TProfileId = keyof typeof PROFILE_FILES;
export const DEFAULT_PROFILE_ID: TProfileId = 'kseb';

const parsed = new Map<string, TUtilityProfile>();

/** A shipped profile, validated (once per process). Throws naming every field at fault. */
export function utilityProfile(id: TProfileId): TUtilityProfile {
  let p = parsed.get(id);
  if (!p) {
    const result = ZUtilityProfile.safeParse(PROFILE_FILES[id]);
    if (!result.success)
      throw new Error(
        `utility profile ${id}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    if (result.data.id !== id) throw new Error(`utility profile file ${id} says its id is ${result.data.id}`);
    parsed.set(id, (p = result.data));
  }
  return p;
}

let installed: TUtilityProfile | undefined;

/**
 * The profile this process serves, for the few things built once at import time (the zod
 * contracts holding a consumer number, module-level formatters). `loadConfig` installs the profile
 * it parsed; everything that receives `config` reads `config.profile` instead.
 */
export const installUtilityProfile = (profile: TUtilityProfile) => {
  installed = profile;
};
export const installedProfile = (): TUtilityProfile => (installed ??= utilityProfile(DEFAULT_PROFILE_ID));
