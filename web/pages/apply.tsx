/** @jsxImportSource hono/jsx */
import type { TServiceType } from '../../domain/catalogue';
import { documentKindName, serviceTypeDescription, serviceTypeName } from '../catalogue-words';
import { Notice } from '../components';
import { EFormField } from '../eform';
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
                t={t}
                language={language}
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
