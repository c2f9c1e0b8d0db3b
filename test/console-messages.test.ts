import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../domain/languages';
import { argumentsOf } from '../domain/messages';
import { consoleMessages } from '../web/console/messages';

/** The console's message files: every key in every language, every message valid ICU, real translations. */
describe('console message files', () => {
  const english = consoleMessages.keys('en');

  it('has a file for each language Seva speaks, and no other', () => {
    expect(readdirSync('messages/console').sort()).toEqual(LANGUAGES.map((l) => `${l}.json`).sort());
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every key English has, and no other', (language) => {
    const keys = consoleMessages.keys(language);
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
        [...argumentsOf(consoleMessages.message(l, key).format.getAst()).keys()].sort();
      expect(args(language), key).toEqual(args('en'));
    }
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s is translated, not an English copy', (language) => {
    const same = english.filter((k) => {
      const text = consoleMessages.message(language, k).format.getAst();
      return JSON.stringify(text) === JSON.stringify(consoleMessages.message('en', k).format.getAst());
    });
    // Only what is the same in every language may be: numbers, units, "SMS", "{type}: {status}".
    const words = same.filter((k) => /[a-z]{3}/i.test(consoleMessages.format('en', k, {})));
    const allowed = ['document.size', 'format.when', 'layout.languageName'];
    expect(words.filter((k) => !allowed.includes(k))).toEqual([]);
  });

  it('formats dates and plurals in the reader’s language', () => {
    const at = '2026-12-01T06:30:00Z';
    expect(consoleMessages.format('en', 'format.when', { at })).toBe('1 Dec 2026, 12:00 pm');
    expect(consoleMessages.format('ml', 'format.when', { at })).toMatch(/ഡിസം/);
    expect(consoleMessages.format('ru', 'layout.unread', { count: 3 })).toBe('3 непрочитанных оповещения');
    expect(consoleMessages.format('en', 'layout.unread', { count: 0 })).toBe('no unread alerts');
  });
});
