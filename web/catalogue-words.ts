import type { TDocumentKind, TFieldSpec, TServiceType } from '../domain/catalogue';
import type { TComplaintType } from '../domain/complaint-catalogue';
import type { TLanguage } from '../domain/languages';
import { PHRASES } from '../domain/notice-templates';

/**
 * The catalogue's words in the reader's language: each entry's `translations[language]`, English
 * (the entry itself) for anything not translated. Document kinds, channels and roles are the
 * built-in phrases of the notices (messages/phrases).
 */
const tr = (type: TServiceType, language: TLanguage) =>
  language === 'en' ? undefined : type.translations[language];

export const serviceTypeName = (type: TServiceType, language: TLanguage) =>
  tr(type, language)?.name ?? type.name;
export const serviceTypeDescription = (type: TServiceType, language: TLanguage) =>
  tr(type, language)?.description ?? type.description;
export const fieldLabel = (type: TServiceType, field: TFieldSpec, language: TLanguage) =>
  tr(type, language)?.fields?.[field.name]?.label ?? field.label;
export const optionLabel = (type: TServiceType, field: TFieldSpec, option: string, language: TLanguage) =>
  tr(type, language)?.fields?.[field.name]?.options?.[option] ?? option;
export const documentNote = (type: TServiceType, kind: TDocumentKind, language: TLanguage) =>
  tr(type, language)?.documentNotes?.[kind] ?? type.documents.find((d) => d.kind === kind)?.note;
export const stepName = (type: TServiceType, stepId: string, language: TLanguage) =>
  tr(type, language)?.steps?.[stepId] ?? type.steps.find((s) => s.id === stepId)?.name ?? stepId;

export const complaintTypeName = (type: TComplaintType, language: TLanguage) =>
  (language === 'en' ? undefined : type.translations[language]?.name) ?? type.name;

/** A built-in phrase (`document-kind.address`, `channel.web`), or the key's last part when there is none. */
export const phrase = (language: TLanguage, key: string) =>
  PHRASES.has('en', key) ? PHRASES.format(language, key) : (key.split('.').pop() ?? key);

export const documentKindName = (kind: string, language: TLanguage) =>
  phrase(language, `document-kind.${kind}`);
