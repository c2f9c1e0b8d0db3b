/** @jsxImportSource hono/jsx */
import { installedProfile } from '../../domain/utility-profile';
import type { TComplaintType } from '../../domain/complaint-catalogue';
import type { TComplaintState } from '../../domain/complaint';
import { complaintTypeName } from '../catalogue-words';
import { Card, FieldError, Notice } from '../components';
import { CsrfField, Layout, type TPage } from '../layout';
import { Timeline } from '../timeline';
import { CompensationCard } from '../compensation';
import { CasePage, type TRequestFlash } from './case';

export type TComplaintErrors = Partial<Record<'type' | 'description', string>>;

/** Raise a complaint: the complaint catalogue's types in the reader's language, and a description. */
export function NewComplaintPage(props: {
  page: TPage;
  types: TComplaintType[];
  values?: { type?: string; description?: string };
  errors?: TComplaintErrors;
}) {
  const { page } = props;
  const { t, language } = page;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  return (
    <Layout page={page} title={t('complaint.newTitle')}>
      <div class="narrow">
        <section class="card">
          <h1>{t('complaint.newTitle')}</h1>
          {Object.keys(errors).length ? <Notice kind="error">{t('apply.errorsTitle')}</Notice> : null}
          <p class="lead">{t('complaint.newIntroAt', { phone: installedProfile().emergencyPhone })}</p>
          <form method="post" action="/complaints/new" novalidate>
            <CsrfField page={page} />
            <fieldset
              class={errors.type ? 'choices has-error' : 'choices'}
              aria-describedby={errors.type ? 'type-error' : undefined}
              aria-invalid={errors.type ? 'true' : undefined}
            >
              <legend>{t('complaint.type')}</legend>
              <FieldError id="type-error" message={errors.type} />
              {props.types.map((type) => (
                <label class="choice">
                  <input
                    type="radio"
                    name="type"
                    value={type.code}
                    checked={values.type === type.code}
                    required
                  />
                  <span>{complaintTypeName(type, language)}</span>
                  {type.priority === 'emergency' ? (
                    <span class="tag tag-required">{t('complaint.emergency')}</span>
                  ) : null}
                </label>
              ))}
            </fieldset>
            <div class={errors.description ? 'field has-error' : 'field'}>
              <label for="field-description">{t('complaint.description')}</label>
              <p class="hint" id="field-description-hint">
                {t('complaint.descriptionHint')}
              </p>
              <FieldError id="field-description-error" message={errors.description} />
              <textarea
                id="field-description"
                name="description"
                rows={4}
                maxlength={2000}
                aria-describedby={`field-description-hint${errors.description ? ' field-description-error' : ''}`}
              >
                {values.description ?? ''}
              </textarea>
            </div>
            <button type="submit" class="button">
              {t('complaint.submit')}
            </button>
          </form>
        </section>
      </div>
    </Layout>
  );
}

/**
 * A complaint: status and due time, the outage it waits on with its ETR, the crew, the timeline;
 * once resolved, "fixed" or "still not fixed" (which reopens it).
 */
export function ComplaintPage(props: {
  page: TPage;
  state: TComplaintState;
  type?: TComplaintType;
  flash?: TRequestFlash;
}) {
  const { page, state } = props;
  const { t, language } = page;
  const name = props.type ? complaintTypeName(props.type, language) : state.typeName;
  const outage = state.outage && !state.outage.unlinkedAt ? state.outage : undefined;
  const waiting = ['open', 'assigned', 'awaiting-restoration'].includes(state.status);
  return (
    <CasePage
      page={page}
      title={t('complaint.title', { requestNumber: state.requestNumber })}
      name={name}
      requestNumber={state.requestNumber}
      status={state.status}
      flash={props.flash}
      facts={[
        state.submittedAt ? { label: t('complaint.registered'), at: state.submittedAt } : undefined,
        waiting && !outage ? { label: t('complaint.due'), at: state.dueAt } : undefined,
        state.crew ? { label: t('complaint.crew'), value: state.crew } : undefined,
        state.resolvedAt ? { label: t('complaint.resolvedAt'), at: state.resolvedAt } : undefined,
      ]}
    >
      {outage ? (
        <Card title={t('complaint.outageTitle')} id="outage" class="outage-card">
          {outage.restoredAt ? (
            <p class="lead">{t('complaint.outageRestored', { at: outage.restoredAt })}</p>
          ) : (
            <>
              <p>{t('complaint.outageLead')}</p>
              <p class="etr">{t('complaint.etr', { etr: outage.etr })}</p>
            </>
          )}
        </Card>
      ) : null}
      {state.status === 'resolved' ? (
        <Card title={t('complaint.confirmTitle')} id="confirm" class="span-2 asked">
          <p class="lead">{t('complaint.confirmLead')}</p>
          <form method="post" action={`/complaints/${state.requestNumber}/confirm`} class="button-row">
            <CsrfField page={page} />
            <button type="submit" name="fixed" value="yes" class="button">
              {t('complaint.fixed')}
            </button>
            <button type="submit" name="fixed" value="no" class="button secondary">
              {t('complaint.notFixed')}
            </button>
          </form>
        </Card>
      ) : null}
      {state.compensation ? <CompensationCard page={page} credit={state.compensation} /> : null}
      <Card title={t('request.timeline')} id="timeline" class="span-2">
        <Timeline page={page} entries={state.timeline} />
      </Card>
    </CasePage>
  );
}
