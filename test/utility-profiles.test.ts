import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { npFormatHelp, parseNpSms } from '../domain/complaint-catalogue';
import {
  checkIdNumber,
  checkInn,
  checkRuPassport,
  checkSnils,
  checkVnCitizenId,
} from '../domain/identity-numbers';
import { PROFILE_IDS, utilityProfile, ZUtilityProfile } from '../domain/utility-profile';
import {
  checkConsumerNumber,
  localMidnight,
  localMinutes,
  localToInstant,
  offsetText,
} from '../domain/utility-profile-contract';
import { createDevSigningMaterial, signerSubjectOf } from '../lib/signing-material';
import { buildDemoData } from '../scripts/lib/demo-data';

describe('utility profiles', () => {
  it('every shipped profile validates, and its zone has the offset it states all year', () => {
    for (const id of PROFILE_IDS) {
      const p = utilityProfile(id);
      expect(p.id).toBe(id);
      expect(checkConsumerNumber(p.consumerNumber, p.consumerNumber.example)).toEqual({
        ok: true,
        value: p.consumerNumber.example,
      });
    }
    expect(utilityProfile('kseb')).toMatchObject({
      timeZone: 'Asia/Kolkata',
      utcOffsetMinutes: 330,
      currency: 'INR',
    });
    expect(utilityProfile('evn-spc')).toMatchObject({
      timeZone: 'Asia/Ho_Chi_Minh',
      utcOffsetMinutes: 420,
      currency: 'VND',
      phoneRegion: 'VN',
    });
    expect(utilityProfile('ru-grid')).toMatchObject({
      timeZone: 'Europe/Moscow',
      utcOffsetMinutes: 180,
      currency: 'RUB',
      phoneRegion: 'RU',
    });
  });

  it('refuses a profile whose zone keeps DST, an unknown currency or an example its own rule refuses', () => {
    const kseb = utilityProfile('kseb');
    const bad = ZUtilityProfile.safeParse({
      ...kseb,
      timeZone: 'Europe/Berlin',
      utcOffsetMinutes: 60,
      currency: 'XYZ',
      consumerNumber: { ...kseb.consumerNumber, example: '12' },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['utcOffsetMinutes', 'currency', 'consumerNumber.example']));
  });

  it('UTILITY_PROFILE chooses the profile; the notice chain, quiet hours and name follow it unless set', () => {
    expect(loadConfig({}).profile.id).toBe('kseb');
    const evn = loadConfig({ UTILITY_PROFILE: 'evn-spc' });
    expect(evn.utilityName).toBe('Tổng công ty Điện lực miền Nam (EVN SPC)');
    expect(evn.notices).toMatchObject({
      quietHours: '21:30-07:00',
      chain: ['sms', 'email', 'voice', 'post'],
      utcOffsetMinutes: 420,
    });
    expect(loadConfig({ UTILITY_PROFILE: 'ru-grid', QUIET_HOURS: '23:00-07:00' }).notices.quietHours).toBe(
      '23:00-07:00',
    );
    expect(() => loadConfig({ UTILITY_PROFILE: 'atlantis' })).toThrow(/UTILITY_PROFILE/);
    loadConfig({}); // back to kseb for the rest of the file
  });

  it('the development signing certificate carries the profile’s organisation and country', () => {
    const ru = loadConfig({ UTILITY_PROFILE: 'ru-grid' }).receipts;
    const subject = signerSubjectOf(createDevSigningMaterial(ru.organisation, 'pw', ru.country));
    expect(subject).toContain('O=AO Privolzhskaya setevaya kompaniya');
    expect(subject).toContain('C=RU');
    loadConfig({});
  });

  it('local time helpers at a fixed offset', () => {
    expect(offsetText(330)).toBe('+05:30');
    expect(offsetText(-210)).toBe('-03:30');
    expect(localToInstant('2026-11-23T10:00', 420)).toBe('2026-11-23T10:00:00+07:00');
    const at = new Date('2026-11-23T20:30:00Z');
    expect(localMinutes(at, 180)).toBe(23 * 60 + 30); // 23:30 in Moscow
    expect(localMinutes(at, 420)).toBe(3 * 60 + 30); // 03:30 next day in Ho Chi Minh City
    expect(localMidnight(at, 420).toISOString()).toBe('2026-11-23T17:00:00.000Z');
  });
});

describe('consumer numbers by profile', () => {
  const evn = utilityProfile('evn-spc').consumerNumber;
  const ru = utilityProfile('ru-grid').consumerNumber;

  it('EVN customer codes: P, the corporation, the power company, the customer', () => {
    expect(checkConsumerNumber(evn, 'pe 0100 012345')).toEqual({ ok: true, value: 'PE0100012345' });
    for (const bad of ['PE010001234', 'PX0100012345', 'PE0000012345', 'PE0100000000', '1154600000001'])
      expect(checkConsumerNumber(evn, bad).ok, bad).toBe(false);
  });

  it('Russian personal accounts carry a Luhn check digit', () => {
    expect(checkConsumerNumber(ru, '10200012341').ok).toBe(true);
    expect(checkConsumerNumber(ru, '10200012342').ok).toBe(false);
    expect(checkConsumerNumber(ru, '10200021341').ok).toBe(false); // two digits swapped
  });

  it('the NP grammar takes each profile’s number and answers with its format', () => {
    expect(parseNpSms('np pe0100012345', evn)).toEqual({ ok: true, consumerNumber: 'PE0100012345' });
    expect(parseNpSms('NP 1154600000001', evn)).toEqual({ ok: false, reply: npFormatHelp(evn) });
    expect(npFormatHelp(evn)).toBe(
      'To report no power, send NP followed by your customer code (mã khách hàng), e.g. NP PE0100012345',
    );
    expect(parseNpSms('NP 10200012341', ru)).toEqual({ ok: true, consumerNumber: '10200012341' });
    expect(parseNpSms('NP 10200012342', ru).ok).toBe(false);
    // KSEB, the default: as before
    expect(npFormatHelp()).toBe(
      'To report no power, send NP followed by your 13-digit consumer number, e.g. NP 1154600000001',
    );
  });

  it('each profile’s demo consumers pass its own rule, and no two profiles share an office or a number', () => {
    const seen = new Map<string, string>();
    for (const id of PROFILE_IDS) {
      const profile = utilityProfile(id);
      const data = buildDemoData(undefined, profile);
      expect(data.consumerRows.length).toBeGreaterThanOrEqual(100);
      for (const c of data.consumerRows)
        expect(checkConsumerNumber(profile.consumerNumber, c.consumerNumber), c.consumerNumber).toMatchObject(
          { ok: true },
        );
      for (const key of [
        ...data.officeRows.map((o) => `office ${o.id}`),
        ...data.consumerRows.map((c) => c.consumerNumber),
      ]) {
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, id);
      }
    }
  });
});

describe('identity documents by country', () => {
  it('Vietnam: the 12-digit citizen identity number by province, century and sex, and year', () => {
    expect(checkVnCitizenId('079203001234').ok).toBe(true); // Ho Chi Minh City, a man born 2003
    expect(checkVnCitizenId('001 1 85 123456').ok).toBe(true); // Ha Noi, a woman born 1985
    expect(checkVnCitizenId('003203001234')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/province/),
    });
    expect(checkVnCitizenId('079903001234', new Date('2026-01-01'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/future/),
    });
    expect(checkVnCitizenId('07920300123').ok).toBe(false);
    expect(checkVnCitizenId('079203001234').masked).toBe('XXXXXXXX1234');
  });

  it('Russia: SNILS check number, INN check digits, passport series and number', () => {
    expect(checkSnils('112-233-445 95').ok).toBe(true);
    expect(checkSnils('112-233-445 96')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/check number/),
    });
    expect(checkSnils('001-001-998 00').ok).toBe(true); // issued before the check rule
    expect(checkSnils('1122334459').ok).toBe(false);
    expect(checkInn('500100732259').ok).toBe(true); // a person: two check digits
    expect(checkInn('500111732259').ok).toBe(false);
    expect(checkInn('7707083893').ok).toBe(true); // an organisation: one
    expect(checkInn('7707083894').ok).toBe(false);
    expect(checkInn('77070838').ok).toBe(false);
    expect(checkRuPassport('45 08 123456').ok).toBe(true);
    expect(checkRuPassport('0008 123456').ok).toBe(false);
    expect(checkRuPassport('4508 000000').ok).toBe(false);
    expect(checkRuPassport('4508 12345').ok).toBe(false);
  });

  it('India as before, through the one dispatcher', () => {
    expect(checkIdNumber('aadhaar', '2345 6789 0124').ok).toBe(verhoeffOk('234567890124'));
    expect(checkIdNumber('pan', 'ABCPE1234F').ok).toBe(true);
    expect(checkIdNumber('ru-inn', '7707083893').ok).toBe(true);
  });
});

// Aadhaar numbers are checked by Verhoeff (test/identifiers.test.ts holds its own cases).
function verhoeffOk(digits: string) {
  return checkIdNumber('aadhaar', digits).ok;
}
