import { describe, expect, it } from 'vitest';
import { withBuiltInTranslations } from '../domain/built-in-translations';
import { SERVICE_CATALOGUE, TRANSLATED_LANGUAGES, ZServiceType, DOCUMENT_KINDS } from '../domain/catalogue';
import { COMPLAINT_CATALOGUE, ZComplaintType } from '../domain/complaint-catalogue';
import { LANGUAGES, PHRASES } from '../domain/notice-templates';

describe('the demo catalogue in every language', () => {
  for (const type of SERVICE_CATALOGUE.map(withBuiltInTranslations)) {
    it(`service type ${type.code}: name, receipt name, steps, eForm labels and options, document notes`, () => {
      expect(() => ZServiceType.parse(type)).not.toThrow();
      for (const language of TRANSLATED_LANGUAGES) {
        const t = type.translations[language];
        const where = `${type.code} in ${language}`;
        expect(t?.name, `${where}: name`).toBeTruthy();
        expect(t?.receiptName, `${where}: receipt name`).toBeTruthy();
        if (type.description) expect(t?.description, `${where}: description`).toBeTruthy();
        for (const step of type.steps) expect(t?.steps?.[step.id], `${where}: step ${step.id}`).toBeTruthy();
        for (const field of type.form) {
          expect(t?.fields?.[field.name]?.label, `${where}: field ${field.name}`).toBeTruthy();
          for (const option of field.options ?? [])
            expect(
              t?.fields?.[field.name]?.options?.[option],
              `${where}: ${field.name} option ${option}`,
            ).toBeTruthy();
        }
        for (const d of type.documents.filter((d) => d.note))
          expect(t?.documentNotes?.[d.kind], `${where}: note on ${d.kind}`).toBeTruthy();
      }
    });
  }
  for (const type of COMPLAINT_CATALOGUE.map(withBuiltInTranslations)) {
    it(`complaint type ${type.code}: name`, () => {
      expect(() => ZComplaintType.parse(type)).not.toThrow();
      for (const language of TRANSLATED_LANGUAGES)
        expect(type.translations[language]?.name, `${type.code} in ${language}`).toBeTruthy();
    });
  }
  it('names every document kind in every language', () => {
    for (const language of LANGUAGES)
      for (const kind of DOCUMENT_KINDS)
        expect(PHRASES.has(language, `document-kind.${kind}`), `${kind} in ${language}`).toBe(true);
  });
  it('refuses a translation of a step, field, option or document the type does not have', () => {
    const base = SERVICE_CATALOGUE.find((t) => t.code === 'ownership-transfer')!;
    const result = ZServiceType.safeParse({
      ...base,
      translations: {
        ml: {
          steps: { nope: 'x' },
          fields: {
            newName: { label: 'x' },
            relationship: { options: { lease: 'x' } },
            ghost: { label: 'x' },
          },
          documentNotes: { address: 'x' },
        },
      },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual([
      'translations.ml.documentNotes.address',
      'translations.ml.fields.ghost',
      'translations.ml.fields.relationship.options.lease',
      'translations.ml.steps.nope',
    ]);
    expect(ZServiceType.safeParse({ ...base, translations: { en: { name: 'x' } } }).success).toBe(false);
  });
});
