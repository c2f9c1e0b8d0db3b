import type { TLanguage } from './languages';
import type { TLocalised } from './notices';

/** One of an entry's words in every language it has it in (for notices, rendered per reader). */
export function localised<T>(
  english: string,
  translations: Partial<Record<TLanguage, T>> | undefined,
  pick: (t: T) => string | undefined,
): { text: TLocalised } {
  const text: TLocalised = { en: english };
  for (const [language, t] of Object.entries(translations ?? {}) as [TLanguage, T][]) {
    const words = pick(t);
    if (words && language !== 'en') text[language] = words;
  }
  return { text };
}
