import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { withBuiltInTranslations } from '../domain/built-in-translations';
import { SERVICE_CATALOGUE, ZServiceType } from '../domain/catalogue';
import { withComplaintTypeDefaults, withServiceTypeDefaults } from '../domain/catalogue-defaults';
import { COMPLAINT_CATALOGUE, ZComplaintType } from '../domain/complaint-catalogue';

/**
 * Every module the workflow bundle loads is evaluated again for each cached workflow; zod and the
 * phone-number metadata made a cached complaint cost ~2.7 MB. Workflows import only zod-free
 * modules (the `*-contract.ts` ones, calendar, localised, catalogue-defaults).
 */
describe('the workflow bundle', () => {
  it('holds no zod and no phone-number metadata', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(code).not.toMatch(/node_modules\/zod\//);
    expect(code).not.toMatch(/libphonenumber/);
    expect(code.length).toBeLessThan(3_000_000);
  });
});

describe('catalogue defaults without zod', () => {
  const strip = (t: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(Object.entries(t).filter(([k]) => !keys.includes(k)));
  const serviceDefaulted = [
    'kind',
    'version',
    'description',
    'calendar',
    'warnAtShare',
    'consumerResponseLimit',
    'feedbackWindow',
    'translations',
  ];
  const complaintDefaulted = [
    'kind',
    'version',
    'calendar',
    'fieldWork',
    'outageLinkable',
    'confirmWindow',
    'translations',
  ];

  it('fill a service type exactly as ZServiceType does, from a full or a bare snapshot', () => {
    for (const type of SERVICE_CATALOGUE.map(withBuiltInTranslations)) {
      expect(withServiceTypeDefaults(type)).toEqual(ZServiceType.parse(type));
      const bare = {
        ...strip(type, serviceDefaulted),
        form: type.form.map((f) => strip(f, ['required'])),
        documents: type.documents.map((d) => strip(d, ['required'])),
      } as never;
      expect(withServiceTypeDefaults(bare)).toEqual(ZServiceType.parse(bare));
    }
  });

  it('fill a complaint type exactly as ZComplaintType does, from a full or a bare snapshot', () => {
    for (const type of COMPLAINT_CATALOGUE.map(withBuiltInTranslations)) {
      expect(withComplaintTypeDefaults(type)).toEqual(ZComplaintType.parse(type));
      const bare = strip(type, complaintDefaulted) as never;
      expect(withComplaintTypeDefaults(bare)).toEqual(ZComplaintType.parse(bare));
    }
  });
});
