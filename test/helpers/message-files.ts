import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { LANGUAGES, type TLanguage } from '../../domain/languages';
import { argumentsOf, type MessageBook } from '../../domain/messages';

/**
 * What every area's message files must be: a file per language and no other, every key English has
 * and no other, every message valid ICU with English's arguments, and really translated (only the
 * keys in `sameInEveryLanguage` may read as the English does). Call inside a `describe`.
 */
export function checkMessageFiles(
  book: MessageBook<TLanguage>,
  folder: string,
  sameInEveryLanguage: string[],
) {
  const english = book.keys('en');
  const others = LANGUAGES.filter((l) => l !== 'en');

  it('has a file for each language Seva speaks, and no other', () => {
    expect(readdirSync(folder).sort()).toEqual(LANGUAGES.map((l) => `${l}.json`).sort());
  });

  it.each(others)('%s has every key English has, and no other', (language) => {
    const keys = book.keys(language);
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
      const args = (l: TLanguage) => [...argumentsOf(book.message(l, key).format.getAst()).keys()].sort();
      expect(args(language), key).toEqual(args('en'));
    }
  });

  it.each(others)('%s is translated, not an English copy', (language) => {
    const same = english.filter(
      (k) =>
        JSON.stringify(book.message(language, k).format.getAst()) ===
        JSON.stringify(book.message('en', k).format.getAst()),
    );
    // Only what is the same in every language may be: numbers, units, "SMS", "{type}: {status}".
    const words = same.filter((k) => /[a-z]{3}/i.test(book.format('en', k, {})));
    expect(words.filter((k) => !sameInEveryLanguage.includes(k))).toEqual([]);
  });
}
