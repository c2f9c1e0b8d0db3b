import type { TServiceType } from './catalogue';
import type { TComplaintType } from './complaint-catalogue';

/**
 * A catalogue snapshot with the schema's defaults filled in, without zod: what `ZServiceType` /
 * `ZComplaintType.parse` make of a stored snapshot, for workflows (which load no zod — every
 * module they load is paid for by every cached workflow). A test holds these to the schemas.
 */
export function withServiceTypeDefaults(t: TServiceType): TServiceType {
  return {
    ...t,
    kind: t.kind ?? 'service',
    version: t.version ?? 1,
    description: t.description ?? '',
    form: t.form.map((f) => ({ ...f, required: f.required ?? true })),
    documents: t.documents.map((d) => ({ ...d, required: d.required ?? true })),
    calendar: t.calendar ?? 'office',
    warnAtShare: t.warnAtShare ?? 0.75,
    consumerResponseLimit: t.consumerResponseLimit ?? '70h',
    feedbackWindow: t.feedbackWindow ?? '720h',
    translations: t.translations ?? {},
  };
}

export function withComplaintTypeDefaults(t: TComplaintType): TComplaintType {
  return {
    ...t,
    kind: t.kind ?? 'complaint',
    version: t.version ?? 1,
    calendar: t.calendar ?? 'office',
    fieldWork: t.fieldWork ?? true,
    outageLinkable: t.outageLinkable ?? false,
    confirmWindow: t.confirmWindow ?? '72h',
    translations: t.translations ?? {},
  };
}
