/** @jsxImportSource hono/jsx */
import { DOCUMENT_KINDS, type TFieldSpec, type TServiceType } from '../domain/catalogue';
import type { TFieldError } from '../domain/failures';
import type { TLanguage } from '../domain/languages';
import { fieldLabel, optionLabel } from './catalogue-words';
import { FieldError } from './components';
import type { Translate } from './messages';

/*
 * An eForm drawn from a service type's field specs, for every page that takes one: the portal's
 * Apply page and the agent desk's "start a service request". No page code per type; the words
 * are the portal's (`apply.*`), the rules the use case's (buildFormSchema in submitServiceRequest).
 */

type TForm = Record<string, string | File | (string | File)[]>;
/** A text field of a parsed form (the first, when sent twice); '' when absent or a file. */
export const formText = (form: TForm, name: string) => {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
};

/** A file part of a parsed form, if one was chosen (an empty file input sends a nameless empty part). */
export const formFile = (form: TForm, name: string) => {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first instanceof File && (first.size > 0 || first.name) ? first : undefined;
};

/** What was typed into each field of the type's eForm (`form.<name>`), as strings. */
export const typedEForm = (type: TServiceType, form: TForm) =>
  Object.fromEntries(type.form.map((f) => [f.name, formText(form, `form.${f.name}`)]));

/**
 * The eForm as typed (strings of an HTML form) → the values the type's schema takes: numbers as
 * numbers, a check box as true or false, an optional field left empty as absent. The schema
 * (buildFormSchema, in the use case) then decides what is valid.
 */
export function eformValues(fields: readonly TFieldSpec[], typed: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = typed[f.name] ?? '';
    if (f.type === 'boolean') {
      out[f.name] = v === 'yes';
      continue;
    }
    if (v.trim() === '') {
      if (f.required) out[f.name] = f.type === 'number' ? undefined : v;
      continue;
    }
    out[f.name] = f.type === 'number' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** The error of a field in the reader's language: what its type needs (the use case said which). */
export const eformFieldMessage = (t: Translate, spec: TFieldSpec | undefined) => {
  if (!spec) return t('apply.invalid.other');
  if (spec.type === 'number' && spec.min !== undefined && spec.max !== undefined)
    return t('apply.invalid.numberRange', { min: spec.min, max: spec.max });
  return t(`apply.invalid.${spec.type}`);
};

/** The use case's field errors of the eForm (`form.<name>…`, after `prefix`), by field name, in words. */
export function eformFieldErrors(t: Translate, type: TServiceType, errors: readonly TFieldError[]) {
  const fields: Record<string, string> = {};
  for (const e of errors) {
    if (!e.field.startsWith('form.')) continue;
    const name = e.field.slice('form.'.length).split('.')[0]!;
    fields[name] ??= eformFieldMessage(
      t,
      type.form.find((f) => f.name === name),
    );
  }
  return fields;
}

/** A kind named in a use case's message about a missing document ("an address document is required"). */
export const kindInMessage = (message: string) =>
  DOCUMENT_KINDS.find((k) => new RegExp(`\\b${k} document is required`).test(message));

/** One eForm field, drawn from its spec: the input its type needs, the label in the reader's language. */
export function EFormField(props: {
  /** the portal's words (apply.*), in the reader's language */
  t: Translate;
  language: TLanguage;
  type: TServiceType;
  field: TFieldSpec;
  value: string;
  error?: string;
}) {
  const { t, language, type, field } = props;
  const id = `field-${field.name}`;
  const name = `form.${field.name}`;
  const describedBy = props.error ? `${id}-error` : undefined;
  const common = {
    id,
    name,
    required: field.required,
    'aria-invalid': props.error ? 'true' : undefined,
    'aria-describedby': describedBy,
  } as const;
  const label = (
    <label for={id}>
      {fieldLabel(type, field, language)}
      {field.required ? null : <span class="optional"> {t('apply.optionalField')}</span>}
    </label>
  );
  const input = (() => {
    switch (field.type) {
      case 'longText':
        return (
          <textarea {...common} rows={3} maxlength={field.max ?? 2000}>
            {props.value}
          </textarea>
        );
      case 'enum':
        return (
          <select {...common}>
            <option value="">{t('apply.choose')}</option>
            {field.options!.map((o) => (
              <option value={o} selected={props.value === o}>
                {optionLabel(type, field, o, language)}
              </option>
            ))}
          </select>
        );
      case 'boolean':
        return (
          <input {...common} type="checkbox" value="yes" checked={props.value === 'yes'} required={false} />
        );
      case 'number':
        return (
          <input
            {...common}
            type="number"
            step="any"
            min={field.min}
            max={field.max}
            value={props.value}
            class="short"
          />
        );
      case 'date':
        return <input {...common} type="date" value={props.value} class="short" />;
      case 'phone':
        return <input {...common} type="tel" autocomplete="tel" value={props.value} />;
      case 'email':
        return <input {...common} type="email" autocomplete="email" value={props.value} />;
      case 'pincode':
        return (
          <input
            {...common}
            type="text"
            inputmode="numeric"
            maxlength={6}
            autocomplete="postal-code"
            value={props.value}
            class="short"
          />
        );
      default:
        return <input {...common} type="text" maxlength={field.max ?? 200} value={props.value} />;
    }
  })();
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      {field.type === 'boolean' ? (
        <>
          <FieldError id={`${id}-error`} message={props.error} />
          <label class="choice" for={id}>
            {input}
            <span>{fieldLabel(type, field, language)}</span>
          </label>
        </>
      ) : (
        <>
          {label}
          <FieldError id={`${id}-error`} message={props.error} />
          {input}
        </>
      )}
    </div>
  );
}
