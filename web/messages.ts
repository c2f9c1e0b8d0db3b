import { readFileSync } from 'node:fs';
import { MessageBook, type TMessageTree, type TMessageValues } from '../domain/messages';
import { LANGUAGES, type TLanguage } from '../domain/languages';

const file = (language: TLanguage) =>
  JSON.parse(
    readFileSync(new URL(`../messages/portal/${language}.json`, import.meta.url), 'utf8'),
  ) as TMessageTree;

/** Every word of the portal, from `messages/portal/<language>.json`. */
export const portalMessages = new MessageBook(
  'portal',
  Object.fromEntries(LANGUAGES.map((l) => [l, file(l)])) as Record<TLanguage, TMessageTree>,
  'en',
);

export type Translate = (key: string, values?: TMessageValues) => string;

/** The portal's words in one language. */
export const translator =
  (language: TLanguage): Translate =>
  (key, values) =>
    portalMessages.format(language, key, values);

/** A status in words; a status the message files do not know yet is shown as it is. */
export const statusLabel = (t: Translate, status: string) =>
  portalMessages.has('en', `status.${status}`) ? t(`status.${status}`) : status;
