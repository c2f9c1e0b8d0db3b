import { z } from 'zod';
import { ZBusinessDuration } from './calendar-schema';
import { toE164 } from './phone';
import { LANGUAGES, type TLanguage } from './languages';
import { ZRole } from './roles-schema';
import { AREA_CLASSES, type TStandard } from './compensation';

/**
 * The request catalogue is data. A type says what form to fill, which documents to bring, which
 * steps run and who performs each, how long each may take (business time), who it escalates to,
 * and what changes on completion. Workflows receive a snapshot of their type at intake, so adding
 * or editing a type needs no workflow change and never alters requests already in flight.
 */

export const FIELD_TYPES = [
  'text',
  'longText',
  'enum',
  'phone',
  'email',
  'pincode',
  'number',
  'date',
  'boolean',
] as const;

export const ZFieldSpec = z.object({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'camelCase field name'),
  label: z.string().min(1),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(true),
  options: z.array(z.string().min(1)).min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** what an offline e-KYC attached to the request is compared with */
  kyc: z.enum(['name', 'address', 'pinCode']).optional(),
});
export type TFieldSpec = z.output<typeof ZFieldSpec>;

export const DOCUMENT_KINDS = [
  'identity',
  'address',
  'ownership',
  'load-calculation',
  'wiring-certificate',
  'tariff-eligibility',
  'other',
] as const;
export const ZDocumentKind = z.enum(DOCUMENT_KINDS);
export type TDocumentKind = z.infer<typeof ZDocumentKind>;

export const ZStepSpec = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string().min(1),
  /** a staff role, or 'consumer' for a step the consumer completes (the TAT clock pauses meanwhile) */
  performer: ZRole,
  tat: ZBusinessDuration,
});
export type TStepSpec = z.output<typeof ZStepSpec>;

export const OFFICE_LEVELS = ['circle', 'division', 'subdivision', 'section'] as const;

export const ZEscalationLevel = z.object({
  level: z.number().int().min(1),
  /** which office up the hierarchy from the request's section office takes it */
  officeLevel: z.enum(OFFICE_LEVELS),
  role: ZRole.exclude(['consumer']),
  /** how long this level has before the request goes up again */
  deadline: ZBusinessDuration,
});

/** Consumer-account columns a completed request may change, each fed from an eForm field. */
export const APPLY_COLUMNS = ['name', 'address', 'phone', 'email', 'category', 'sanctionedLoadKw'] as const;
export const ZApply = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none'), note: z.string() }),
  z.object({
    kind: z.literal('update-consumer'),
    set: z
      .partialRecord(z.enum(APPLY_COLUMNS), z.string())
      .refine((s) => Object.keys(s).length > 0, 'set at least one column'),
  }),
]);
export type TApply = z.output<typeof ZApply>;

/** The languages an entry is translated into; English is the entry itself. */
export const TRANSLATED_LANGUAGES = LANGUAGES.filter((l): l is Exclude<TLanguage, 'en'> => l !== 'en');
const ZTranslatedLanguage = z.enum(
  TRANSLATED_LANGUAGES as [Exclude<TLanguage, 'en'>, ...Exclude<TLanguage, 'en'>[]],
);
const ZWords = z.string().trim().min(1).max(500);

/** A service type's words in one more language: anything missing is shown in English. */
export const ZServiceTypeTranslation = z.strictObject({
  name: ZWords.optional(),
  description: ZWords.optional(),
  receiptName: ZWords.optional(),
  /** step id → name */
  steps: z.record(z.string(), ZWords).optional(),
  /** eForm field → its label, and an enum field's option → its label */
  fields: z
    .record(
      z.string(),
      z.strictObject({ label: ZWords.optional(), options: z.record(z.string(), ZWords).optional() }),
    )
    .optional(),
  /** document kind → the note on what to bring */
  documentNotes: z.partialRecord(ZDocumentKind, ZWords).optional(),
});
export type TServiceTypeTranslation = z.output<typeof ZServiceTypeTranslation>;
export const ZTranslations = <T extends z.ZodType>(entry: T) =>
  z.partialRecord(ZTranslatedLanguage, entry).default({});

export { localised } from './localised';

/** Where a figure of a standard comes from; `example: true` marks a demo figure the sources do not give. */
const ZStandardSource = z.strictObject({
  citation: z.string().trim().min(1).max(500),
  url: z.url().optional(),
  example: z.boolean(),
  note: z.string().trim().max(1000).optional(),
});
/** Money in the profile's currency, major units, at most two decimals. */
const ZAmount = z
  .number()
  .positive()
  .max(10_000_000)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimals');
const capAtLeastAmount = (r: { amount: number; cap?: number }) => r.cap === undefined || r.cap >= r.amount;
export const ZCompensationRule = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('per-day'),
      amount: ZAmount,
      /** how much of the clock is one day of delay: `7h` on a 10:00–17:00 office calendar, `24h` round the clock */
      day: ZBusinessDuration.optional(),
      cap: ZAmount.optional(),
      source: ZStandardSource,
    })
    .refine(capAtLeastAmount, { path: ['cap'], message: 'the cap must be at least the amount' }),
  z
    .strictObject({
      kind: z.literal('per-hour'),
      amount: ZAmount,
      cap: ZAmount.optional(),
      source: ZStandardSource,
    })
    .refine(capAtLeastAmount, { path: ['cap'], message: 'the cap must be at least the amount' }),
  z.strictObject({ kind: z.literal('per-case'), amount: ZAmount, source: ZStandardSource }),
]);
/**
 * A standard of performance (`domain/compensation.ts`): the timeline per area class on the
 * entry's own clock, the compensation when it is missed, and the regulation shown to the consumer.
 */
export const ZStandard = z.strictObject({
  timeline: z.strictObject(
    Object.fromEntries(AREA_CLASSES.map((c) => [c, ZBusinessDuration])) as Record<
      (typeof AREA_CLASSES)[number],
      typeof ZBusinessDuration
    >,
  ),
  compensation: ZCompensationRule,
  citation: z.string().trim().min(1).max(500),
  source: ZStandardSource,
});
// The zod-free type the workflows use is what the schema makes.
export const standardType = (s: z.output<typeof ZStandard>): TStandard => s;

const serviceTypeShape = {
  code: z.string().regex(/^[a-z][a-z0-9-]{2,40}$/, 'kebab-case code'),
  kind: z.literal('service').default('service'),
  version: z.number().int().min(1).default(1),
  name: z.string().min(1),
  description: z.string().default(''),
  form: z.array(ZFieldSpec).min(1),
  documents: z.array(
    z.object({ kind: ZDocumentKind, required: z.boolean().default(true), note: z.string().optional() }),
  ),
  steps: z.array(ZStepSpec).min(1),
  tat: ZBusinessDuration,
  /** whose clock the TAT runs on: the section office's business calendar, or round the clock */
  calendar: z.enum(['office', '24x7']).default('office'),
  /** share of the TAT after which the executive is alerted */
  warnAtShare: z.number().gt(0).lt(1).default(0.75),
  escalation: z.array(ZEscalationLevel).min(1),
  /** waiting on the consumer (documents asked for): remind half-way, close as abandoned at the limit */
  consumerResponseLimit: ZBusinessDuration.default('70h'),
  /** how long the feedback link stays valid after completion (wall-clock time) */
  feedbackWindow: ZBusinessDuration.default('720h'),
  apply: ZApply,
  /** completion notice: "The requested service — <receiptName> — is processed" */
  receiptName: z.string().min(1),
  /** the type's words in the other languages (`ml`, `hi`, `vi`, `ru`); English is above */
  translations: ZTranslations(ZServiceTypeTranslation),
  /** the statutory standard of performance and its compensation, if a regulation sets one */
  standard: ZStandard.optional(),
};

/** The rules across fields of a type, for the stored type and for an admin's PUT body alike. */
function refineServiceType(
  t: Pick<
    z.output<z.ZodObject<typeof serviceTypeShape>>,
    'form' | 'apply' | 'steps' | 'translations' | 'documents'
  >,
  ctx: z.RefinementCtx,
) {
  // A translation names only steps, fields, options and documents the type has.
  for (const [language, tr] of Object.entries(t.translations)) {
    const at = (...path: (string | number)[]) => ['translations', language, ...path];
    for (const id of Object.keys(tr.steps ?? {}))
      if (!t.steps.some((s) => s.id === id))
        ctx.addIssue({ code: 'custom', path: at('steps', id), message: `no step "${id}"` });
    for (const [name, f] of Object.entries(tr.fields ?? {})) {
      const field = t.form.find((x) => x.name === name);
      if (!field)
        ctx.addIssue({ code: 'custom', path: at('fields', name), message: `no form field "${name}"` });
      for (const option of Object.keys(f.options ?? {}))
        if (!field?.options?.includes(option))
          ctx.addIssue({
            code: 'custom',
            path: at('fields', name, 'options', option),
            message: `no option "${option}"`,
          });
    }
    for (const kind of Object.keys(tr.documentNotes ?? {}))
      if (!t.documents.some((d) => d.kind === kind))
        ctx.addIssue({
          code: 'custom',
          path: at('documentNotes', kind),
          message: `the type asks for no "${kind}" document`,
        });
  }
  const fields = new Set(t.form.map((f) => f.name));
  if (t.apply.kind === 'update-consumer') {
    for (const [column, field] of Object.entries(t.apply.set)) {
      if (!fields.has(field))
        ctx.addIssue({
          code: 'custom',
          path: ['apply', 'set', column],
          message: `no form field "${field}"`,
        });
    }
  }
  const ids = t.steps.map((s) => s.id);
  if (new Set(ids).size !== ids.length)
    ctx.addIssue({ code: 'custom', path: ['steps'], message: 'step ids must be unique' });
  t.form.forEach((f, i) => {
    if (f.type === 'enum' && !f.options)
      ctx.addIssue({ code: 'custom', path: ['form', i, 'options'], message: 'enum fields need options' });
  });
}

export const ZServiceType = z.object(serviceTypeShape).superRefine(refineServiceType);
/** What an admin sends to `PUT /v1/catalogue/service-types/{code}`: the path names the code. */
export const ZServiceTypeBody = z
  .object(serviceTypeShape)
  .omit({ code: true })
  .superRefine(refineServiceType);
export type TServiceType = z.output<typeof ZServiceType>;

/** The eForm of a type as a zod schema, built from its field specs. */
export function buildFormSchema(fields: readonly TFieldSpec[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    let s: z.ZodType;
    switch (f.type) {
      case 'text':
        s = z
          .string()
          .trim()
          .min(f.min ?? 1, 'must not be empty')
          .max(f.max ?? 200);
        break;
      case 'longText':
        s = z
          .string()
          .trim()
          .min(f.min ?? 1, 'must not be empty')
          .max(f.max ?? 2000);
        break;
      case 'enum':
        s = z.enum(f.options as [string, ...string[]]);
        break;
      case 'phone':
        // Checked against the numbering plan, stored as E.164.
        s = z.string().transform((v, ctx) => {
          const e164 = toE164(v);
          if (!e164) {
            ctx.addIssue({ code: 'custom', message: 'must be a valid phone number, e.g. +919447012345' });
            return z.NEVER;
          }
          return e164;
        });
        break;
      case 'email':
        s = z.email('must be an e-mail address');
        break;
      case 'pincode':
        s = z.string().regex(/^[1-9]\d{5}$/, 'must be a 6-digit PIN code');
        break;
      case 'number': {
        let n = z.number();
        if (f.min !== undefined) n = n.min(f.min);
        if (f.max !== undefined) n = n.max(f.max);
        s = n;
        break;
      }
      case 'date':
        s = z.iso.date('must be a date YYYY-MM-DD');
        break;
      case 'boolean':
        s = z.boolean();
        break;
    }
    shape[f.name] = f.required ? s : s.optional();
  }
  return z.strictObject(shape);
}

const STANDARD_ESCALATION = [
  { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '14h' },
  { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '14h' },
  { level: 3, officeLevel: 'circle', role: 'supervisor', deadline: '21h' },
] as const;

const addressFields = [
  { name: 'newAddress', label: 'New address', type: 'longText', kyc: 'address' },
  { name: 'pinCode', label: 'PIN code', type: 'pincode', kyc: 'pinCode' },
] as const;

/** The utility's service catalogue (seed 001). Loaded into `request_types` at start. */
export const SERVICE_CATALOGUE: TServiceType[] = [
  {
    code: 'address-change',
    version: 3, // 2: eForm fields say what an offline e-KYC is compared with; 3: translations
    name: 'Address change',
    form: [...addressFields, { name: 'reason', label: 'Reason', type: 'text', required: false }],
    documents: [{ kind: 'address', required: true }],
    steps: [{ id: 'document-review', name: 'Document review', performer: 'executive', tat: '7h' }],
    tat: '21h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'update-consumer', set: { address: 'newAddress' } },
    receiptName: 'Address change',
  },
  {
    code: 'ownership-transfer',
    version: 4, // 2: eForm fields say what an offline e-KYC is compared with; 3: translations; 4: standard of performance
    name: 'Name change / ownership transfer',
    form: [
      { name: 'newName', label: 'Name of the new owner', type: 'text', kyc: 'name' },
      {
        name: 'relationship',
        label: 'Transfer by',
        type: 'enum',
        options: ['sale', 'inheritance', 'gift', 'correction'],
      },
    ],
    documents: [
      { kind: 'identity', required: true },
      {
        kind: 'ownership',
        required: true,
        note: 'sale deed, legal-heir certificate or possession certificate',
      },
    ],
    steps: [
      { id: 'document-review', name: 'Document review', performer: 'executive', tat: '14h' },
      { id: 'approval', name: 'Approval by the Assistant Engineer', performer: 'supervisor', tat: '7h' },
    ],
    tat: '35h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'update-consumer', set: { name: 'newName' } },
    receiptName: 'Ownership transfer',
  },
  {
    code: 'new-connection',
    version: 4, // 2: eForm fields say what an offline e-KYC is compared with; 3: translations; 4: standard of performance
    name: 'New connection',
    form: [
      { name: 'premisesAddress', label: 'Premises address', type: 'longText', kyc: 'address' },
      { name: 'pinCode', label: 'PIN code', type: 'pincode', kyc: 'pinCode' },
      { name: 'connectedLoadKw', label: 'Connected load (kW)', type: 'number', min: 0.1, max: 100 },
      {
        name: 'purpose',
        label: 'Purpose',
        type: 'enum',
        options: ['domestic', 'commercial', 'industrial', 'agricultural'],
      },
    ],
    documents: [
      { kind: 'identity', required: true },
      { kind: 'ownership', required: true },
      { kind: 'wiring-certificate', required: false },
    ],
    steps: [
      { id: 'document-review', name: 'Document review', performer: 'executive', tat: '7h' },
      { id: 'site-inspection', name: 'Site inspection', performer: 'executive', tat: '14h' },
      { id: 'estimate-payment', name: 'Estimate paid by the applicant', performer: 'consumer', tat: '70h' },
      { id: 'energisation', name: 'Energisation', performer: 'executive', tat: '14h' },
    ],
    tat: '70h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'none', note: 'a new service connection is energised and numbered by the billing system' },
    receiptName: 'New connection',
  },
  {
    code: 'load-change',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Load change',
    form: [
      { name: 'newLoadKw', label: 'New connected load (kW)', type: 'number', min: 0.1, max: 100 },
      { name: 'reason', label: 'Reason', type: 'text', required: false },
    ],
    documents: [{ kind: 'load-calculation', required: true }],
    steps: [
      { id: 'document-review', name: 'Document review', performer: 'executive', tat: '7h' },
      { id: 'site-inspection', name: 'Site inspection', performer: 'executive', tat: '14h' },
    ],
    tat: '28h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'update-consumer', set: { sanctionedLoadKw: 'newLoadKw' } },
    receiptName: 'Load change',
  },
  {
    code: 'tariff-change',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Tariff change',
    form: [
      {
        name: 'newTariff',
        label: 'New tariff',
        type: 'enum',
        options: ['LT-1A domestic', 'LT-6A general', 'LT-7A commercial', 'LT-5 agricultural'],
      },
      { name: 'reason', label: 'Reason', type: 'text' },
    ],
    documents: [{ kind: 'tariff-eligibility', required: true }],
    steps: [{ id: 'document-review', name: 'Eligibility review', performer: 'executive', tat: '14h' }],
    tat: '21h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'update-consumer', set: { category: 'newTariff' } },
    receiptName: 'Tariff change',
  },
  {
    code: 'meter-shifting',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Meter shifting',
    form: [
      { name: 'newLocation', label: 'New meter location', type: 'longText' },
      { name: 'preferredDate', label: 'Preferred date', type: 'date', required: false },
    ],
    documents: [],
    steps: [
      { id: 'site-inspection', name: 'Site inspection', performer: 'executive', tat: '14h' },
      { id: 'shifting', name: 'Meter shifted', performer: 'executive', tat: '14h' },
    ],
    tat: '35h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'none', note: 'meter moved within the premises' },
    receiptName: 'Meter shifting',
  },
  {
    code: 'contact-update',
    version: 2, // 2: translations
    name: 'Contact details update',
    form: [
      { name: 'newPhone', label: 'Mobile number', type: 'phone' },
      { name: 'newEmail', label: 'E-mail', type: 'email', required: false },
    ],
    documents: [{ kind: 'identity', required: true }],
    steps: [{ id: 'document-review', name: 'Verification', performer: 'executive', tat: '7h' }],
    tat: '7h',
    escalation: [...STANDARD_ESCALATION],
    apply: { kind: 'update-consumer', set: { phone: 'newPhone', email: 'newEmail' } },
    receiptName: 'Contact details update',
  },
].map((t) => ZServiceType.parse(t));
