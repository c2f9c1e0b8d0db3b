/** @jsxImportSource hono/jsx */
import type { TFieldSpec, TServiceType } from '../../domain/catalogue';
import {
  documentKindName,
  fieldLabel,
  optionLabel,
  serviceTypeDescription,
  serviceTypeName,
} from '../catalogue-words';
import { FieldError, Notice } from '../components';
import { CsrfField, Layout, type TPage } from '../layout';
import { DocumentSlotField, SubmitWithProgress, type TDocumentSlot } from './documents';

/** Apply: the catalogue's service types, each with what it needs. */
export function ApplyListPage(props: { page: TPage; types: TServiceType[] }) {
  const { page } = props;
  const { t, language } = page;
  return (
    <Layout page={page} title={t('apply.title')} wide>
      <h1>{t('apply.title')}</h1>
      <p class="lead">{t('apply.intro')}</p>
      <ul class="service-list">
        {props.types.map((type) => {
          const description = serviceTypeDescription(type, language);
          return (
            <li class="card service">
              <h2>
                <a href={`/apply/${type.code}`}>{serviceTypeName(type, language)}</a>
              </h2>
              {description ? <p>{description}</p> : null}
              <p class="small muted">
                {type.documents.length
                  ? t('apply.needs', {
                      kinds: type.documents.map((d) => documentKindName(d.kind, language)).join(', '),
                    })
                  : t('apply.needsNothing')}
              </p>
            </li>
          );
        })}
      </ul>
    </Layout>
  );
}

/** Field errors of the eForm by field name, and for the form as a whole. */
export type TApplyErrors = { fields: Record<string, string>; form?: string };

/** One eForm field, drawn from its spec: the input its type needs, the label in the reader's language. */
function EFormField(props: {
  page: TPage;
  type: TServiceType;
  field: TFieldSpec;
  value: string;
  error?: string;
}) {
  const { page, type, field } = props;
  const { t, language } = page;
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

/**
 * The eForm of one service type, generated from its field specs (no page code per type), with a
 * slot per document it asks for. Posts multipart to itself with an Idempotency-Key made when the
 * form was drawn, so a double submit makes one request.
 */
export function ApplyFormPage(props: {
  page: TPage;
  type: TServiceType;
  values: Record<string, string>;
  slots: TDocumentSlot[];
  idempotencyKey: string;
  errors?: TApplyErrors;
}) {
  const { page, type } = props;
  const { t, language } = page;
  const errors = props.errors ?? { fields: {} };
  const name = serviceTypeName(type, language);
  const description = serviceTypeDescription(type, language);
  const failed = Object.keys(errors.fields).length > 0 || errors.form || props.slots.some((s) => s.error);
  return (
    <Layout page={page} title={name}>
      <div class="narrow">
        <p class="crumbs">
          <a href="/apply">{t('apply.title')}</a>
        </p>
        <section class="card">
          <h1>{name}</h1>
          {failed ? <Notice kind="error">{errors.form ?? t('apply.errorsTitle')}</Notice> : null}
          {description ? <p class="lead">{description}</p> : null}
          <p class="muted">{t('apply.formIntro')}</p>
          <form
            id="eform"
            method="post"
            action={`/apply/${type.code}`}
            enctype="multipart/form-data"
            novalidate
            data-upload
          >
            <CsrfField page={page} />
            <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
            {type.form.map((field) => (
              <EFormField
                page={page}
                type={type}
                field={field}
                value={props.values[field.name] ?? ''}
                error={errors.fields[field.name]}
              />
            ))}
            {props.slots.length ? (
              <section class="documents" aria-labelledby="documents-title">
                <h2 id="documents-title">{t('apply.documents')}</h2>
                <p class="hint">{t('apply.documentsIntro')}</p>
                {props.slots.map((slot) => (
                  <DocumentSlotField page={page} slot={slot} />
                ))}
              </section>
            ) : null}
            <SubmitWithProgress page={page} label={t('apply.submit')} />
          </form>
        </section>
      </div>
    </Layout>
  );
}

/** Submitted: the Request Number and the due date at once, and where to follow it. */
export function SubmittedPage(props: {
  page: TPage;
  service: string;
  requestNumber: string;
  dueAt: string | null;
  replay: boolean;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('submitted.title')}>
      <div class="narrow">
        <section class="card submitted">
          <Notice kind="success">{t(props.replay ? 'submitted.again' : 'submitted.title')}</Notice>
          <h1>{props.service}</h1>
          <p class="lead">{t('submitted.number')}</p>
          <p class="request-number-big" id="request-number">
            {props.requestNumber}
          </p>
          <p>{t('submitted.keep')}</p>
          {props.dueAt ? <p class="lead">{t('submitted.due', { dueAt: props.dueAt })}</p> : null}
          <p>
            <a class="button" href={`/requests/${props.requestNumber}`}>
              {t('submitted.track')}
            </a>
          </p>
          <p class="secondary-action">
            <a href="/home">{t('common.backHome')}</a>
          </p>
        </section>
      </div>
    </Layout>
  );
}
