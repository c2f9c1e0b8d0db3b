import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../domain/languages';
import { argumentsOf } from '../domain/messages';
import { portalMessages } from '../web/messages';

/** The portal's message files: every key in every language, every message valid ICU, real translations. */
describe('portal message files', () => {
  const english = portalMessages.keys('en');

  it('has a file for each language Seva speaks, and no other', () => {
    expect(readdirSync('messages/portal').sort()).toEqual(LANGUAGES.map((l) => `${l}.json`).sort());
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every key English has, and no other', (language) => {
    const keys = portalMessages.keys(language);
    expect(
      english.filter((k) => !keys.includes(k)),
      'missing',
    ).toEqual([]);
    expect(
      keys.filter((k) => !english.includes(k)),
      'unknown',
    ).toEqual([]);
  });

  it.each(LANGUAGES)('%s: each message parses and takes the same arguments as in English', (language) => {
    for (const key of english) {
      const args = (l: typeof language) =>
        [...argumentsOf(portalMessages.message(l, key).format.getAst()).keys()].sort();
      expect(args(language), key).toEqual(args('en'));
    }
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s is translated, not an English copy', (language) => {
    const same = english.filter((k) => {
      const text = portalMessages.message(language, k).format.getAst();
      return JSON.stringify(text) === JSON.stringify(portalMessages.message('en', k).format.getAst());
    });
    // Only what is the same in every language may be: numbers, units, "SMS", "{type}: {status}".
    const words = same.filter((k) => /[a-z]{3}/i.test(portalMessages.format('en', k, {})));
    const allowed = [
      'preferences.sms',
      'preferences.whatsapp',
      'preferences.email',
      'preferences.post',
      'home.units',
    ];
    expect(words.filter((k) => !allowed.includes(k))).toEqual([]);
  });

  it('formats dates and plurals in the reader’s language', () => {
    const due = '2026-12-01T06:30:00Z';
    expect(portalMessages.format('en', 'home.dueValue', { dueAt: due })).toBe('1 Dec 2026, 12:00 pm');
    expect(portalMessages.format('ml', 'home.dueValue', { dueAt: due })).toMatch(/ഡിസം/);
    expect(portalMessages.format('hi', 'home.dueValue', { dueAt: due })).toMatch(/दिस/);
    expect(portalMessages.format('ru', 'signIn.tooMany', { minutes: 3 })).toMatch(/3 минуты/);
    expect(portalMessages.format('ru', 'signIn.tooMany', { minutes: 5 })).toMatch(/5 минут /);
  });
});
