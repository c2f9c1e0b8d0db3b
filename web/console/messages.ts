import { readFileSync } from 'node:fs';
import { MessageBook, type TMessageTree } from '../../domain/messages';
import { LANGUAGES, type TLanguage } from '../../domain/languages';
import type { Translate } from '../messages';

const file = (language: TLanguage) =>
  JSON.parse(
    readFileSync(new URL(`../../messages/console/${language}.json`, import.meta.url), 'utf8'),
  ) as TMessageTree;

/** Every word of the back-office console, from `messages/console/<language>.json`. */
export const consoleMessages = new MessageBook(
  'console',
  Object.fromEntries(LANGUAGES.map((l) => [l, file(l)])) as Record<TLanguage, TMessageTree>,
  'en',
);

/** The console's words in one language. */
export const consoleTranslator =
  (language: TLanguage): Translate =>
  (key, values) =>
    consoleMessages.format(language, key, values);

/** A key's words when the file has them (statuses, actions), else the value as it is. */
export const wordsOr = (t: Translate, key: string, fallback: string) =>
  consoleMessages.has('en', key) ? t(key) : fallback;
