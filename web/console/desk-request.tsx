/** @jsxImportSource hono/jsx */
import type { TDocumentKind, TServiceType } from '../../domain/catalogue';
import { documentKindName, documentNote, serviceTypeDescription, serviceTypeName } from '../catalogue-words';
import { FieldError, Notice } from '../components';
import { EFormField } from '../eform';
import { translator } from '../messages';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { Panel, When } from './parts';

export type TDeskRequestView = {
  consumer: { consumerNumber: string; name: string };
  types: TServiceType[];
  /** the type whose eForm is drawn */
  type?: TServiceType;
  values: Record<string, string>;
  /** the Idempotency-Key of the form as drawn: a double submit is one request */
  idempotencyKey: string;
  errors?: {
    fields: Record<string, string>;
    documents: Partial<Record<TDocumentKind, string>>;
    form?: string;
  };
  /** just submitted: the Request Number and due date, at once */
  submitted?: { requestNumber: string; dueAt: string | null; replay: boolean };
};

/** What a type needs with the request, in words: the documents it requires, or none. */
const needs = (page: TConsolePage, type: TServiceType) => {
  const kinds = type.documents.filter((d) => d.required).map((d) => documentKindName(d.kind, page.language));
  return kinds.length
    ? page.t('deskRequest.needs', { kinds: kinds.join(', ') })
    : page.t('deskRequest.needsNothing');
};

/** Pick a service type from the catalogue: a GET form, so the eForm opens in one keystroke more. */
export function StartRequestPicker(props: {
  page: TConsolePage;
  consumerNumber: string;
  types: TServiceType[];
  selected?: string;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <form
      method="get"
      action={`/console/desk/consumers/${props.consumerNumber}/request`}
      class="c-form"
      id="pick-service"
    >
      <div class="c-field">
        <label for="service-type">{t('deskRequest.type')}</label>
        <select id="service-type" name="type" required>
          {props.types.map((x) => (
            <option value={x.code} selected={x.code === props.selected}>
              {`${serviceTypeName(x, page.language)} — ${needs(page, x)}`}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="c-button c-button-quiet">
        {t('deskRequest.open')}
      </button>
    </form>
  );
}

/**
 * A service request started at the desk for the caller: the type's eForm generated from its field
 * specs (the portal's own field drawing), the documents the type requires as files with the form,
 * submitted through the one intake use case with the agent as principal (channel `agent`). The
 * Request Number and due date show at once.
 */
export function DeskRequestPage({ page, view }: { page: TConsolePage; view: TDeskRequestView }) {
  const { t, language } = page;
  const { consumer, type, submitted } = view;
  const errors = view.errors ?? { fields: {}, documents: {} };
  const words = translator(language);
  const failed =
    Boolean(errors.form) || Object.keys(errors.fields).length > 0 || Object.keys(errors.documents).length > 0;
  const required = type?.documents.filter((d) => d.required) ?? [];
  return (
    <ConsoleLayout page={page} title={t('deskRequest.title', { name: consumer.name })}>
      <p class="c-crumbs">
        <a href={`/console/desk/consumers/${consumer.consumerNumber}`}>
          ← {t('deskRequest.back', { name: consumer.name })}
        </a>
      </p>
      <h1>
        {t('deskRequest.title', { name: consumer.name })} <span class="c-rn">{consumer.consumerNumber}</span>
      </h1>
      {submitted && type ? (
        <Panel title={serviceTypeName(type, language)} id="submitted">
          <Notice kind="success" id="started">
            {t(submitted.replay ? 'deskRequest.again' : 'deskRequest.started')}
          </Notice>
          <dl class="c-facts">
            <dt>{t('deskRequest.number')}</dt>
            <dd>
              <strong class="c-rn c-rn-big" id="request-number">
                {submitted.requestNumber}
              </strong>
            </dd>
            <dt>{t('deskRequest.due')}</dt>
            <dd id="due-at">
              <When page={page} at={submitted.dueAt} />
            </dd>
          </dl>
          <p>{t('deskRequest.tellCaller')}</p>
          <p class="c-buttons">
            <a class="c-button" href={`/console/desk/consumers/${consumer.consumerNumber}`}>
              {t('deskRequest.back', { name: consumer.name })}
            </a>
            <a
              class="c-button c-button-quiet"
              href={`/console/desk/consumers/${consumer.consumerNumber}/request`}
            >
              {t('deskRequest.another')}
            </a>
          </p>
        </Panel>
      ) : (
        <div class="c-columns">
          <div class="c-column-main">
            {type ? (
              <Panel title={serviceTypeName(type, language)} id="eform-panel">
                {failed ? (
                  <Notice kind="error" id="failure-request">
                    {errors.form ?? t('deskRequest.fix')}
                  </Notice>
                ) : null}
                {serviceTypeDescription(type, language) ? (
                  <p>{serviceTypeDescription(type, language)}</p>
                ) : null}
                <form
                  id="desk-eform"
                  method="post"
                  action={`/console/desk/consumers/${consumer.consumerNumber}/request`}
                  enctype="multipart/form-data"
                  class="c-form c-eform"
                  novalidate
                >
                  <Csrf page={page} />
                  <input type="hidden" name="type" value={type.code} />
                  <input type="hidden" name="idempotencyKey" value={view.idempotencyKey} />
                  {type.form.map((field) => (
                    <EFormField
                      t={words}
                      language={language}
                      type={type}
                      field={field}
                      value={view.values[field.name] ?? ''}
                      error={errors.fields[field.name]}
                    />
                  ))}
                  <fieldset class="c-documents" id="documents">
                    <legend>{t('deskRequest.documents')}</legend>
                    {required.length ? <p class="c-hint">{t('deskRequest.documentsNow')}</p> : null}
                    {required.map((d) => {
                      const id = `document-${d.kind}`;
                      const error = errors.documents[d.kind];
                      const note = documentNote(type, d.kind, language);
                      return (
                        <div class={error ? 'field has-error' : 'field'}>
                          <label for={id}>{documentKindName(d.kind, language)}</label>
                          {note ? <p class="c-hint">{note}</p> : null}
                          <FieldError id={`${id}-error`} message={error} />
                          <input
                            type="file"
                            id={id}
                            name={`documents.${d.kind}`}
                            accept="application/pdf,image/jpeg,image/png,application/zip"
                            aria-describedby={error ? `${id}-error` : undefined}
                          />
                        </div>
                      );
                    })}
                    <p class="c-hint" id="documents-later">
                      {t('deskRequest.documentsLater')}
                    </p>
                  </fieldset>
                  <button type="submit" class="c-button">
                    {t('deskRequest.submit')}
                  </button>
                </form>
              </Panel>
            ) : (
              <p class="c-empty">{t('deskRequest.chooseFirst')}</p>
            )}
          </div>
          <div class="c-column-side">
            <Panel title={t('deskRequest.other')} id="pick">
              <StartRequestPicker
                page={page}
                consumerNumber={consumer.consumerNumber}
                types={view.types}
                selected={type?.code}
              />
            </Panel>
          </div>
        </div>
      )}
    </ConsoleLayout>
  );
}
