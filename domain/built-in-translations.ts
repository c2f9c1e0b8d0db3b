import hi from '../messages/catalogue/hi.json' with { type: 'json' };
import ml from '../messages/catalogue/ml.json' with { type: 'json' };
import ru from '../messages/catalogue/ru.json' with { type: 'json' };
import vi from '../messages/catalogue/vi.json' with { type: 'json' };
import { TRANSLATED_LANGUAGES, type TServiceType, type TServiceTypeTranslation } from './catalogue';
import type { TComplaintType } from './complaint-catalogue';

/**
 * The built-in catalogue's words in the other languages, from the message files
 * `messages/catalogue/<language>.json` (`service.<code>` and `complaint.<code>`), so a translator
 * edits them without touching code. They are merged into each built-in entry when the catalogue
 * is loaded; an entry's own translations (an admin's) win.
 */
type TFile = {
  service: Record<string, TServiceTypeTranslation>;
  complaint: Record<string, { name: string }>;
};
const FILES: Record<(typeof TRANSLATED_LANGUAGES)[number], TFile> = { ml, hi, vi, ru };

export function withBuiltInTranslations<T extends TServiceType | TComplaintType>(type: T): T {
  const translations: Record<string, unknown> = {};
  for (const language of TRANSLATED_LANGUAGES) {
    const file = FILES[language];
    const builtIn = type.kind === 'service' ? file.service[type.code] : file.complaint[type.code];
    const own = type.translations[language];
    if (builtIn || own) translations[language] = { ...builtIn, ...own };
  }
  return { ...type, translations };
}
